"""Writes for appointments: book, move, cancel, mark arrived or no-show, start the session.

Each write is one transaction with its audit row. No therapist or room is ever double
booked: the service checks for overlaps inside an immediate transaction (SQLite takes the
write lock when the transaction begins) and PostgreSQL refuses an overlap with an exclusion
constraint (see docs/appointments.md). Before checking, a booking locks the therapist's and
the room's rows (therapist first, always), so on PostgreSQL a second booking of the same
calendar waits for the first to commit and then meets its row in the check: a clear refusal,
never the deadlock two concurrent exclusion checks can end in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from myomap.appointments.models import (
    HOLDING,
    Appointment,
    AppointmentType,
    Block,
    Room,
    Status,
    WorkingHours,
    overlapping,
)
from myomap.appointments.reminders import (
    policy_of,
    reminders_book,
    reminders_cancel,
    reminders_moved,
)
from myomap.appointments.selectors import check_day
from myomap.appointments.waitlist_models import MovedAwayTime
from myomap.clinics.models import Clinic, User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.patients.models import Patient
from myomap.sessions.models import TreatmentSession
from myomap.sessions.services import session_start
from myomap_core.slots import WeeklyHours, within_hours

DEFAULT_TYPES = (
    # name, minutes, buffer after, colour
    ("Initial assessment", 90, 15, "#7a4fb0"),
    ("Treatment", 60, 15, "#2f7d5b"),
    ("Maintenance", 60, 15, "#4a7bb7"),
    ("Reassessment", 30, 10, "#b0654f"),
)
"""The issue's defaults: a first visit of 90 minutes, treatment and maintenance of 60 and a
30-minute reassessment [ours]."""

STARTABLE = (Status.BOOKED, Status.CONFIRMED, Status.ARRIVED)
MOVABLE = (Status.BOOKED, Status.CONFIRMED)


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%a %d %b %Y %H:%M")


def _audit(
    appointment: Appointment,
    action: AuditAction,
    actor: User | None,
    summary: str,
    origin: Origin | None,
    actor_label: str = "",
) -> None:
    audit_record(
        action=action,
        clinic=appointment.clinic,
        actor=actor,
        patient=appointment.patient,
        obj=appointment,
        summary=summary,
        origin=origin,
        actor_label=actor_label,
    )


@transaction.atomic
def appointment_types_default(*, actor: User, clinic: Clinic) -> list[AppointmentType]:
    """Add the default appointment types the clinic does not have yet."""
    have = set(AppointmentType.objects.filter(clinic=clinic).values_list("name", flat=True))
    made = []
    for name, minutes, buffer, colour in DEFAULT_TYPES:
        if name in have:
            continue
        kind = AppointmentType(
            clinic=clinic, name=name, minutes=minutes, buffer_minutes=buffer, colour=colour
        )
        kind.full_clean()
        kind.save()
        made.append(kind)
    if made:
        audit_record(
            action=AuditAction.CREATE,
            clinic=clinic,
            actor=actor,
            summary="Added appointment types: " + ", ".join(k.name for k in made),
        )
    return made


def hours_of(therapist: User) -> list[WeeklyHours]:
    """The therapist's weekly working windows."""
    return [
        WeeklyHours(h.weekday, h.start, h.end)
        for h in WorkingHours.objects.filter(therapist=therapist)
    ]


def _check_parties(
    *, patient: Patient, therapist: User, kind: AppointmentType, room: Room | None
) -> None:
    if patient.is_archived:
        raise ValidationError(
            {"patient": f"{patient.full_name} is archived: restore the client before booking."}
        )
    if therapist.clinic_id != patient.clinic_id or not therapist.is_clinician:
        raise ValidationError({"therapist": f"No therapist {therapist.pk} in this clinic."})
    if not therapist.is_active:
        raise ValidationError({"therapist": f"{therapist.display_name} no longer works here."})
    if kind.clinic_id != patient.clinic_id or not kind.active:
        raise ValidationError({"type": f"No appointment type {kind.pk} in this clinic."})
    if room is not None and (room.clinic_id != patient.clinic_id or not room.active):
        raise ValidationError({"room": f"No room {room.pk} in this clinic."})


