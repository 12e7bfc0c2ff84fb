"""Writes for treatment sessions: start (after the safety gate), record the guide's taps,
finish. Each writes a readable audit row in its transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.patients.models import Patient
from myomap.plans.models import Plan, PlanStatus, PlanStep
from myomap.screening.gate import require_treatment_allowed
from myomap.sessions.models import (
    SessionEvent,
    SessionStatus,
    SessionStep,
    StepStatus,
    TreatmentSession,
)
from myomap.sessions.words import describe_event, step_title
from myomap_core.errors import DomainError
from myomap_core.session import Event, EventKind, Merge, SessionSummary, merge, summarise


class SessionClosed(Exception):
    """The session is finished: its log takes no more taps (HTTP 409)."""

    def __init__(self, session: TreatmentSession) -> None:
        self.session = session
        when = timezone.localtime(session.finished_at) if session.finished_at else None
        super().__init__(
            f"Session {session.number} was finished"
            + (f" at {when:%H:%M on %-d %b %Y}" if when else "")
            + ": it takes no more entries. Add anything else to the session note."
        )


@dataclass(frozen=True)
class Recorded:
    """What a batch of taps did: ids stored now, ids already stored, and the new summary."""

    accepted: tuple[str, ...]
    duplicates: tuple[str, ...]
    summary: SessionSummary


def _audit(session: TreatmentSession, action: AuditAction, actor: User | None, summary: str,
           origin: Origin | None, obj: object = None) -> None:  # fmt: skip
    audit_record(
        action=action,
        clinic=session.clinic,
        actor=actor,
        patient=session.patient,
        obj=obj if obj is not None else session,
        summary=summary,
        origin=origin,
    )


def core_event(row: SessionEvent, orders: dict[int, int]) -> Event:
    """A stored event as the core's record; ``orders`` maps step ids to their order."""
    return Event(
        event_id=str(row.event_id),
        seq=row.seq,
        kind=EventKind(row.kind),
        step=orders[row.step_id] if row.step_id is not None else None,
        value=row.value,
        at=row.occurred_at,
        text=row.text,
    )


def stored_events(session: TreatmentSession) -> list[Event]:
    steps = {s.pk: s.order for s in session.steps.all()}
    return [core_event(row, steps) for row in SessionEvent.objects.filter(session=session)]


def _active_plan(patient: Patient) -> Plan | None:
    return (
        Plan.objects.filter(patient=patient, status=PlanStatus.ACTIVE)
        .order_by("-created_at", "-id")
        .first()
    )


@transaction.atomic
def session_start(
    *, actor: User, patient: Patient, plan: Plan | None = None, origin: Origin | None = None
) -> TreatmentSession:
    """Start the client's next session, copying the plan's steps (the active plan if none is
    given; a session without a plan has no steps). The safety gate is asked first and raises
    ``TreatmentBlocked`` with its reason."""
    require_treatment_allowed(patient)
    if patient.is_archived:
        raise ValidationError("Restore the client from the archive before starting a session.")
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    if plan is None:
        plan = _active_plan(patient)
    elif plan.patient_id != patient.pk:
        raise ValidationError({"plan": "This plan belongs to another client."})
    last = TreatmentSession.objects.filter(patient=patient).aggregate(n=Max("number"))["n"]
    session = TreatmentSession(
        clinic=patient.clinic,
        patient=patient,
        plan=plan,
        number=(last or 0) + 1,
        started_at=timezone.now(),
        therapist=actor,
    )
    session.full_clean()
    session.save()
    plan_steps = list(PlanStep.objects.filter(plan=plan).order_by("order", "id")) if plan else []
    for order, ps in enumerate(plan_steps, start=1):
        step = SessionStep(
            session=session,
            plan_step=ps,
            order=order,
            muscle_id=ps.muscle_id,
            trigger_point=ps.trigger_point,
            side=ps.side,
            technique=ps.technique,
            pressure_min_kg=ps.pressure_min_kg,
            pressure_max_kg=ps.pressure_max_kg,
            contact=ps.contact,
            hold_s=ps.hold_s,
            repetitions=ps.repetitions,
            duration_s=ps.duration_s,
            body_position=ps.body_position,
            contract_s=ps.contract_s,
        )
        step.full_clean(exclude=["session"])
        step.save()
    steps_text = (
        f"{len(plan_steps)} step{'s' if len(plan_steps) != 1 else ''} from the plan"
        if plan
        else "no plan"
    )
    _audit(
        session,
        AuditAction.CREATE,
        actor,
        f"Started treatment session {session.number} for {patient.full_name} ({steps_text})",
        origin,
    )
    return session


