"""Writes for treatment sessions: start (after the safety gate, one open session per client),
the visit's check-in, record the guide's taps (each batch asks the gate first), finish, and
stop for safety. Each writes a readable audit row in its transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.links import link_by_token, link_new, link_revoke, link_sent, links_completed
from myomap.common.models import AuditAction, LinkPurpose, PrivateLink
from myomap.patients.models import Patient
from myomap.plans.models import Plan, PlanStatus, PlanStep
from myomap.screening.gate import (
    Gate,
    health_checks_of,
    require_treatment_allowed,
    treatment_gate,
)
from myomap.screening.models import ScreeningTrigger
from myomap.screening.services import screening_answers_save
from myomap.sessions.models import (
    CheckIn,
    CheckInLink,
    CheckInVia,
    SessionEvent,
    SessionStatus,
    SessionStep,
    StepStatus,
    TreatmentSession,
)
from myomap.sessions.words import describe_event, step_title
from myomap_core import checkin as core_checkin
from myomap_core.errors import DomainError
from myomap_core.session import Event, EventKind, Merge, SessionSummary, merge, summarise

TREATMENT_KINDS = frozenset(
    {
        EventKind.STEP_STARTED,
        EventKind.TIMER_STARTED,
        EventKind.TIMER_DONE,
        EventKind.DISCOMFORT,
        EventKind.RELEASED,
        EventKind.EASED,
        EventKind.NO_CHANGE,
        EventKind.TWITCH,
        EventKind.REFERRAL_REPRODUCED,
        EventKind.SKIPPED,
        EventKind.STEP_DONE,
    }
)
"""Taps that are hands-on treatment: refused while the session is on hold or before the
visit's check-in. Pain ratings, notes, stopping a timer and easing off stay open."""


class SessionClosed(Exception):
    """The session is finished or stopped: its log takes no more taps (HTTP 409)."""

    def __init__(self, session: TreatmentSession) -> None:
        self.session = session
        stopped = session.is_stopped
        moment = session.stopped_at if stopped else session.finished_at
        when = timezone.localtime(moment) if moment else None
        super().__init__(
            f"Session {session.number} was {'stopped for safety' if stopped else 'finished'}"
            + (f" at {when:%H:%M on %-d %b %Y}" if when else "")
            + ": it takes no more entries. Add anything else to the session note."
        )


def _day(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%-d %b %Y}"


def do_now(gate: Gate) -> str:
    """What to do now, from the decision that holds treatment."""
    if gate.decision is not None:
        return gate.decision.instruction
    return "Do not treat. Ask the health checks now (Screen now on the client page)."


class SessionOnHold(Exception):
    """Treatment is not allowed now: the session takes no treatment taps and cannot be
    finished, only stopped for safety (HTTP 409). ``gate`` names the screening."""

    def __init__(self, session: TreatmentSession, gate: Gate) -> None:
        self.session = session
        self.gate = gate
        super().__init__(f"Treatment on hold: {gate.reason}")


class CheckInRequired(Exception):
    """The visit's check-in comes before any hands-on step (HTTP 409)."""

    def __init__(self, session: TreatmentSession) -> None:
        self.session = session
        super().__init__(
            f"Check in first: session {session.number} starts with the visit's check-in "
            "(pain now, the last treatment, and the safety questions)."
        )