def _lock_calendars(therapist: User, room: Room | None) -> None:
    """Serialise bookings of one therapist's or one room's calendar (a no-op on SQLite,
    whose immediate transaction already holds the write lock)."""
    list(User.objects.select_for_update().filter(pk=therapist.pk).values_list("pk"))
    if room is not None:
        list(Room.objects.select_for_update().filter(pk=room.pk).values_list("pk"))


def _check_time(
    *,
    therapist: User,
    room: Room | None,
    starts_at: datetime,
    ends_at: datetime,
    override_hours: bool,
    ignore: int | None = None,
) -> bool:
    """Refuse an overlap or a blocked time; return whether the time is outside the hours
    (allowed only with ``override_hours``)."""
    _lock_calendars(therapist, room)
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": f"{starts_at.isoformat()} has no time zone."})
    check_day(starts_at.date(), "starts_at")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The appointment ends after it starts."})
    clinic = therapist.clinic
    assert clinic is not None, "a therapist belongs to a clinic"
    clinic_tz = clinic.zone
    outside = not within_hours(starts_at, ends_at, hours_of(therapist), clinic_tz)
    if outside and not override_hours:
        raise ValidationError(
            {
                "starts_at": f"{_when(starts_at)} is outside {therapist.display_name}'s working "
                "hours; book it anyway only with the override."
            }
        )
    block = Block.objects.filter(
        therapist=therapist, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).first()
    if block is not None:
        raise ValidationError(
            {
                "starts_at": f"{therapist.display_name} is away then "
                f"({block.reason or 'blocked'}, {_when(block.starts_at)}–{_when(block.ends_at)})."
            }
        )
    clash = Appointment.objects.filter(overlapping(starts_at, ends_at), status__in=HOLDING)
    if ignore is not None:
        clash = clash.exclude(pk=ignore)
    taken = clash.filter(therapist=therapist).first()
    if taken is not None:
        raise ValidationError(
            {
                "starts_at": f"{therapist.display_name} already has an appointment "
                f"{_when(taken.starts_at)}–{timezone.localtime(taken.ends_at):%H:%M}."
            }
        )
    if room is not None:
        used = clash.filter(room=room).first()
        if used is not None:
            raise ValidationError(
                {
                    "room": f"{room.name} is taken {_when(used.starts_at)}–"
                    f"{timezone.localtime(used.ends_at):%H:%M}."
                }
            )
    return outside


def _save(appointment: Appointment) -> None:
    """Save, turning the database's overlap refusal (a concurrent booking) into the same
    error the check gives."""
    appointment.full_clean()
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError:
        raise ValidationError(
            {"starts_at": "That time was booked a moment ago: choose another slot."}
        ) from None


@transaction.atomic
def appointment_book(
    *,
    actor: User,
    patient: Patient,
    therapist: User,
    type: AppointmentType,
    starts_at: datetime,
    room: Room | None = None,
    desk_notes: str = "",
    override_hours: bool = False,
    origin: Origin | None = None,
    confirm: bool = True,
) -> Appointment:
    """Book one appointment of ``type``'s length. Refused (``ValidationError`` naming the
    field) for an archived client, another clinic's therapist, type or room, an overlap with
    the therapist's or the room's bookings or blocks, or a time outside the therapist's
    hours without ``override_hours`` (an override is audited). ``confirm=False``: no
    confirmation message of its own (a course's later visits: the first one's lists them)."""
    _check_parties(patient=patient, therapist=therapist, kind=type, room=room)
    check_day(starts_at.date(), "starts_at")
    ends_at = starts_at + timedelta(minutes=type.minutes)
    outside = _check_time(
        therapist=therapist,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        override_hours=override_hours,
    )
    appointment = Appointment(
        clinic=patient.clinic,
        patient=patient,
        therapist=therapist,
        room=room,
        type=type,
        starts_at=starts_at,
        ends_at=ends_at,
        desk_notes=desk_notes,
        outside_hours=outside,
        created_by=actor,
    )
    _save(appointment)
    override = " outside working hours (override)" if outside else ""
    _audit(
        appointment,
        AuditAction.CREATE,
        actor,
        f"Booked {type.name} for {patient.full_name} with {therapist.display_name} "
        f"on {_when(starts_at)}{override}",
        origin,
    )
    reminders_book(appointment=appointment, confirm=confirm)
    return appointment


