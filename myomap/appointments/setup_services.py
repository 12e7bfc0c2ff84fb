"""Writes of the practice's calendar set-up: working hours, appointment types, locations and
rooms, blocks and the reminder policy.

Each write is one transaction with its audit row. Locations, rooms and types are never
deleted (appointments refer to them): they are renamed or deactivated. A span of working
hours and a block are settings, not records of care: removing one deletes the row and the
audit trail keeps what it was. Nothing here moves or cancels an appointment: the services
return the future bookings a change leaves outside hours or under a block, for the desk.
"""

from __future__ import annotations

from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from myomap.appointments.models import (
    WEEKDAYS,
    Appointment,
    AppointmentType,
    Block,
    Location,
    Online,
    Room,
    WorkingHours,
)
from myomap.appointments.reminder_models import Reminder, ReminderPolicy, ReminderStatus
from myomap.appointments.reminders import SENDABLE
from myomap.appointments.services import _when
from myomap.clinics.models import Clinic, Role, User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap_core.hours import first_clash
from myomap_core.reminders import offset_rule, reminders_ahead
from myomap_core.slots import WeeklyHours

PALETTE = (
    ("#4a7bb7", "Blue"),
    ("#2f7d5b", "Green"),
    ("#7a4fb0", "Purple"),
    ("#b0654f", "Terracotta"),
    ("#8a6d1f", "Ochre"),
    ("#3d6f7a", "Teal"),
    ("#a14a6e", "Plum"),
    ("#5b6470", "Slate"),
)
"""The calendar's type colours: the four of the default types and four more. The calendar
shows a colour as a swatch beside the type's name in body ink, never under text; each swatch
stands out from the page at 3:1 or more (WCAG 2.2 success criterion 1.4.11, non-text
contrast; checked in the tests)."""

DAY_NAMES = dict(WEEKDAYS)


def _span(h: WorkingHours) -> str:
    return f"{DAY_NAMES[h.weekday]} {h.start:%H:%M}–{h.end:%H:%M}"


def _check_therapist(clinic: Clinic, therapist: User) -> None:
    if therapist.clinic_id != clinic.pk or therapist.role not in (Role.OWNER, Role.THERAPIST):
        raise ValidationError({"therapist": f"No therapist {therapist.pk} in this clinic."})
    if not therapist.is_active:
        raise ValidationError({"therapist": f"{therapist.display_name} no longer works here."})


# -- working hours ---------------------------------------------------------------------------


@transaction.atomic
def hours_add(
    *,
    actor: User,
    therapist: User,
    location: Location,
    weekday: int,
    start: time,
    end: time,
    origin: Origin | None = None,
) -> WorkingHours:
    """Add a weekly span of ``therapist``'s hours at ``location``. Refused (naming the
    field and value) for an end not after the start, an inactive or another clinic's
    location, or a span overlapping another of the therapist's that weekday, anywhere."""
    clinic = actor.clinic
    assert clinic is not None
    _check_therapist(clinic, therapist)
    if location.clinic_id != clinic.pk or not location.active:
        raise ValidationError({"location": f"No active location {location.pk} in this clinic."})
    span = WorkingHours(
        clinic=clinic, therapist=therapist, location=location, weekday=weekday, start=start, end=end
    )
    if end <= start:
        raise ValidationError({"end": f"{end:%H:%M} is not after the start {start:%H:%M}."})
    span.full_clean()
    # Lock the therapist's row so two spans added at once cannot both pass the check.
    list(User.objects.select_for_update().filter(pk=therapist.pk).values_list("pk"))
    existing = list(
        WorkingHours.objects.filter(therapist=therapist, weekday=weekday).select_related("location")
    )
    spans = [WeeklyHours(row.weekday, row.start, row.end) for row in existing]
    clash = first_clash(WeeklyHours(weekday, start, end), spans)
    if clash is not None:
        row = existing[spans.index(clash)]
        raise ValidationError(
            {
                "start": f"{DAY_NAMES[weekday]} {start:%H:%M}–{end:%H:%M} overlaps "
                f"{therapist.display_name}'s {row.start:%H:%M}–{row.end:%H:%M} at "
                f"{row.location.name}."
            }
        )
    span.save()
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CREATE,
        obj=span,
        summary=f"Working hours added for {therapist.display_name}: {_span(span)} at "
        f"{location.name}",
        origin=origin,
    )
    return span


