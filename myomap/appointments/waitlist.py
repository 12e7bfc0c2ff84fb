"""Writes for the waitlist: add a client, remove an entry, book an entry into a slot.

Booking goes through ``appointment_book``, so every booking rule holds (no overlap, the
working hours, an archived client refused); the entry then becomes booked, in the same
transaction, with its audit row.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from myomap.appointments.models import Appointment, AppointmentType, Room
from myomap.appointments.selectors import check_day
from myomap.appointments.services import appointment_book
from myomap.appointments.waitlist_models import WaitlistEntry, WaitlistStatus
from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.patients.models import Patient
from myomap_core.errors import DomainError
from myomap_core.waitlist import Window, Wish, parse_windows, windows_text


def _windows_data(windows: tuple[Window, ...]) -> list[dict[str, object]]:
    return [
        {
            "weekdays": sorted(w.weekdays),
            "start": w.start.strftime("%H:%M"),
            "end": w.end.strftime("%H:%M"),
        }
        for w in windows
    ]


def _audit(entry: WaitlistEntry, action: AuditAction, actor: User, summary: str,
           origin: Origin | None) -> None:  # fmt: skip
    audit_record(
        action=action,
        clinic=entry.clinic,
        actor=actor,
        patient=entry.patient,
        obj=entry,
        summary=summary,
        origin=origin,
    )


def _who(therapist: User | None) -> str:
    return therapist.display_name if therapist is not None else "any therapist"


@transaction.atomic
def waitlist_add(
    *,
    actor: User,
    patient: Patient,
    type: AppointmentType,
    windows: str,
    first_day: date,
    therapist: User | None = None,
    last_day: date | None = None,
    notes: str = "",
    origin: Origin | None = None,
) -> WaitlistEntry:
    """Put a client on the waitlist for ``type`` with ``therapist`` (None: any) in
    ``windows`` (``Mon Wed 08:00-12:00; Fri 13:00-17:00``, local time) from ``first_day``
    (to ``last_day``). Refused, naming the field, for an archived client, another clinic's
    therapist or type, unreadable windows or dates out of order."""
    if patient.is_archived:
        raise ValidationError(
            {"patient": f"{patient.full_name} is archived: restore the client first."}
        )
    if therapist is not None and (
        therapist.clinic_id != patient.clinic_id
        or not therapist.is_clinician
        or not therapist.is_active
    ):
        raise ValidationError({"therapist": f"No therapist {therapist.pk} in this clinic."})
    if type.clinic_id != patient.clinic_id or not type.active:
        raise ValidationError({"type": f"No appointment type {type.pk} in this clinic."})
    check_day(first_day, "first_day")
    if last_day is not None:
        check_day(last_day, "last_day")
    try:
        wanted = parse_windows(windows)
        Wish(wanted, first_day, last_day)
    except DomainError as exc:
        raise ValidationError({exc.field: exc.message}) from None
    entry = WaitlistEntry(
        clinic=patient.clinic,
        patient=patient,
        therapist=therapist,
        type=type,
        windows=_windows_data(wanted),
        first_day=first_day,
        last_day=last_day,
        notes=notes.strip(),
        created_by=actor,
    )
    entry.full_clean()
    entry.save()
    until = f" until {last_day.isoformat()}" if last_day else ""
    _audit(
        entry,
        AuditAction.CREATE,
        actor,
        f"Added {patient.full_name} to the waitlist for {type.name} with {_who(therapist)}, "
        f"{windows_text(wanted)}, from {first_day.isoformat()}{until}",
        origin,
    )
    return entry


def _lock_waiting(entry: WaitlistEntry) -> WaitlistEntry:
    locked = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.status != WaitlistStatus.WAITING:
        raise ValidationError(
            {"status": f"This waitlist entry is {locked.get_status_display().lower()} already."}
        )
    return locked


@transaction.atomic
def waitlist_remove(
    *, actor: User, entry: WaitlistEntry, reason: str, origin: Origin | None = None
) -> WaitlistEntry:
    """Take a waiting entry off the list with a reason; who and when are kept."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the client leaves the waitlist."})
    if len(reason) > 200:
        raise ValidationError({"reason": f"{len(reason)} characters: at most 200."})
    locked = _lock_waiting(entry)
    locked.status = WaitlistStatus.REMOVED
    locked.removed_at = timezone.now()
    locked.removed_by = actor
    locked.remove_reason = reason
    locked.full_clean()
    locked.save()
    _audit(
        locked,
        AuditAction.UPDATE,
        actor,
        f"Removed {entry.patient.full_name} from the waitlist for {entry.type.name}: {reason}",
        origin,
    )
    return locked


@transaction.atomic
def waitlist_book(
    *,
    actor: User,
    entry: WaitlistEntry,
    starts_at: datetime,
    therapist: User | None = None,
    room: Room | None = None,
    origin: Origin | None = None,
) -> Appointment:
    """Book a waiting entry at ``starts_at`` through ``appointment_book`` and mark it booked.

    The therapist is the entry's (or, for "any therapist", the one given); the time must
    fit the entry's windows and dates. Every booking rule holds; a refusal names the field.
    """
    locked = _lock_waiting(entry)
    chosen = entry.therapist or therapist
    if chosen is None:
        raise ValidationError({"therapist": "Choose the therapist the client is booked with."})
    if entry.therapist is not None and therapist is not None and therapist != entry.therapist:
        raise ValidationError(
            {
                "therapist": f"{entry.patient.full_name} waits for "
                f"{entry.therapist.display_name}, not {therapist.display_name}."
            }
        )
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": f"{starts_at.isoformat()} has no time zone."})
    check_day(starts_at.date(), "starts_at")
    tz = entry.clinic.zone
    ends_at = starts_at + entry.type_duration
    if not entry.wish.fits(starts_at, ends_at, tz):
        raise ValidationError(
            {
                "starts_at": f"{starts_at.astimezone(tz):%a %d %b %Y %H:%M} is outside the times "
                f"{entry.patient.full_name} asked for ({entry.windows_label}"
                f"{', from ' + entry.first_day.isoformat()}"
                f"{', until ' + entry.last_day.isoformat() if entry.last_day else ''})."
            }
        )
    appointment = appointment_book(
        actor=actor,
        patient=entry.patient,
        therapist=chosen,
        type=entry.type,
        starts_at=starts_at,
        room=room,
        desk_notes=entry.notes,
        origin=origin,
    )
    locked.status = WaitlistStatus.BOOKED
    locked.appointment = appointment
    locked.full_clean()
    locked.save()
    _audit(
        locked,
        AuditAction.UPDATE,
        actor,
        f"Booked {entry.patient.full_name} from the waitlist: {entry.type.name} with "
        f"{chosen.display_name} on {starts_at.astimezone(tz):%a %d %b %Y %H:%M}",
        origin,
    )
    return appointment