@transaction.atomic
def appointment_move(
    *,
    actor: User,
    appointment: Appointment,
    starts_at: datetime,
    therapist: User | None = None,
    room: Room | None = None,
    override_hours: bool = False,
    origin: Origin | None = None,
) -> Appointment:
    """Move a booked or confirmed appointment (to another time, therapist or room). The old
    time stays in the audit log; a confirmed appointment returns to booked."""
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.status not in MOVABLE:
        raise ValidationError(
            {"status": f"A {locked.get_status_display().lower()} appointment cannot be moved."}
        )
    therapist = therapist or appointment.therapist
    _check_parties(
        patient=appointment.patient, therapist=therapist, kind=appointment.type, room=room
    )
    check_day(starts_at.date(), "starts_at")
    ends_at = starts_at + (locked.ends_at - locked.starts_at)
    outside = _check_time(
        therapist=therapist,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        override_hours=override_hours,
        ignore=locked.pk,
    )
    before = f"{_when(locked.starts_at)} with {appointment.therapist.display_name}"
    before += f" in {appointment.room.name}" if appointment.room else ""
    if (locked.starts_at, locked.therapist_id) != (starts_at, therapist.pk):
        MovedAwayTime.objects.create(  # the waitlist offers the time it leaves
            clinic_id=locked.clinic_id, appointment=locked, therapist_id=locked.therapist_id,
            starts_at=locked.starts_at, ends_at=locked.ends_at,
        )  # fmt: skip
    locked.starts_at, locked.ends_at = starts_at, ends_at
    locked.therapist, locked.room = therapist, room
    locked.outside_hours = outside
    locked.status = Status.BOOKED
    _save(locked)
    after = f"{_when(starts_at)} with {therapist.display_name}"
    after += f" in {room.name}" if room else ""
    override = " (outside working hours, override)" if outside else ""
    _audit(
        locked,
        AuditAction.UPDATE,
        actor,
        f"Moved {appointment.type.name} of {appointment.patient.full_name} from {before} "
        f"to {after}{override}",
        origin,
    )
    reminders_moved(appointment=locked)
    return Appointment.objects.select_related("patient", "clinic", "therapist", "room", "type").get(
        pk=locked.pk
    )