@transaction.atomic
def hours_remove(*, actor: User, span: WorkingHours, origin: Origin | None = None) -> None:
    """Remove a span of working hours. Appointments already booked in it stay where they
    are (``selectors.outside_hours`` lists them for the desk)."""
    clinic = actor.clinic
    assert clinic is not None and span.clinic_id == clinic.pk
    summary = (
        f"Working hours removed for {span.therapist.display_name}: {_span(span)} at "
        f"{span.location.name}"
    )
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.ARCHIVE,
        obj=span,
        summary=summary,
        origin=origin,
    )
    span.delete()


# -- appointment types ----------------------------------------------------------------------


def _check_colour(colour: str) -> None:
    if colour.lower() not in {c for c, _ in PALETTE}:
        raise ValidationError({"colour": f"{colour[:20]!r} is not one of the calendar's colours."})


def _check_type(kind: AppointmentType) -> None:
    if not 5 <= kind.minutes <= 480:
        raise ValidationError({"minutes": f"{kind.minutes} is not between 5 and 480 minutes."})
    if not 0 <= kind.buffer_minutes <= 120:
        raise ValidationError(
            {"buffer_minutes": f"{kind.buffer_minutes} is not between 0 and 120 minutes."}
        )
    _check_colour(kind.colour)
    if kind.online not in Online.values:
        raise ValidationError(
            {"online": f"{kind.online!r} is not one of {', '.join(Online.values)}."}
        )
    kind.name = kind.name.strip()
    same = AppointmentType.objects.filter(clinic_id=kind.clinic_id, name__iexact=kind.name)
    if same.exclude(pk=kind.pk).exists():
        raise ValidationError({"name": f"There is already a type called {kind.name!r}."})
    kind.full_clean()


@transaction.atomic
def type_create(
    *,
    actor: User,
    name: str,
    minutes: int,
    buffer_minutes: int,
    colour: str,
    online: str = "",
    origin: Origin | None = None,
) -> AppointmentType:
    """A new appointment type of the actor's clinic (5–480 min, buffer 0–120 min, a palette
    colour, a name no other type has; ``online``: whether clients may ask for it on their
    link, not offered by default)."""
    clinic = actor.clinic
    assert clinic is not None
    kind = AppointmentType(
        clinic=clinic,
        name=name,
        minutes=minutes,
        buffer_minutes=buffer_minutes,
        colour=colour.lower(),
        online=online or Online.NO,
    )
    _check_type(kind)
    kind.save()
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CREATE,
        obj=kind,
        summary=f"Appointment type added: {kind.name}, {minutes} min + {buffer_minutes} min after",
        origin=origin,
    )
    return kind


@transaction.atomic
def type_update(
    *,
    actor: User,
    kind: AppointmentType,
    name: str,
    minutes: int,
    buffer_minutes: int,
    colour: str,
    active: bool,
    online: str = "",
    origin: Origin | None = None,
) -> AppointmentType:
    """Change a type. Appointments already booked keep their times: a new length applies to
    new bookings only. An inactive type is no longer offered for booking."""
    clinic = actor.clinic
    assert clinic is not None and kind.clinic_id == clinic.pk
    before = f"{kind.name}, {kind.minutes} min + {kind.buffer_minutes}, {kind.colour}"
    kind.name, kind.minutes, kind.buffer_minutes = name, minutes, buffer_minutes
    kind.colour, kind.active = colour.lower(), active
    kind.online = online or kind.online
    _check_type(kind)
    kind.save()
    state = ("" if active else " (inactive)") + f", online: {kind.get_online_display().lower()}"
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.UPDATE,
        obj=kind,
        summary=f"Appointment type changed from {before} to {kind.name}, {minutes} min + "
        f"{buffer_minutes}, {kind.colour}{state}",
        origin=origin,
    )
    return kind