class SessionAlreadyOpen(Exception):
    """Another session of the client is open; it must be continued, finished or stopped."""

    def __init__(self, session: TreatmentSession) -> None:
        self.session = session
        super().__init__(
            f"Session {session.number} of {session.patient.full_name} is already open "
            f"(started {timezone.localtime(session.started_at):%H:%M on %-d %b %Y}): open "
            "it, or finish or stop it, before starting another."
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
    ``TreatmentBlocked`` with its reason.

    One session per client is open at a time: starting again returns the open session (a
    second click is harmless); asking for another plan while one is open, or a start that
    loses a race with another, raises ``SessionAlreadyOpen`` naming the open one. The
    database enforces it too (``one_open_session_per_client``).
    """
    require_treatment_allowed(patient)
    if patient.is_archived:
        raise ValidationError("Restore the client from the archive before starting a session.")
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    if plan is not None and plan.patient_id != patient.pk:
        raise ValidationError({"plan": "This plan belongs to another client."})
    open_session = open_session_of(patient)
    if open_session is not None:
        if plan is not None and open_session.plan_id != plan.pk:
            raise SessionAlreadyOpen(open_session)
        return open_session
    try:
        with transaction.atomic():
            return _session_create(actor=actor, patient=patient, plan=plan, origin=origin)
    except IntegrityError:
        racing = open_session_of(patient)
        if racing is None:
            raise
        raise SessionAlreadyOpen(racing) from None


def open_session_of(patient: Patient) -> TreatmentSession | None:
    """The client's session in progress, if any (at most one)."""
    return (
        TreatmentSession.objects.filter(patient=patient, status=SessionStatus.IN_PROGRESS)
        .select_related("patient")
        .first()
    )


def _session_create(
    *, actor: User, patient: Patient, plan: Plan | None, origin: Origin | None
) -> TreatmentSession:
    if plan is None:
        plan = _active_plan(patient)
    last = TreatmentSession.objects.filter(patient=patient).aggregate(n=Max("number"))["n"]
    session = TreatmentSession(
        clinic=patient.clinic,
        patient=patient,
        plan=plan,
        number=(last or 0) + 1,
        started_at=timezone.now(),
        therapist=actor,
    )
    # The open-session constraint is left to the database: a concurrent start fails on it
    # (IntegrityError) rather than passing a check that the other start has not written yet.
    session.full_clean(validate_constraints=False)
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
    _attach_sent_ahead(session, actor, origin)
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
        locked = (
            TreatmentSession.objects.select_for_update()
            .select_related("patient")
            .get(pk=session.pk)
        )
        if not locked.is_open:
            raise SessionClosed(locked)
        if any(e.kind in TREATMENT_KINDS for e in events):
            gate = treatment_gate(locked.patient)
            if not gate.allowed:
                raise SessionOnHold(locked, gate)
            if not CheckIn.objects.filter(session=locked).exists():
                raise CheckInRequired(locked)
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
    Finishing twice changes nothing. A session on hold cannot be finished, only stopped for
    safety (``SessionOnHold``); a stopped one raises ``SessionClosed``."""
    locked = (
        TreatmentSession.objects.select_for_update().select_related("patient").get(pk=session.pk)
    )
    if locked.status == SessionStatus.FINISHED:
        return locked
    if locked.is_stopped:
        raise SessionClosed(locked)
    gate = treatment_gate(locked.patient)
    if not gate.allowed:
        raise SessionOnHold(locked, gate)
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


@transaction.atomic
def session_stop_for_safety(
    *, actor: User, session: TreatmentSession, note: str = "", origin: Origin | None = None
) -> TreatmentSession:
    """Stop the session because treatment is not safe now. The reason is the gate's (the
    screening that holds treatment) with the therapist's ``note``; the advice is the
    decision's instruction. Without a hold, ``note`` must say why. Stopping twice changes
    nothing; a finished session cannot be stopped."""
    locked = (
        TreatmentSession.objects.select_for_update().select_related("patient").get(pk=session.pk)
    )
    if locked.is_stopped:
        return locked
    if not locked.is_open:
        raise SessionClosed(locked)
    note = note.strip()
    if len(note) > 1000:
        raise ValidationError({"note": "At most 1000 characters."})
    gate = treatment_gate(locked.patient)
    if gate.allowed and not note:
        raise ValidationError(
            {"note": "Say why the session is stopped: the screening allows treatment now."}
        )
    reasons = [gate.reason] if not gate.allowed else []
    if note:
        reasons.append(f"Therapist: {note}")
    locked.status = SessionStatus.STOPPED_FOR_SAFETY
    locked.stopped_at = timezone.now()
    locked.stopped_by = actor
    locked.stop_reason = " ".join(reasons)
    locked.stop_advice = do_now(gate) if not gate.allowed else ""
    locked.stop_screening = gate.screening if not gate.allowed else None
    locked.full_clean(validate_constraints=False)
    locked.save(
        update_fields=[
            "status", "stopped_at", "stopped_by", "stop_reason", "stop_advice", "stop_screening",
        ]
    )  # fmt: skip
    decision = f" ({gate.decision.label})" if gate.decision is not None and not gate.allowed else ""
    _audit(
        locked,
        AuditAction.UPDATE,
        actor,
        f"Stopped treatment session {locked.number} of {locked.patient.full_name} for "
        f"safety{decision}",
        origin,
    )
    session.status, session.stopped_at = locked.status, locked.stopped_at
    return locked


# --------------------------------------------------------------------------- the check-in


def _sex(patient: Patient) -> str | None:
    return patient.sex if patient.sex in ("female", "male", "other") else None


def checkin_first_visit(patient: Patient, session: TreatmentSession | None) -> bool:
    """No earlier treatment to ask about."""
    earlier = TreatmentSession.objects.filter(patient=patient)
    if session is not None:
        earlier = earlier.filter(number__lt=session.number)
    return not earlier.exists()


def checkin_record(
    *,
    actor: User | None,
    patient: Patient,
    data: Mapping[str, object],
    via: CheckInVia,
    session: TreatmentSession | None = None,
    link: CheckInLink | None = None,
    origin: Origin | None = None,
) -> CheckIn:
    """Store the visit's check-in, all or nothing.

    Answers are checked by ``myomap_core.checkin.parse_checkin`` (``DomainError`` names the
    field). A yes is merged into the client's health-check answers and the screening runs
    again at once (trigger ``checkin``); a blocking result puts every open session of the
    client on hold. With ``session`` (open, not yet checked in), the check-in belongs to it
    and "pain now" is its pain before treatment.
    """
    if actor is not None and actor.clinic_id != patient.clinic_id:
        raise Http404("No such client.")
    with transaction.atomic():
        if session is not None:
            session = (
                TreatmentSession.objects.select_for_update()
                .select_related("patient")
                .get(pk=session.pk)
            )
            if session.patient_id != patient.pk:
                raise Http404("No such session.")
            if not session.is_open:
                raise SessionClosed(session)
            if CheckIn.objects.filter(session=session).exists():
                raise DomainError(
                    f"session {session.number} is checked in already", field="session",
                    value=session.number,
                )  # fmt: skip
        parsed = core_checkin.parse_checkin(
            data, sex=_sex(patient), first_visit=checkin_first_visit(patient, session)
        )
        screening = None
        changed: tuple[str, ...] = ()
        if parsed.yes:
            _, existing = health_checks_of(patient)
            merged, changed = core_checkin.merge_into(existing, parsed)
            screening = screening_answers_save(
                actor=actor, patient=patient, data=merged, trigger=ScreeningTrigger.CHECKIN,
                origin=origin,
            )  # fmt: skip
        record = CheckIn(
            clinic=patient.clinic,
            patient=patient,
            session=session,
            pain_now=parsed.pain_now,
            response=parsed.response.value if parsed.response else "",
            soreness=parsed.soreness.value if parsed.soreness else "",
            changes=parsed.changes,
            safety={k: "yes" if v else "no" for k, v in parsed.safety.items()},
            answers_changed=list(changed),
            screening=screening,
            via=via,
            link=link,
            recorded_by=actor,
        )
        record.full_clean()
        record.save()
        where = f" for session {session.number}" if session is not None else ""
        said = (
            f"; {len(parsed.yes)} safety answer{'s' if len(parsed.yes) != 1 else ''} yes, "
            "screening run again"
            if parsed.yes
            else "; no new warning signs"
        )
        audit_record(
            action=AuditAction.CREATE,
            clinic=patient.clinic,
            actor=actor,
            patient=patient,
            obj=record,
            summary=f"Visit check-in{where} ({CheckInVia(via).label.lower()}){said}",
            origin=origin,
        )
        if session is not None:
            _pain_before(session, parsed.pain_now, actor, origin)
    return record


def _pain_before(
    session: TreatmentSession, value: int, actor: User | None, origin: Origin | None
) -> None:
    """The check-in's "pain now" as the session's pain before treatment. It goes first in
    the log (``seq`` 0), so a pain rating tapped later in the guide corrects it."""
    session_events_record(
        session=session,
        events=[
            Event(
                event_id=str(uuid.uuid4()),
                seq=0,
                kind=EventKind.PAIN_BEFORE,
                step=None,
                value=value,
                at=timezone.now(),
            )
        ],
        actor=actor,
        origin=origin,
    )


# --------------------------------------------------------------------------- sent ahead

CHECKIN_LINK_DAYS = 7
"""How long a check-in link opens: a week, the usual gap between visits [ours]."""
SENT_AHEAD_HOURS = 72
"""A check-in answered on the link this recently belongs to the next session started [ours]."""


def _attach_sent_ahead(session: TreatmentSession, actor: User, origin: Origin | None) -> None:
    """The client's check-in sent ahead on the link (recent, not yet part of a session)
    becomes this session's check-in; "pain now" is its pain before treatment."""
    since = timezone.now() - timedelta(hours=SENT_AHEAD_HOURS)
    ahead = (
        CheckIn.objects.select_for_update()
        .filter(patient=session.patient, session__isnull=True, created_at__gte=since)
        .first()
    )
    if ahead is None:
        return
    ahead.session = session
    ahead.save(update_fields=["session"])
    _audit(session, AuditAction.UPDATE, actor,
           f"The check-in the client sent ahead became session {session.number}'s check-in",
           origin, ahead)  # fmt: skip
    _pain_before(session, ahead.pain_now, actor, origin)


