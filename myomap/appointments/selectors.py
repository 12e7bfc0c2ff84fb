"""Reads for the calendar: a clinic's day, a therapist's week, Today, and free slots."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from myomap.appointments.models import (
    CANCELLED,
    HOLDING,
    Appointment,
    AppointmentType,
    Block,
    Room,
    WorkingHours,
    overlapping,
)
from myomap.clinics.models import Clinic, Role, User
from myomap.intake.models import Intake
from myomap.outcomes.models import ProgressStanding
from myomap.plans.models import Plan, PlanStatus
from myomap.screening.gate import page_gate
from myomap.sessions.models import CheckIn
from myomap.sessions.services import SENT_AHEAD_HOURS
from myomap_core.slots import Interval, WeeklyHours, free_slots

LISTED = ("patient", "therapist", "room", "type", "session")


FIRST_YEAR, LAST_YEAR = 2000, 2200
"""The years a calendar date may fall in: anything else is a typing error."""


def check_day(day: date, field: str = "date") -> date:
    """``day`` if it lies in a year the calendar can show, else a ValidationError naming
    ``field``."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            {field: f"{day.isoformat()} is not between {FIRST_YEAR} and {LAST_YEAR}."}
        )
    return day


def day_bounds(clinic: Clinic, day: date, days: int = 1) -> tuple[datetime, datetime]:
    """The UTC instants a run of local days starts and ends."""
    tz = clinic.zone
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=days), time.min, tzinfo=tz)
    return start, end


def therapists_query(clinic: Clinic) -> QuerySet[User]:
    """The clinic's active therapists and owners, who take appointments, by name."""
    return User.objects.filter(
        clinic=clinic, is_active=True, role__in=(Role.THERAPIST, Role.OWNER)
    ).order_by("first_name", "last_name", "id")


def therapists_of(clinic: Clinic) -> list[User]:
    """The clinic's active therapists and owners, who take appointments."""
    return list(therapists_query(clinic))


def types_of(clinic: Clinic) -> list[AppointmentType]:
    return list(AppointmentType.objects.filter(clinic=clinic, active=True))


def rooms_of(clinic: Clinic) -> list[Room]:
    return list(
        Room.objects.filter(clinic=clinic, active=True)
        .select_related("location")
        .order_by("location__name", "name")
    )


def appointments_between(
    clinic: Clinic, start: datetime, end: datetime, *, therapist: User | None = None
) -> list[Appointment]:
    rows = Appointment.objects.filter(overlapping(start, end), clinic=clinic).select_related(
        *LISTED
    )
    if therapist is not None:
        rows = rows.filter(therapist=therapist)
    return list(rows.order_by("starts_at", "id"))


@dataclass
class Column:
    therapist: User
    appointments: list[Appointment]
    hours: list[WorkingHours]


@dataclass
class Day:
    day: date
    columns: list[Column]


def clinic_day(clinic: Clinic, day: date) -> Day:
    """All therapists side by side, each with the day's appointments and working hours."""
    start, end = day_bounds(clinic, day)
    therapists = therapists_of(clinic)
    by_therapist: dict[int, list[Appointment]] = defaultdict(list)
    for a in appointments_between(clinic, start, end):
        by_therapist[a.therapist_id].append(a)
    hours: dict[int, list[WorkingHours]] = defaultdict(list)
    for h in WorkingHours.objects.filter(clinic=clinic, weekday=day.weekday()):
        hours[h.therapist_id].append(h)
    columns = [Column(t, by_therapist.get(t.pk, []), hours.get(t.pk, [])) for t in therapists]
    return Day(day, columns)


@dataclass
class WeekDay:
    day: date
    appointments: list[Appointment] = field(default_factory=list)


