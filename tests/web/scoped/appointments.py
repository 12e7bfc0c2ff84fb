"""A clinic schedule (location, room, hours, types) and one appointment of the client."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from myomap.appointments.booking_requests import booking_request_create, offers
from myomap.appointments.models import AppointmentType, Location, Online, Room, WorkingHours
from myomap.appointments.reminders import appointment_link_create, appointment_link_find
from myomap.appointments.services import appointment_book, appointment_types_default
from myomap.appointments.waitlist import waitlist_add


def schedule(therapist: Any) -> dict[str, Any]:
    """Every day 08:00–20:00 for ``therapist``, one room, the default types (made once)."""
    clinic = therapist.clinic
    location = Location.objects.filter(clinic=clinic).first() or Location.objects.create(
        clinic=clinic, name="Harbour Street", address="1 Harbour Street"
    )
    room = Room.objects.filter(clinic=clinic).first() or Room.objects.create(
        clinic=clinic, location=location, name="Room 1"
    )
    if not WorkingHours.objects.filter(therapist=therapist).exists():
        for weekday in range(7):
            WorkingHours.objects.create(
                clinic=clinic,
                therapist=therapist,
                location=location,
                weekday=weekday,
                start=time(8),
                end=time(20),
            )
    appointment_types_default(actor=therapist, clinic=clinic)
    types = {t.name: t for t in AppointmentType.objects.filter(clinic=clinic)}
    return {"location": location, "room": room, "types": types}


def at(clinic: Any, days: int, hour: int, minute: int = 0) -> datetime:
    """A local time ``days`` from today in the clinic's zone."""
    tz = ZoneInfo(clinic.timezone)
    day = timezone.now().astimezone(tz).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def morning_now(clinic: Any) -> None:
    """Move ``clinic`` to a time zone where it is now about ten in the morning, so a test
    that books visits later today stays on today at any hour of the day it runs."""
    from myomap.clinics.models import Clinic

    ahead = (10 - timezone.now().hour + 12) % 24 - 12  # hours east of UTC
    clinic.timezone = "UTC" if ahead == 0 else f"Etc/GMT{-ahead:+d}"  # POSIX's sign
    Clinic.objects.filter(pk=clinic.pk).update(timezone=clinic.timezone)


def make(therapist: Any, patient: Any) -> dict[str, object]:
    s = schedule(therapist)
    appointment = appointment_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=s["types"]["Treatment"],
        room=s["room"],
        starts_at=at(patient.clinic, 3, 10),
    )
    entry = waitlist_add(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=s["types"]["Treatment"],
        windows="Mon Tue Wed Thu Fri 08:00-12:00",
        first_day=patient.clinic.today(),
    )
    treatment = s["types"]["Treatment"]
    AppointmentType.objects.filter(pk=treatment.pk).update(online=Online.EVERYONE)
    link = appointment_link_find(appointment_link_create(appointment=appointment))
    assert link is not None
    offer = offers(treatment)[0]
    asked = booking_request_create(
        link=link, type_id=treatment.pk, therapist_id=offer.therapist.pk, starts_at=offer.starts_at
    )
    return {"appointment_id": appointment.pk, "entry_id": entry.pk, "request_id": asked.pk}