def _apply(session: TreatmentSession, steps: list[SessionStep], summary: SessionSummary) -> None:
    """Keep the stored step outcomes and pain ratings equal to the summary of the log."""
    for step, outcome in zip(steps, summary.steps, strict=True):
        values = {
            "status": StepStatus(outcome.status),
            "discomfort_max": outcome.discomfort_max,
            "discomfort_readings": list(outcome.discomfort),
            "ease_off_count": outcome.ease_off_count,
            "released": outcome.released,
            "twitch": outcome.twitch,
            "referral_reproduced": outcome.referral_reproduced,
            "hold_s_total": outcome.hold_s_total,
        }
        changed = [k for k, v in values.items() if getattr(step, k) != v]
        if changed:
            for k in changed:
                setattr(step, k, values[k])
            step.save(update_fields=changed)
    changed = []
    for name in ("pain_before", "pain_after"):
        value = getattr(summary, name)
        if getattr(session, name) != value:
            setattr(session, name, value)
            changed.append(name)
    if changed:
        session.save(update_fields=changed)


def session_events_record(
    *,
    session: TreatmentSession,
    events: Sequence[Event],
    actor: User | None,
    origin: Origin | None = None,
) -> Recorded:
    """Store a batch of the guide's taps once each and update what the session adds up to.

    A repeat of a stored tap is accepted and ignored; the same id with other content raises
    ``DomainError``; a finished session raises ``SessionClosed``; another clinic's session
    is not found (``Http404``).
    """
    if actor is not None and actor.clinic_id != session.clinic_id:
        raise Http404("No such session.")
    with transaction.atomic():
        locked = TreatmentSession.objects.select_for_update().get(pk=session.pk)
        if locked.status == SessionStatus.FINISHED:
            raise SessionClosed(locked)
        steps = list(SessionStep.objects.filter(session=locked).order_by("order"))
        by_order = {s.order: s for s in steps}
        for i, e in enumerate(events):
            if e.step is not None and e.step not in by_order:
                raise DomainError(
                    f"session {locked.number} has {len(steps)} steps",
                    field=f"events[{i}].step",
                    value=e.step,
                )
        stored = stored_events(locked)
        try:
            result: Merge = merge(stored, events)
        except DomainError as exc:
            index = next((i for i, e in enumerate(events) if e.event_id == exc.value), None)
            field = f"events[{index}].event_id" if index is not None else exc.field
            raise DomainError(exc.message, field=field, value=exc.value) from None
        summary = summarise(len(steps), [*stored, *result.new])
        created = SessionEvent.objects.bulk_create(
            SessionEvent(
                session=locked,
                event_id=e.event_id,
                seq=e.seq,
                kind=e.kind.value,
                step=by_order[e.step] if e.step is not None else None,
                value=e.value,
                text=e.text,
                occurred_at=e.at,
                recorded_by=actor,
            )
            for e in result.new
        )
        if result.new:
            _apply(locked, steps, summary)
            titles = {s.order: step_title(s) for s in steps}
            said = "; ".join(describe_event(e, titles) for e in result.new[:6])
            more = f" and {len(result.new) - 6} more" if len(result.new) > 6 else ""
            _audit(
                locked,
                AuditAction.UPDATE,
                actor,
                f"Session {locked.number}: {said}{more}",
                origin,
                created[-1],
            )
        session.pain_before, session.pain_after = locked.pain_before, locked.pain_after
    return Recorded(
        accepted=tuple(e.event_id for e in result.new),
        duplicates=result.duplicates,
        summary=summary,
    )


@transaction.atomic
def session_finish(
    *,
    actor: User,
    session: TreatmentSession,
    pain_after: int | None = None,
    origin: Origin | None = None,
) -> TreatmentSession:
    """Close the session. An optional ``pain_after`` is recorded first, as a tap would be.
    Finishing twice changes nothing."""
    locked = TreatmentSession.objects.select_for_update().get(pk=session.pk)
    if locked.status == SessionStatus.FINISHED:
        return locked
    if pain_after is not None:
        last_seq = SessionEvent.objects.filter(session=locked).aggregate(s=Max("seq"))["s"] or 0
        session_events_record(
            session=locked,
            events=[
                Event(
                    event_id=str(uuid.uuid4()),
                    seq=last_seq + 1,
                    kind=EventKind.PAIN_AFTER,
                    step=None,
                    value=pain_after,
                    at=timezone.now(),
                )
            ],
            actor=actor,
            origin=origin,
        )
        locked.refresh_from_db()
    locked.status = SessionStatus.FINISHED
    locked.finished_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["status", "finished_at"])
    steps = list(locked.steps.all())
    done = sum(1 for s in steps if s.status == StepStatus.DONE)
    skipped = sum(1 for s in steps if s.status == StepStatus.SKIPPED)
    pain = (
        f"; pain {locked.pain_before}→{locked.pain_after}/10"
        if locked.pain_before is not None and locked.pain_after is not None
        else ""
    )
    _audit(
        locked,
        AuditAction.UPDATE,
        actor,
        f"Finished treatment session {locked.number} for {locked.patient.full_name}: "
        f"{done} of {len(steps)} steps done, {skipped} skipped{pain}",
        origin,
    )
    session.status, session.finished_at = locked.status, locked.finished_at
    session.pain_before, session.pain_after = locked.pain_before, locked.pain_after
    return locked
