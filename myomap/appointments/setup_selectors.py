"""Reads of the practice's calendar set-up, and the bookings a change leaves for the desk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.utils import timezone

from myomap.appointments.models import (
    WEEKDAYS,
    Appointment,
    AppointmentType,
    Block,
    Location,
    Room,
    Status,
    WorkingHours,
)
from myomap.clinics.models import Clinic, User
from myomap_core.slots import WeeklyHours, within_hours

UPCOMING = (Status.BOOKED, Status.CONFIRMED)
"""Appointments still to come that the desk may need to move."""


@dataclass
class WeekRow:
    weekday: int
    name: str
    spans: list[WorkingHours]


def hours_week(therapist: User) -> list[WeekRow]:
    """The therapist's weekly hours, Monday to Sunday, each day's spans in order."""
    rows = [WeekRow(n, name, []) for n, name in WEEKDAYS]
    for span in WorkingHours.objects.filter(therapist=therapist).select_related("location"):
        rows[span.weekday].spans.append(span)
    return rows


def clinic_has_hours(clinic: Clinic) -> bool:
    """Whether any therapist of the clinic has working hours (a fresh clinic has none)."""
    return WorkingHours.objects.filter(clinic=clinic).exists()


def outside_hours(
    therapist: User,
    *,
    zone: ZoneInfo,
    spans: list[WorkingHours] | None = None,
    now: datetime | None = None,
) -> list[Appointment]:
    """The therapist's future booked or confirmed appointments that fall outside their
    working hours (``spans`` when already read): they stay booked; the desk decides what to
    do with each."""
    if spans is None:
        spans = list(WorkingHours.objects.filter(therapist=therapist))
    hours = [WeeklyHours(h.weekday, h.start, h.end) for h in spans]
    rows = Appointment.objects.filter(
        therapist=therapist, starts_at__gt=now or timezone.now(), status__in=UPCOMING
    ).select_related("patient", "type")
    return [a for a in rows if not within_hours(a.starts_at, a.ends_at, hours, zone)]


def under_block(block: Block) -> list[Appointment]:
    """The booked or confirmed appointments a block overlaps (not cancelled by it)."""
    return list(
        Appointment.objects.filter(
            therapist_id=block.therapist_id,
            starts_at__lt=block.ends_at,
            ends_at__gt=block.starts_at,
            status__in=UPCOMING,
        ).select_related("patient", "type")
    )


def blocks_ahead(clinic: Clinic, *, now: datetime | None = None) -> list[Block]:
    """The clinic's blocks that have not ended, soonest first."""
    return list(
        Block.objects.filter(clinic=clinic, ends_at__gt=now or timezone.now())
        .select_related("therapist")
        .order_by("starts_at", "id")
    )


def all_types(clinic: Clinic) -> list[AppointmentType]:
    """Every appointment type of the clinic, active first."""
    return list(AppointmentType.objects.filter(clinic=clinic).order_by("-active", "name"))


def places(clinic: Clinic) -> list[Location]:
    """The clinic's locations, active first, each with its rooms."""
    rooms = Prefetch("rooms", queryset=Room.objects.order_by("-active", "name"))
    return list(
        Location.objects.filter(clinic=clinic).prefetch_related(rooms).order_by("-active", "name")
    )
