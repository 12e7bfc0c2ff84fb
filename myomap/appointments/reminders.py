"""Reminders: booked with the appointment, kept in step with it, sent once by the worker.

Each message is a ``Reminder`` row unique per appointment and rule (``confirmation``,
``before_48h``, ``moved_1``...). The worker claims one due row at a time inside a
transaction (``select_for_update(skip_locked=True)`` on PostgreSQL; on SQLite the transaction
is immediate and holds the write lock), sends it and marks it sent before the transaction
ends, so a second worker or a restart never sends it again. A message names the clinic, the
time and the place only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from myomap.appointments.models import HOLDING, Appointment, Status, WorkingHours
from myomap.appointments.reminder_models import (
    AppointmentLink,
    Channel,
    Reminder,
    ReminderPolicy,
    ReminderStatus,
)
from myomap.appointments.sms import sms_backend
from myomap.clinics.models import Clinic
from myomap.common.links import link_by_token, link_new
from myomap.common.models import LinkPurpose
from myomap.sessions.services import checkin_link_create
from myomap_core.reminders import offset_rule, reminders_ahead
from myomap_core.units import plural

CONFIRMATION = "confirmation"
MOVED = "moved_"
"""The notices of a new time: ``moved_1``, ``moved_2``... one per move."""
MAX_ATTEMPTS = 3
"""A message that fails this many times is marked failed and left for the front desk."""
RETRY_AFTER = timedelta(minutes=10)
CHECKIN_WITHIN = timedelta(hours=36)
"""The first reminder sent this close to the start carries the visit's check-in link (the day
before, with the default 24-hour reminder) [ours]."""
SENDABLE = (Status.BOOKED, Status.CONFIRMED)


def policy_of(clinic: Clinic) -> ReminderPolicy:
    """The clinic's policy, or the defaults (unsaved) when it has not set one."""
    policy = ReminderPolicy.objects.filter(clinic=clinic).first()
    return policy or ReminderPolicy(clinic=clinic)


def reminders_book(
    *, appointment: Appointment, now: datetime | None = None, confirm: bool = True
) -> list[Reminder]:
    """The confirmation (due now; only the first visit of a course has one, listing the
    others) and one reminder per offset still ahead of the start."""
    now = now or timezone.now()
    offsets = policy_of(appointment.clinic).offset_hours
    due = [(CONFIRMATION, now)] if confirm else []
    due += reminders_ahead(appointment.starts_at, offsets, now)
    rows = [Reminder(clinic=appointment.clinic, appointment=appointment, rule=rule, due_at=at)
            for rule, at in due]  # fmt: skip
    for row in rows:
        row.full_clean()
    return Reminder.objects.bulk_create(rows)


def reminders_moved(*, appointment: Appointment, now: datetime | None = None) -> None:
    """A moved appointment: its pending reminders follow the new time (those now behind it are
    cancelled), offsets newly ahead are booked, and a client already sent the confirmation is
    told of the new time."""
    now = now or timezone.now()
    existing = {r.rule: r for r in Reminder.objects.filter(appointment=appointment)}
    offsets = policy_of(appointment.clinic).offset_hours
    ahead = dict(reminders_ahead(appointment.starts_at, offsets, now))
    for hours in offsets:
        rule = offset_rule(hours)
        row, due = existing.get(rule), ahead.get(rule)
        if row is None and due is not None:
            Reminder.objects.create(clinic=appointment.clinic, appointment=appointment,
                                    rule=rule, due_at=due)  # fmt: skip
        elif row is not None and row.status == ReminderStatus.PENDING:
            if due is None:
                row.status, row.last_error = ReminderStatus.CANCELLED, "moved: time passed"
            else:
                row.due_at = due
            row.save(update_fields=["due_at", "status", "last_error"])
    confirmation = existing.get(CONFIRMATION)
    notices = [row for rule, row in existing.items() if rule.startswith(MOVED)]
    waiting = any(row.status == ReminderStatus.PENDING for row in notices)
    if confirmation is not None and confirmation.status == ReminderStatus.SENT and not waiting:
        # One notice per move; a notice still waiting will carry the latest time anyway.
        Reminder.objects.create(clinic=appointment.clinic, appointment=appointment,
                                rule=f"{MOVED}{len(notices) + 1}", due_at=now)  # fmt: skip


