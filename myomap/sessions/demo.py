"""Demo records for the sessions app: Maria Lopez has had two sessions from her plan.

Runs after the plans demo; without a plan for Maria (or when her screening holds treatment)
it adds nothing. Idempotent: a client who already has sessions is left alone.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from myomap.clinics.models import Clinic, Role, User
from myomap.common.audit import Origin
from myomap.patients.models import Patient
from myomap.plans.models import Plan, PlanStatus
from myomap.screening.gate import TreatmentBlocked
from myomap.sessions.models import CheckIn, CheckInVia, TreatmentSession
from myomap.sessions.services import (
    checkin_record,
    session_events_record,
    session_finish,
    session_start,
)
from myomap_core.session import Event, EventKind

ORIGIN = Origin(path="(demo loader)")

# Per session: pain before, pain after, and per step (discomfort readings, twitch, skipped).
# Six weekly sessions since her first assessment, matching her questionnaires (2 sessions
# done 35 days ago, 4 done 21 days ago, 6 done 7 days ago).
# One step's readings, twitch and skipped.
StepShape = tuple[tuple[int, ...], bool, bool]
EASE_OFF: tuple[StepShape, ...] = (
    ((4, 7, 5), True, False),
    ((4,), False, False),
    ((3,), False, True),
)
STEADY = (((4, 3), False, False), ((3,), True, False), ((3,), False, False))
VISITS = (
    (42, 7, 5, EASE_OFF),
    (36, 6, 4, STEADY),
    (29, 5, 4, STEADY),
    (22, 4, 3, STEADY),
    (14, 3, 2, STEADY),
    (8, 3, 2, STEADY),
)


def _events(
    pain_before: int, pain_after: int, steps: int, plan: tuple[StepShape, ...], start: datetime
) -> list[Event]:
    out: list[Event] = []
    at = start

    def add(kind: EventKind, step: int | None = None, value: float | None = None) -> None:
        nonlocal at
        at += timedelta(seconds=40)
        out.append(Event(str(uuid.uuid4()), len(out) + 1, kind, step, value, at))

    add(EventKind.PAIN_BEFORE, value=pain_before)
    for order in range(1, steps + 1):
        readings, twitch, skipped = plan[(order - 1) % len(plan)]
        if skipped:
            add(EventKind.SKIPPED, order)
            continue
        add(EventKind.TIMER_STARTED, order, 60)
        for reading in readings:
            add(EventKind.DISCOMFORT, order, reading)
            if reading > 5:
                add(EventKind.EASED_OFF, order)
        if twitch:
            add(EventKind.TWITCH, order)
        add(EventKind.TIMER_DONE, order, 60)
        add(EventKind.RELEASED, order)
    add(EventKind.PAIN_AFTER, value=pain_after)
    return out


CHANGES = (
    "",
    "Sat at the desk all week with a deadline; the neck was stiff by Friday.",
    "Started the stretches every morning; headaches less often.",
    "",
    "Long drive at the weekend, otherwise a good week.",
    "",
)


def _checkin(visit: int, pain_now: int) -> dict[str, object]:
    """The visit's check-in: no new warning signs; the response follows the pain ratings."""
    data: dict[str, object] = {
        "pain_now": pain_now,
        "changes": CHANGES[visit % len(CHANGES)],
        "none_of_these": True,
    }
    if visit > 0:
        data["response"] = "better" if visit != 1 else "same"
        data["soreness"] = "up_to_a_day" if visit < 3 else "none"
    return data


def load_demo(clinic: Clinic) -> bool:
    maria = Patient.objects.filter(clinic=clinic, first_name="Maria", last_name="Lopez").first()
    if maria is None or TreatmentSession.objects.filter(patient=maria).exists():
        return False
    plan = Plan.objects.filter(patient=maria, status=PlanStatus.ACTIVE).first()
    therapist = plan.created_by if plan else None
    if plan is None or therapist is None:
        return False
    if therapist.role not in (Role.OWNER, Role.THERAPIST):
        therapist = User.objects.filter(clinic=clinic, role=Role.THERAPIST).first() or therapist
    try:
        with transaction.atomic():
            for visit, (days_ago, before, after, shape) in enumerate(VISITS):
                session = session_start(actor=therapist, patient=maria, plan=plan, origin=ORIGIN)
                start = timezone.now() - timedelta(days=days_ago, hours=2)
                checkin_record(
                    actor=therapist,
                    patient=maria,
                    session=session,
                    data=_checkin(visit, before),
                    via=CheckInVia.TABLET,
                    origin=ORIGIN,
                )
                count = session.steps.count()
                events = _events(before, after, count, shape, start)
                session_events_record(
                    session=session, events=events, actor=therapist, origin=ORIGIN
                )
                session_finish(actor=therapist, session=session, origin=ORIGIN)
                TreatmentSession.objects.filter(pk=session.pk).update(
                    started_at=start, finished_at=start + timedelta(minutes=60)
                )
                CheckIn.objects.filter(session=session).update(created_at=start)
    except TreatmentBlocked:
        return False
    return True