def therapist_week(clinic: Clinic, therapist: User, monday: date) -> list[WeekDay]:
    """The therapist's seven days from ``monday``."""
    start, end = day_bounds(clinic, monday, 7)
    tz = clinic.zone
    days = [WeekDay(monday + timedelta(days=i)) for i in range(7)]
    for a in appointments_between(clinic, start, end, therapist=therapist):
        offset = (a.starts_at.astimezone(tz).date() - monday).days
        if 0 <= offset < 7:
            days[offset].appointments.append(a)
    return days


@dataclass
class TodayRow:
    appointment: Appointment
    todo: list[str]
    good: list[str]


def today(user: User, *, now: datetime | None = None) -> list[TodayRow]:
    """The therapist's appointments today, each with what needs doing first.

    Reads a fixed number of queries for the whole list plus the safety gate per client
    (``page_gate``), which is the one rule for treatment holds.
    """
    now = now or timezone.now()
    clinic = user.clinic
    assert clinic is not None
    day = now.astimezone(clinic.zone).date()
    start, end = day_bounds(clinic, day)
    rows = [
        a
        for a in appointments_between(clinic, start, end, therapist=user)
        if a.status not in CANCELLED
    ]
    ids = {a.patient_id for a in rows}
    submitted = set(
        Intake.objects.filter(patient_id__in=ids, submitted_at__isnull=False).values_list(
            "patient_id", flat=True
        )
    )
    planned = set(
        Plan.objects.filter(patient_id__in=ids, status=PlanStatus.ACTIVE).values_list(
            "patient_id", flat=True
        )
    )
    since = now - timedelta(hours=SENT_AHEAD_HOURS)
    checked_in = set(
        CheckIn.objects.filter(patient_id__in=ids)
        .filter(Q(session__isnull=True, created_at__gte=since) | Q(created_at__gte=start))
        .values_list("patient_id", flat=True)
    )
    not_due = set(
        ProgressStanding.objects.filter(patient_id__in=ids, due_at__gte=now).values_list(
            "patient_id", flat=True
        )
    )
    result = []
    for a in rows:
        todo: list[str] = []
        good: list[str] = []
        if a.patient_id not in submitted:
            todo.append("Intake not finished")
        gate = page_gate(a.patient)
        if gate.blocked:
            label = "Awaiting clearance" if gate.needs_clearance else "Screening blocks treatment"
            todo.append(f"{label}: {gate.reason}")
        if a.patient_id in checked_in:
            good.append("Check-in answered")
        if a.patient_id not in not_due:
            todo.append("Questionnaire due")
        if a.patient_id not in planned:
            todo.append("No plan yet")
        result.append(TodayRow(a, todo, good))
    return result


def busy_of(therapist: User, start: datetime, end: datetime) -> list[Interval]:
    """The therapist's holding bookings and blocks overlapping ``start``–``end``."""
    bookings = Appointment.objects.filter(
        overlapping(start, end), therapist=therapist, status__in=HOLDING
    ).values_list("starts_at", "ends_at")
    blocks = Block.objects.filter(
        therapist=therapist, starts_at__lt=end, ends_at__gt=start
    ).values_list("starts_at", "ends_at")
    return [Interval(s, e) for s, e in [*bookings, *blocks]]


def next_free_slots(
    *,
    therapist: User,
    kind: AppointmentType,
    first_day: date,
    days: int = 56,
    limit: int = 10,
    now: datetime | None = None,
) -> list[datetime]:
    """The next free starts for ``kind`` with ``therapist`` (8 weeks by default)."""
    clinic = therapist.clinic
    assert clinic is not None
    start, end = day_bounds(clinic, first_day, days)
    hours = [
        WeeklyHours(h.weekday, h.start, h.end)
        for h in WorkingHours.objects.filter(therapist=therapist)
    ]
    return free_slots(
        hours=hours,
        busy=busy_of(therapist, start - timedelta(hours=4), end),
        tz=clinic.zone,
        first_day=first_day,
        days=days,
        duration=timedelta(minutes=kind.minutes),
        buffer=timedelta(minutes=kind.buffer_minutes),
        not_before=now or timezone.now(),
        limit=limit,
    )
