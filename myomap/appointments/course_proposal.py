"""Reads for booking a course: concrete proposed visits for a series' rule.

Each occurrence of the rule is checked against the therapist's hours, blocks and bookings
(``myomap_core.slots.free_slots``, with the type's buffer); when its time is taken the
nearest free start of the same day is proposed instead, and a day with none says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from myomap.appointments.models import AppointmentType, WorkingHours
from myomap.appointments.selectors import busy_of
from myomap.clinics.models import User
from myomap_core.slots import WeeklyHours, free_slots


@dataclass(frozen=True)
class ProposedVisit:
    """One visit of the course: the rule's start, what is proposed and why."""

    number: int
    wanted: datetime
    proposed: datetime | None
    note: str


def course_proposal(
    *,
    therapist: User,
    kind: AppointmentType,
    wanted: list[datetime],
    review_at: int | None = None,
    now: datetime | None = None,
) -> list[ProposedVisit]:
    """The rule's starts turned into free visits with ``therapist`` (one read of the busy
    times for the whole span)."""
    if not wanted:
        return []
    clinic = therapist.clinic
    assert clinic is not None
    tz = clinic.zone
    first_day = wanted[0].astimezone(tz).date()
    days = (wanted[-1].astimezone(tz).date() - first_day).days + 1
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=tz)
    hours = [
        WeeklyHours(h.weekday, h.start, h.end)
        for h in WorkingHours.objects.filter(therapist=therapist)
    ]
    free = free_slots(
        hours=hours,
        busy=busy_of(therapist, start - timedelta(hours=4), start + timedelta(days=days + 1)),
        tz=tz,
        first_day=first_day,
        days=min(days, 366),
        duration=timedelta(minutes=kind.minutes),
        buffer=timedelta(minutes=kind.buffer_minutes),
        not_before=now or timezone.now(),
    )
    by_day: dict[object, list[datetime]] = {}
    for slot in free:
        by_day.setdefault(slot.date(), []).append(slot)
    visits = []
    for number, when in enumerate(wanted, 1):
        review = " Review visit." if review_at == number else ""
        same_day = by_day.get(when.astimezone(tz).date(), [])
        if when in same_day:
            visits.append(ProposedVisit(number, when, when, f"Free.{review}"))
        elif same_day:
            nearest = min(same_day, key=lambda s: abs((s - when).total_seconds()))
            visits.append(
                ProposedVisit(
                    number,
                    when,
                    nearest,
                    f"{when:%H:%M} is not free: the nearest free time that day.{review}",
                )
            )
        else:
            visits.append(
                ProposedVisit(
                    number, when, None, f"No free time that day: choose a date or drop it.{review}"
                )
            )
    return visits
