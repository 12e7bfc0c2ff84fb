"""A plan with three steps and a treatment session started from it."""

from __future__ import annotations

from typing import Any

from myomap.plans.models import Plan, PlanStep
from myomap.sessions.services import session_start

STEPS = (
    # muscle, trigger point, side, hold, pressure kg, contact
    ("upper_trapezius", "trp1", "left", 60, (2.7, 4.5), "pincer"),
    ("levator_scapulae", "lower", "left", 45, (3.6, 4.5), "thumb"),
    ("infraspinatus", "below_spine", "right", 90, (3.6, 5.4), "thumb"),
)


def make_plan(therapist: Any, patient: Any, steps: tuple[Any, ...] = STEPS) -> Plan:
    plan = Plan.objects.create(
        clinic=patient.clinic,
        patient=patient,
        initial_sessions=5,
        sessions_per_week=1,
        session_minutes=60,
        created_by=therapist,
    )
    for order, (muscle, point, side, hold, (low, high), contact) in enumerate(steps, start=1):
        PlanStep.objects.create(
            plan=plan,
            order=order * 10,
            muscle_id=muscle,
            trigger_point=point,
            side=side,
            technique="ischemic_compression",
            pressure_min_kg=low,
            pressure_max_kg=high,
            contact=contact,
            hold_s=hold,
            minutes=3,
        )
    return plan


def make(therapist: Any, patient: Any) -> dict[str, object]:
    make_plan(therapist, patient)
    session = session_start(actor=therapist, patient=patient)
    return {"session_id": session.pk}