def reminders_cancel(*, appointment: Appointment, why: str = "appointment cancelled") -> int:
    """Cancel every pending reminder of the appointment; the number cancelled."""
    return Reminder.objects.filter(appointment=appointment, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.CANCELLED, last_error=why
    )


def reminders_due(
    *, now: datetime | None = None, clinic: Clinic | None = None
) -> QuerySet[Reminder]:
    """Pending reminders due by ``now``, soonest first: what the worker would send."""
    rows = Reminder.objects.filter(
        status=ReminderStatus.PENDING, due_at__lte=now or timezone.now()
    ).select_related("clinic", "appointment__patient")
    return rows.filter(clinic=clinic) if clinic is not None else rows


def reminders_of(appointment: Appointment) -> list[Reminder]:
    """The appointment's reminders, in the order they are due (for its page)."""
    return list(Reminder.objects.filter(appointment=appointment).order_by("due_at", "id"))


# --- the client's link -----------------------------------------------------------------------


def appointment_link_create(*, appointment: Appointment) -> str:
    """A new private confirm/cancel link for the appointment; the token, shown only once."""
    private, token = link_new(purpose=LinkPurpose.APPOINTMENT, patient=appointment.patient,
                              actor=None, lasts=None)  # fmt: skip
    AppointmentLink.objects.create(private=private, appointment=appointment)
    return token


def appointment_link_find(token: str) -> AppointmentLink | None:
    """The usable link for ``token``: unknown, revoked, cancelled and past look alike."""
    links = AppointmentLink.objects.select_related(
        "private__clinic", "private__patient", "appointment__clinic", "appointment__room__location"
    )
    return link_by_token(links, token)


# --- the message -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    sms: str


def place_of(appointment: Appointment) -> str:
    """Where the visit is: the room's location, else the therapist's location that weekday,
    else the clinic's address."""
    location = appointment.room.location if appointment.room else None
    if location is None:
        local = appointment.starts_at.astimezone(appointment.clinic.zone)
        hours = (
            WorkingHours.objects.filter(therapist=appointment.therapist, weekday=local.weekday())
            .select_related("location")
            .first()
        )
        location = hours.location if hours else None
    if location is None:
        return " ".join(appointment.clinic.address.split())
    address = " ".join(location.address.split())
    return f"{location.name}, {address}" if address else location.name


def message_for(
    appointment: Appointment, *, rule: str, link_url: str, checkin_url: str = ""
) -> Message:
    """The words of one message: the clinic, the time and the place, and the links."""
    clinic = appointment.clinic.name
    when = _spoken(appointment.starts_at, appointment.clinic.timezone)
    place = place_of(appointment)
    at_place = f" at {place}" if place else ""
    if rule == CONFIRMATION:
        subject, opening = f"Your appointment at {clinic}", "Your appointment is booked"
    elif rule.startswith(MOVED):
        subject, opening = f"Your appointment at {clinic} has moved", "Your appointment is now"
    else:
        subject = f"Reminder: your appointment at {clinic}"
        opening = "A reminder of your appointment"
    lines = [
        "Hello,",
        "",
        f"{opening} at {clinic} on {when}{at_place}.",
        "",
        f"To confirm, or to ask to cancel, open your private link:\n{link_url}",
    ]
    course = _later_visits(appointment) if rule == CONFIRMATION else []
    if course:
        lines[3:3] = ["", "The later visits of your course are booked too:"] + [
            f"- {visit}" for visit in course
        ]
    if checkin_url:
        lines += ["", f"Before your visit, please answer a few short questions:\n{checkin_url}"]
    lines += ["", clinic]
    sms = f"{clinic}: {opening.lower()} on {when}{at_place}"
    if course:
        sms += f", and {plural(len(course), 'later visit')} of your course (see your email)"
    sms += f". Confirm or cancel: {link_url}"
    if checkin_url:
        sms += f" Questions before your visit: {checkin_url}"
    return Message(subject=subject, body="\n".join(lines), sms=sms)


def _spoken(at: datetime, zone: str) -> str:
    local = at.astimezone(ZoneInfo(zone))
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M}"