@transaction.atomic
def appointment_cancel(
    *,
    actor: User | None,
    appointment: Appointment,
    reason: str,
    now: datetime | None = None,
    origin: Origin | None = None,
    actor_label: str = "",
) -> Appointment:
    """Cancel with a reason; within the clinic's cancellation policy (24 hours unless it set
    another) of the start it is a late cancellation. Who cancelled (``None``: the client on
    the private link) and when are kept; the time is free again and pending reminders are
    cancelled."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the appointment is cancelled."})
    now = now or timezone.now()
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.status not in (*MOVABLE, Status.ARRIVED):
        raise ValidationError(
            {"status": f"A {locked.get_status_display().lower()} appointment cannot be cancelled."}
        )
    policy_hours = policy_of(locked.clinic).cancellation_hours
    late = locked.starts_at - now < timedelta(hours=policy_hours)
    locked.status = Status.LATE_CANCELLATION if late else Status.CANCELLED
    locked.cancel_reason = reason
    locked.cancelled_by = actor
    locked.cancelled_at = now
    locked.full_clean()
    locked.save()
    kind = "Late cancellation of" if late else "Cancelled"
    _audit(
        locked,
        AuditAction.UPDATE,
        actor,
        f"{kind} {appointment.type.name} of {appointment.patient.full_name} on "
        f"{_when(locked.starts_at)}: {reason}",
        origin,
        actor_label,
    )
    reminders_cancel(appointment=locked)
    appointment.status = locked.status
    return locked


MARKS: dict[str, tuple[Status, ...]] = {
    Status.CONFIRMED: (Status.BOOKED,),
    Status.ARRIVED: (Status.BOOKED, Status.CONFIRMED),
    Status.NO_SHOW: (Status.BOOKED, Status.CONFIRMED),
}
"""The statuses the front desk sets by hand, and the statuses each may follow."""


@transaction.atomic
def appointment_mark(
    *,
    actor: User | None,
    appointment: Appointment,
    status: str,
    now: datetime | None = None,
    origin: Origin | None = None,
    actor_label: str = "",
) -> Appointment:
    """Mark confirmed, arrived or no-show (``actor`` None: the client confirming on the
    private link). A no-show only once the start time has passed."""
    if status not in MARKS:
        allowed = ", ".join(MARKS)
        raise ValidationError({"status": f"{status!r} is not one of {allowed}."})
    now = now or timezone.now()
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.status == status:
        return locked
    if locked.status not in MARKS[status]:
        raise ValidationError(
            {
                "status": f"A {locked.get_status_display().lower()} appointment cannot be "
                f"marked {Status(status).label.lower()}."
            }
        )
    if status == Status.NO_SHOW and now < locked.starts_at:
        raise ValidationError({"status": "A client is a no-show only after the start time."})
    locked.status = status
    locked.full_clean()
    locked.save(update_fields=["status", "updated_at"])
    _audit(
        locked,
        AuditAction.UPDATE,
        actor,
        f"Marked {appointment.type.name} of {appointment.patient.full_name} on "
        f"{_when(locked.starts_at)} {Status(status).label.lower()}",
        origin,
        actor_label,
    )
    appointment.status = locked.status
    return locked


@transaction.atomic
def appointment_start_session(
    *, actor: User, appointment: Appointment, origin: Origin | None = None
) -> TreatmentSession:
    """Start (or return) the session of this appointment: the safety gate is asked by
    ``session_start``; the appointment moves to in treatment."""
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.session_id is not None:
        return TreatmentSession.objects.get(pk=locked.session_id)
    if locked.status not in STARTABLE:
        raise ValidationError(
            {"status": f"A {locked.get_status_display().lower()} appointment cannot start."}
        )
    session = session_start(actor=actor, patient=appointment.patient, origin=origin)
    if Appointment.objects.filter(session=session).exclude(pk=locked.pk).exists():
        raise ValidationError({"session": "The client's open session belongs to another visit."})
    locked.session = session
    locked.status = Status.IN_TREATMENT
    locked.full_clean()
    locked.save(update_fields=["session", "status", "updated_at"])
    _audit(
        locked,
        AuditAction.UPDATE,
        actor,
        f"Started session {session.number} from the {appointment.type.name} of "
        f"{_when(locked.starts_at)}",
        origin,
    )
    return session


def appointment_complete_with_session(*, session: TreatmentSession) -> None:
    """The appointment whose session ended is completed (in the session's transaction when
    there is one)."""
    with transaction.atomic():
        _complete_with(session)


def _complete_with(session: TreatmentSession) -> None:
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("patient", "clinic", "type")
        .filter(session=session, status=Status.IN_TREATMENT)
        .first()
    )
    if appointment is None:
        return
    appointment.status = Status.COMPLETED
    appointment.save(update_fields=["status", "updated_at"])
    _audit(
        appointment,
        AuditAction.UPDATE,
        None,
        f"{appointment.type.name} of {_when(appointment.starts_at)} completed: session "
        f"{session.number} ended",
        None,
        actor_label="Myomap (session ended)",
    )