# -- locations and rooms --------------------------------------------------------------------


@transaction.atomic
def location_create(
    *, actor: User, name: str, address: str = "", origin: Origin | None = None
) -> Location:
    """A new location of the actor's clinic."""
    clinic = actor.clinic
    assert clinic is not None
    location = Location(clinic=clinic, name=name.strip(), address=address.strip())
    location.full_clean()
    location.save()
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CREATE,
        obj=location,
        summary=f"Location added: {location.name}",
        origin=origin,
    )
    return location


@transaction.atomic
def location_update(
    *, actor: User, location: Location, name: str, active: bool, origin: Origin | None = None
) -> Location:
    """Rename or (de)activate a location. Deactivating it takes its rooms out of use too
    (bookings keep theirs) and refuses new hours or rooms there; hours already there stay
    until removed on the hours page."""
    clinic = actor.clinic
    assert clinic is not None and location.clinic_id == clinic.pk
    before = location.name
    location.name, location.active = name.strip(), active
    location.full_clean()
    location.save()
    state = "active" if active else "inactive"
    if not active:  # its rooms go out of use with it; they come back one by one
        retired = Room.objects.filter(location=location, active=True).update(active=False)
        state += f", {retired} room{'s' if retired != 1 else ''} taken out of use"
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.UPDATE,
        obj=location,
        summary=f"Location {before} is now {location.name} ({state})",
        origin=origin,
    )
    return location


@transaction.atomic
def room_create(
    *, actor: User, location: Location, name: str, origin: Origin | None = None
) -> Room:
    """A new room at an active location of the actor's clinic."""
    clinic = actor.clinic
    assert clinic is not None
    if location.clinic_id != clinic.pk or not location.active:
        raise ValidationError({"location": f"No active location {location.pk} in this clinic."})
    room = Room(clinic=clinic, location=location, name=name.strip())
    room.full_clean()
    room.save()
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CREATE,
        obj=room,
        summary=f"Room added: {room.name} at {location.name}",
        origin=origin,
    )
    return room


@transaction.atomic
def room_update(
    *, actor: User, room: Room, name: str, active: bool, origin: Origin | None = None
) -> Room:
    """Rename or (de)activate a room. An inactive room is not offered for new bookings;
    appointments already booked in it keep it."""
    clinic = actor.clinic
    assert clinic is not None and room.clinic_id == clinic.pk
    before = room.name
    room.name, room.active = name.strip(), active
    room.full_clean()
    room.save()
    state = "active" if active else "inactive"
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.UPDATE,
        obj=room,
        summary=f"Room {before} is now {room.name} ({state})",
        origin=origin,
    )
    return room


# -- blocks ---------------------------------------------------------------------------------


@transaction.atomic
def block_create(
    *,
    actor: User,
    therapist: User,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    origin: Origin | None = None,
) -> Block:
    """Block a stretch of ``therapist``'s calendar (holiday, training). Appointments it
    overlaps are not cancelled (``selectors.under_block`` lists them for the desk)."""
    clinic = actor.clinic
    assert clinic is not None
    _check_therapist(clinic, therapist)
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationError({"starts_at": "A block's times need the clinic's time zone."})
    if ends_at <= starts_at:
        raise ValidationError(
            {"ends_at": f"{_when(ends_at)} is not after the start {_when(starts_at)}."}
        )
    block = Block(
        clinic=clinic, therapist=therapist, starts_at=starts_at, ends_at=ends_at, reason=reason
    )
    block.full_clean()
    block.save()
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CREATE,
        obj=block,
        summary=f"Blocked {therapist.display_name} {_when(starts_at)}–{_when(ends_at)}"
        f" ({reason or 'no reason given'})",
        origin=origin,
    )
    return block