def _later_visits(appointment: Appointment) -> list[str]:
    """The course's other visits after this one, as the client reads them."""
    if appointment.series_id is None:
        return []
    later = Appointment.objects.filter(
        series_id=appointment.series_id, starts_at__gt=appointment.starts_at, status__in=HOLDING
    ).order_by("starts_at")
    return [_spoken(a.starts_at, appointment.clinic.timezone) for a in later]


# --- sending ---------------------------------------------------------------------------------


def _claim(now: datetime) -> Reminder | None:
    rows = Reminder.objects.filter(status=ReminderStatus.PENDING, due_at__lte=now).order_by(
        "due_at", "id"
    )
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    return rows.first()


def _needs_checkin(reminder: Reminder, appointment: Appointment, now: datetime) -> bool:
    return (
        reminder.rule != CONFIRMATION
        and appointment.starts_at - now <= CHECKIN_WITHIN
        and not appointment.patient.is_archived
        and not Reminder.objects.filter(appointment=appointment, with_checkin=True).exists()
    )


def _deliver(reminder: Reminder, appointment: Appointment, now: datetime) -> str:
    """Send the message by email and SMS where the client has them; the channel used."""
    patient = appointment.patient
    sms_on = policy_of(appointment.clinic).sms and bool(patient.phone.strip())
    if not patient.email and not sms_on:
        raise LookupError("the client has no email address or phone number on file")
    link_url = settings.SITE_URL + reverse(
        "portal:appointment", args=[appointment_link_create(appointment=appointment)]
    )
    checkin_url = ""
    if _needs_checkin(reminder, appointment, now):
        _, token = checkin_link_create(
            actor=appointment.therapist,
            patient=patient,
            actor_label=f"appointment reminder ({appointment.therapist.display_name})",
        )
        checkin_url = settings.SITE_URL + reverse("portal:checkin", args=[token])
        reminder.with_checkin = True
    message = message_for(appointment, rule=reminder.rule, link_url=link_url,
                          checkin_url=checkin_url)  # fmt: skip
    if patient.email:
        send_mail(subject=message.subject, message=message.body, from_email=None,
                  recipient_list=[patient.email], fail_silently=False)  # fmt: skip
    if sms_on:
        sms_backend().send(to=patient.phone.strip(), body=message.sms)
    if patient.email and sms_on:
        return Channel.BOTH
    return Channel.EMAIL if patient.email else Channel.SMS


def reminder_send_next(*, now: datetime | None = None) -> Reminder | None:
    """Claim the next due reminder, send it and record the outcome, in one transaction; the
    reminder handled, or None when nothing is due."""
    now = now or timezone.now()
    with transaction.atomic():
        reminder = _claim(now)
        if reminder is None:
            return None
        appointment = Appointment.objects.select_related(
            "clinic", "patient", "therapist", "room__location"
        ).get(pk=reminder.appointment_id)
        if appointment.status not in SENDABLE or appointment.starts_at <= now:
            reminder.status = ReminderStatus.CANCELLED
            reminder.last_error = f"appointment {appointment.get_status_display().lower()}"
            if appointment.starts_at <= now and appointment.status in SENDABLE:
                reminder.last_error = "appointment already started"
            reminder.save(update_fields=["status", "last_error"])
            return reminder
        reminder.attempts += 1
        try:
            with transaction.atomic():  # a failed send leaves no link behind
                reminder.channel = _deliver(reminder, appointment, now)
        except Exception as exc:  # any failure of a backend is recorded, never raised
            reminder.with_checkin = False
            described = str(exc) if isinstance(exc, LookupError) else f"{type(exc).__name__}: {exc}"
            reminder.last_error = described[:200]
            if isinstance(exc, LookupError) or reminder.attempts >= MAX_ATTEMPTS:
                reminder.status = ReminderStatus.FAILED
            else:
                reminder.due_at = now + RETRY_AFTER * reminder.attempts
        else:
            reminder.status, reminder.sent_at, reminder.last_error = ReminderStatus.SENT, now, ""
        reminder.full_clean()
        reminder.save()
        return reminder


def reminders_send_due(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send every reminder due by ``now`` (at most ``limit``); counts by outcome."""
    counts = {status.value: 0 for status in ReminderStatus}
    for _ in range(limit):
        reminder = reminder_send_next(now=now)
        if reminder is None:
            break
        counts[reminder.status] += 1
    return counts
