"""A finished session with its aftercare sheet and a home program link."""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.utils import timezone

from myomap.aftercare.services import aftercare_for_session, home_link_create
from myomap.sessions.models import SessionStep, TreatmentSession

STEPS = (
    # muscle, side, technique, ease-off readings
    ("quadratus_lumborum", "left", "ischemic_compression", 1),
    ("quadratus_lumborum", "right", "ischemic_compression", 0),
    ("gluteus_medius", "left", "positional_release", 0),
)


def finished_session(
    therapist: Any, patient: Any, steps: tuple[tuple[str, str, str, int], ...] = STEPS
) -> TreatmentSession:
    """A finished session with done steps, made directly (no plan, no event log)."""
    number = (
        TreatmentSession.objects.filter(patient=patient).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    now = timezone.now()
    session = TreatmentSession.objects.create(
        clinic=patient.clinic,
        patient=patient,
        number=number,
        status="finished",
        started_at=now - timezone.timedelta(hours=1),
        finished_at=now,
        pain_before=6,
        pain_after=3,
        therapist=therapist,
    )
    for order, (muscle_id, side, technique, ease_off) in enumerate(steps, start=1):
        SessionStep.objects.create(
            session=session,
            order=order,
            muscle_id=muscle_id,
            side=side,
            technique=technique,
            hold_s=60 if technique == "ischemic_compression" else 90,
            status="done",
            discomfort_max=6 if ease_off else 4,
            ease_off_count=ease_off,
        )
    return session


def make(therapist: Any, patient: Any) -> dict[str, object]:
    session = finished_session(therapist, patient)
    sheet = aftercare_for_session(actor=therapist, session=session)
    link, _ = home_link_create(actor=therapist, sheet=sheet)
    return {
        "session_id": session.pk,
        "aftercare_session_id": session.pk,
        "homecare_link_id": link.pk,
        "homecare_item_id": sheet.item_ids[-1],
    }
