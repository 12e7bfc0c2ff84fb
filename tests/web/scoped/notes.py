"""A finished treatment session with a signed SOAP note (and the helper that makes sessions)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db.models import Max
from django.utils import timezone

from myomap.sessions.models import SessionEvent, SessionStep, TreatmentSession

TRAPEZIUS = {
    "muscle_id": "upper_trapezius",
    "trigger_point": "trp2",
    "side": "right",
    "technique": "ischemic_compression",
    "pressure_min_kg": 3.6,
    "pressure_max_kg": 5.4,
    "contact": "thumb",
    "hold_s": 60,
    "status": "done",
    "released": True,
    "twitch": True,
    "hold_s_total": 60,
}


def make_session(
    therapist: Any,
    patient: Any,
    *,
    finished: bool = True,
    steps: Sequence[dict[str, Any]] = (TRAPEZIUS,),
    discomfort: Sequence[tuple[int, int]] = ((1, 4), (1, 7)),
    pain: tuple[int | None, int | None] = (6, 3),
    checkin: str = "Neck easier since the last visit; still stiff in the mornings",
    days_ago: int = 0,
) -> TreatmentSession:
    """A session of ``patient`` with ``steps`` and discomfort events (step order, reading)."""
    number = (
        TreatmentSession.objects.filter(patient=patient).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    started = timezone.now() - timedelta(days=days_ago, minutes=65)
    session = TreatmentSession.objects.create(
        clinic=patient.clinic,
        patient=patient,
        number=number,
        status="finished" if finished else "in_progress",
        started_at=started,
        finished_at=started + timedelta(minutes=62) if finished else None,
        pain_before=pain[0],
        pain_after=pain[1] if finished else None,
        checkin=checkin,
        therapist=therapist,
    )
    made = {}
    for order, fields in enumerate(steps, start=1):
        made[order] = SessionStep.objects.create(session=session, order=order, **fields)
    # The log is the truth: the taps that give each step the outcome its fields describe.
    taps: list[tuple[int, str, float | None]] = [(o, "discomfort", v) for o, v in discomfort]
    for order, fields in enumerate(steps, start=1):
        if fields.get("status") == "done":
            if fields.get("hold_s_total"):
                taps.append((order, "timer_done", fields["hold_s_total"]))
            for flag in ("twitch", "referral_reproduced", "released"):
                if fields.get(flag):
                    taps.append((order, flag, None))
            taps.append((order, "step_done", None))
        elif fields.get("status") == "skipped":
            taps.append((order, "skipped", None))
    for seq, (order, kind, value) in enumerate(taps, start=1):
        SessionEvent.objects.create(
            session=session,
            event_id=uuid.uuid4(),
            seq=seq,
            kind=kind,
            step=made[order],
            value=value,
            occurred_at=started + timedelta(minutes=5 + seq),
            recorded_by=therapist,
        )
    return session


def make(therapist: Any, patient: Any) -> dict[str, object]:
    from myomap.notes.services import note_draft, note_sign

    session = make_session(therapist, patient)
    note = note_sign(actor=therapist, note=note_draft(actor=therapist, session=session))
    return {"note_id": note.pk, "session_id": session.pk}