@transaction.atomic
def block_remove(*, actor: User, block: Block, origin: Origin | None = None) -> None:
    """Remove a block: the therapist is bookable again then."""
    clinic = actor.clinic
    assert clinic is not None and block.clinic_id == clinic.pk
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.ARCHIVE,
        obj=block,
        summary=f"Block removed for {block.therapist.display_name} {_when(block.starts_at)}–"
        f"{_when(block.ends_at)} ({block.reason or 'no reason given'})",
        origin=origin,
    )
    block.delete()


# -- reminder policy ------------------------------------------------------------------------


@transaction.atomic
def policy_update(
    *,
    actor: User,
    offsets: str,
    cancellation_hours: int,
    sms: bool,
    origin: Origin | None = None,
    now: datetime | None = None,
) -> tuple[ReminderPolicy, int, int]:
    """Set the clinic's reminder policy and re-plan the pending reminders of upcoming
    appointments: a pending reminder at an offset no longer in the policy is cancelled, a
    new offset still ahead is booked. A sent reminder is never touched or sent again.
    Returns the policy and how many reminders were cancelled and added."""
    clinic = actor.clinic
    assert clinic is not None
    now = now or timezone.now()
    policy = ReminderPolicy.objects.select_for_update().filter(clinic=clinic).first()
    policy = policy or ReminderPolicy(clinic=clinic)
    before = str(policy) if policy.pk else "the defaults"
    if not 0 <= cancellation_hours <= 168:
        raise ValidationError(
            {"cancellation_hours": f"{cancellation_hours} is not between 0 and 168 hours."}
        )
    policy.offsets, policy.cancellation_hours, policy.sms = offsets, cancellation_hours, sms
    policy.full_clean()
    policy.offsets = ",".join(str(h) for h in policy.offset_hours)
    policy.save()
    cancelled, added = _replan(clinic, policy.offset_hours, now)
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.UPDATE,
        obj=policy,
        summary=f"Reminder policy changed from {before} to {policy}, SMS "
        f"{'on' if sms else 'off'}; {cancelled} pending reminders cancelled, {added} added",
        origin=origin,
    )
    return policy, cancelled, added


POLICY_CHANGED = "policy changed"
"""Why a pending reminder was cancelled by a new policy (it comes back if its hour does)."""


def _replan(clinic: Clinic, offsets: list[int], now: datetime) -> tuple[int, int]:
    """Cancel pending reminders at hours no longer in ``offsets``; book (or bring back, if a
    policy change had cancelled it) each reminder of ``offsets`` still ahead of an upcoming
    appointment. Sent reminders are left alone. A fixed number of queries however many
    appointments there are."""
    wanted = {offset_rule(h) for h in offsets}
    stale = Reminder.objects.filter(
        clinic=clinic,
        status=ReminderStatus.PENDING,
        rule__startswith="before_",
        appointment__starts_at__gt=now,
    ).exclude(rule__in=wanted)
    cancelled = stale.update(status=ReminderStatus.CANCELLED, last_error=POLICY_CHANGED)
    upcoming = Appointment.objects.filter(clinic=clinic, starts_at__gt=now, status__in=SENDABLE)
    existing = {
        (r.appointment_id, r.rule): r
        for r in Reminder.objects.filter(appointment__in=upcoming, rule__in=wanted)
    }
    new, revived = [], []
    for a_id, starts_at in upcoming.values_list("pk", "starts_at"):
        for rule, due in reminders_ahead(starts_at, offsets, now):
            row = existing.get((a_id, rule))
            if row is None:
                new.append(Reminder(clinic=clinic, appointment_id=a_id, rule=rule, due_at=due))
            elif row.status == ReminderStatus.CANCELLED and row.last_error == POLICY_CHANGED:
                row.status, row.due_at, row.last_error = ReminderStatus.PENDING, due, ""
                revived.append(row)
    Reminder.objects.bulk_create(new)
    Reminder.objects.bulk_update(revived, ["status", "due_at", "last_error"])
    return cancelled, len(new) + len(revived)
