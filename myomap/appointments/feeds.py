"""A therapist's private iCalendar feed: made, replaced and revoked here, and written out.

The feed carries no names and no health information: each event is the appointment type
and its length, the client's initials and client number, and the room. Events keep one UID
per appointment; SEQUENCE and LAST-MODIFIED grow when an appointment changes, and a
cancelled one stays in the feed as STATUS:CANCELLED so subscribed calendars drop it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from myomap.appointments.feed_models import CalendarFeed
from myomap.appointments.models import CANCELLED, Appointment
from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.links import link_by_token, token_new
from myomap.common.models import AuditAction
from myomap.patients.models import Patient

DAYS_BACK = 30
DAYS_AHEAD = 180
"""The feed holds appointments from 30 days ago to 180 days ahead."""

PRODID = "-//Myomap//Calendar feed//EN"


def _own(actor: User, therapist: User) -> None:
    """A feed is the therapist's own: nobody else makes or revokes it."""
    if actor.pk != therapist.pk or not actor.is_clinician:
        raise PermissionDenied("A calendar feed is made and revoked by its therapist only.")


def feed_of(therapist: User) -> CalendarFeed | None:
    """The therapist's usable feed, if any."""
    return CalendarFeed.objects.filter(therapist=therapist, revoked_at__isnull=True).first()


def _revoke(actor: User, feed: CalendarFeed, now: datetime, origin: Origin | None) -> None:
    feed.revoked_at = now
    feed.save(update_fields=["revoked_at"])
    audit_record(action=AuditAction.REVOKE, clinic=feed.clinic, actor=actor, obj=feed,
                 summary="Revoked the private calendar feed", origin=origin)  # fmt: skip


@transaction.atomic
def feed_create(
    *, actor: User, therapist: User, origin: Origin | None = None
) -> tuple[CalendarFeed, str]:
    """A new private feed for ``therapist``; an older one stops working. The token is
    returned once and only its hash is stored."""
    _own(actor, therapist)
    now = timezone.now()
    old = CalendarFeed.objects.select_for_update().filter(
        therapist=therapist, revoked_at__isnull=True
    )
    for feed in old:
        _revoke(actor, feed, now, origin)
    token, token_hash = token_new()
    feed = CalendarFeed(
        clinic=therapist.clinic, therapist=therapist, token_hash=token_hash, created_by=actor
    )
    feed.full_clean()
    feed.save()
    audit_record(action=AuditAction.CREATE, clinic=feed.clinic, actor=actor, obj=feed,
                 summary="Created a private calendar feed", origin=origin)  # fmt: skip
    return feed, token


@transaction.atomic
def feed_revoke(*, actor: User, therapist: User, origin: Origin | None = None) -> bool:
    """Stop the therapist's feed now; False when there was none."""
    _own(actor, therapist)
    feeds = list(
        CalendarFeed.objects.select_for_update().filter(
            therapist=therapist, revoked_at__isnull=True
        )
    )
    for feed in feeds:
        _revoke(actor, feed, timezone.now(), origin)
    return bool(feeds)


def feed_by_token(token: str) -> CalendarFeed | None:
    """The usable feed of ``token``; unknown and revoked tokens alike give None."""
    rows = CalendarFeed.objects.select_related("clinic", "therapist")
    return link_by_token(rows, token, field="token_hash")


@transaction.atomic
def feed_fetched(*, feed: CalendarFeed, origin: Origin | None = None) -> None:
    """Note a calendar app's fetch: the time, and one audit row a day at most."""
    now = timezone.now()
    first_today = feed.last_fetched_at is None or feed.last_fetched_at.date() != now.date()
    feed.last_fetched_at = now
    feed.save(update_fields=["last_fetched_at"])
    if first_today:
        audit_record(action=AuditAction.EXPORT, clinic=feed.clinic, actor=None, obj=feed,
                     actor_label="calendar app (private feed)",
                     summary="A calendar app fetched the private calendar feed (first today)",
                     origin=origin)  # fmt: skip


def client_label(patient: Patient) -> str:
    """Initials and client number: enough for the therapist, no name for anyone else."""
    parts = (patient.first_name.strip(), patient.last_name.strip())
    initials = "".join(f"{part[0].upper()}." for part in parts if part)
    return f"{initials} #{patient.pk}".strip()


def feed_appointments(therapist: User, now: datetime) -> list[Appointment]:
    """The therapist's appointments in the feed's window, with what each event shows."""
    clinic_id = therapist.clinic_id
    assert clinic_id is not None, "a therapist belongs to a clinic"
    return list(
        Appointment.objects.filter(
            therapist=therapist,
            clinic_id=clinic_id,
            starts_at__gte=now - timedelta(days=DAYS_BACK),
            starts_at__lt=now + timedelta(days=DAYS_AHEAD),
        )
        .select_related("patient", "type", "room", "room__location")
        .order_by("starts_at", "id")
    )


def _event(appointment: Appointment, stamp: datetime, clinic_slug: str) -> Event:
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}.{clinic_slug}@myomap")
    event.add("dtstamp", stamp)
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add("dtend", appointment.ends_at.astimezone(UTC))
    kind = appointment.type
    event.add("summary", f"{kind.name} {kind.minutes} min · {client_label(appointment.patient)}")
    if appointment.room is not None:
        event.add("location", f"{appointment.room.name}, {appointment.room.location.name}")
    changed = appointment.updated_at - appointment.created_at
    event.add("sequence", max(0, int(changed.total_seconds())))
    event.add("last-modified", appointment.updated_at.astimezone(UTC))
    event.add("status", "CANCELLED" if appointment.status in CANCELLED else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if appointment.status in CANCELLED else "OPAQUE")
    return event


def feed_ics(feed: CalendarFeed, *, now: datetime | None = None) -> bytes:
    """The feed as iCalendar bytes (RFC 5545), times in UTC."""
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{feed.clinic.name}: {feed.therapist.display_name}")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = now.astimezone(UTC)
    for appointment in feed_appointments(feed.therapist, now):
        calendar.add_component(_event(appointment, stamp, feed.clinic.slug))
    ical: bytes = calendar.to_ical()
    return ical