@transaction.atomic
def checkin_link_create(
    *, actor: User, patient: Patient, origin: Origin | None = None, actor_label: str = ""
) -> tuple[CheckInLink, str]:
    """A private check-in link for the client (7 days); the token is returned once and only
    its hash is stored. ``actor_label`` says who sent it when it was not ``actor`` by hand
    (an appointment's reminder, on the therapist's behalf)."""
    if actor.clinic_id != patient.clinic_id:
        raise Http404("No such client.")
    private, token = link_new(purpose=LinkPurpose.CHECK_IN, patient=patient, actor=actor,
                              lasts=timedelta(days=CHECKIN_LINK_DAYS))  # fmt: skip
    link = CheckInLink.objects.create(private=private)
    link_sent(private, actor=actor, obj=link, origin=origin, actor_label=actor_label,
              summary="Created a private check-in link for the next visit")  # fmt: skip
    return link, token


def checkin_link_revoke(
    *, actor: User, link: CheckInLink, origin: Origin | None = None
) -> CheckInLink:
    """Close the link now; revoking twice changes nothing."""
    link_revoke(link.private, actor=actor, obj=link, summary="Revoked a private check-in link",
                origin=origin)  # fmt: skip
    return link


def checkin_link_find(token: str) -> CheckInLink | None:
    """The usable link for ``token``; unknown, expired, revoked and answered look alike."""
    rows = CheckInLink.objects.select_related("private__clinic", "private__patient")
    return link_by_token(rows, token)


def checkin_from_link(
    *,
    link: CheckInLink,
    data: Mapping[str, object],
    actor: User | None = None,
    origin: Origin | None = None,
) -> CheckIn:
    """The client's answers on the link (or a clinician's with the client: ``actor``), all or
    nothing: stored, re-screened on a yes, and joined to the client's open session if it has
    no check-in yet. The link then closes."""
    with transaction.atomic():
        locked = (
            CheckInLink.objects.select_for_update()
            .select_related("private__patient")
            .get(pk=link.pk)
        )
        if not locked.is_usable:
            raise DomainError("this link no longer opens", field="link")
        patient = locked.private.patient
        open_session = open_session_of(patient)
        if open_session is not None and CheckIn.objects.filter(session=open_session).exists():
            open_session = None
        checkin = checkin_record(actor=actor, patient=patient, data=data, via=CheckInVia.LINK,
                                 session=open_session, link=locked, origin=origin)  # fmt: skip
        links_completed(PrivateLink.objects.filter(pk=locked.private_id))
    return checkin
