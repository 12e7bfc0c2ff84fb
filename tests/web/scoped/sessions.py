"""A plan with three steps and a treatment session started from it."""

from __future__ import annotations

from typing import Any

from myomap.plans.models import Plan, PlanStep
from myomap.screening.models import Screening
from myomap.sessions.models import CheckIn, CheckInVia, TreatmentSession
from myomap.sessions.services import (
    checkin_first_visit,
    checkin_link_create,
    checkin_record,
    session_start,
)
from tests.web.scoped.screening import screen_client

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
    screen_clear(therapist, patient)
    session = session_start(actor=therapist, patient=patient)
    link, _ = checkin_link_create(actor=therapist, patient=patient)
    return {"session_id": session.pk, "checkin_link_id": link.pk}


def screen_clear(therapist: Any, patient: Any) -> Screening:
    """Every health check answered no: a current screening that allows treatment."""
    screening: Screening = screen_client(therapist, patient)
    assert screening.decision == "treat"
    return screening


def check_in(therapist: Any, session: TreatmentSession, **answers: object) -> CheckIn:
    """The visit's check-in with no new warning signs (first visit: no last treatment)."""
    data: dict[str, object] = {"pain_now": 5, "none_of_these": True}
    if not checkin_first_visit(session.patient, session):
        data |= {"response": "better", "soreness": "up_to_a_day"}
    data |= answers
    return checkin_record(
        actor=therapist, patient=session.patient, session=session, data=data,
        via=CheckInVia.TABLET,
    )  # fmt: skip
