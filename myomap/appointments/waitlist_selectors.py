"""Reads for the waitlist: who is waiting, the slots cancellations and moves freed and who fits them
(oldest entry first), and each entry's next free slots that fit. Computed on every read
from the working hours, blocks and bookings: nothing about a fit is stored.

Each read costs the same few queries however many entries, therapists and days it covers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from myomap.appointments.models import (
    CANCELLED,
    HOLDING,
    Appointment,
    AppointmentType,
    Block,
    Room,
    WorkingHours,
)
from myomap.appointments.selectors import day_bounds, therapists_of
from myomap.appointments.waitlist_models import MovedAwayTime, WaitlistEntry, WaitlistStatus
from myomap.clinics.models import Clinic, User
from myomap_core.slots import Interval, WeeklyHours, free_slots
from myomap_core.waitlist import fitting

AHEAD_DAYS = 56
"""How far ahead the waitlist looks for freed and free slots: eight weeks, as the free-slot
search does."""

PER_ENTRY = 3
"""How many next free slots the waitlist page proposes for each entry."""


def waiting(clinic: Clinic) -> list[WaitlistEntry]:
    """The clinic's waiting entries, oldest first (the order they are offered slots)."""
    return list(
        WaitlistEntry.objects.filter(clinic=clinic, status=WaitlistStatus.WAITING)
        .select_related("patient", "therapist", "type", "clinic")
        .order_by("created_at", "id")
    )


@dataclass
class Calendar:
    """Every therapist's weekly hours and busy times over a stretch (read once)."""

    hours: dict[int, list[WeeklyHours]] = field(default_factory=dict)
    busy: dict[int, list[Interval]] = field(default_factory=dict)

    @classmethod
    def read(cls, clinic: Clinic, start: datetime, end: datetime) -> Calendar:
        hours: dict[int, list[WeeklyHours]] = defaultdict(list)
        for h in WorkingHours.objects.filter(clinic=clinic):
            hours[h.therapist_id].append(WeeklyHours(h.weekday, h.start, h.end))
        busy: dict[int, list[Interval]] = defaultdict(list)
        early = start - timedelta(hours=8)
        for who, s, e in Appointment.objects.filter(
            clinic=clinic, status__in=HOLDING, starts_at__lt=end, ends_at__gt=early
        ).values_list("therapist_id", "starts_at", "ends_at"):
            busy[who].append(Interval(s, e))
        for who, s, e in Block.objects.filter(
            clinic=clinic, starts_at__lt=end, ends_at__gt=early
        ).values_list("therapist_id", "starts_at", "ends_at"):
            busy[who].append(Interval(s, e))
        return cls(dict(hours), dict(busy))

    def free(
        self,
        clinic: Clinic,
        therapist_id: int,
        kind: AppointmentType,
        first_day: date,
        days: int,
        *,
        buffer: bool,
        now: datetime,
    ) -> list[datetime]:
        return free_slots(
            hours=self.hours.get(therapist_id, []),
            busy=self.busy.get(therapist_id, []),
            tz=clinic.zone,
            first_day=first_day,
            days=days,
            duration=timedelta(minutes=kind.minutes),
            buffer=timedelta(minutes=kind.buffer_minutes if buffer else 0),
            not_before=now,
        )


@dataclass
class Fit:
    """A waiting entry and the start it could be booked at, with whom (and in the room a
    cancelled appointment leaves free)."""

    entry: WaitlistEntry
    starts_at: datetime
    therapist: User
    room: Room | None = None


@dataclass
class FreedSlot:
    """Time a cancellation or a move freed that is still free, and who on the waitlist
    fits it. ``appointment`` is the one that left the time; ``how`` says how."""

    therapist: User
    starts_at: datetime
    ends_at: datetime
    appointment: Appointment
    how: str
    fits: list[Fit]

    @property
    def anchor(self) -> str:
        return f"freed-{self.appointment.pk}-{int(self.starts_at.timestamp())}"


def _fit_in(
    entry: WaitlistEntry,
    therapist: User,
    starts_at: datetime,
    ends_at: datetime,
    calendar: Calendar,
    now: datetime,
) -> datetime | None:
    """The first start inside the freed time where the entry's visit fits its wish and
    the therapist's real free time (no buffer: the freed time was bookable as it was)."""
    if entry.therapist_id not in (None, therapist.pk):
        return None
    clinic = entry.clinic
    tz = clinic.zone
    day = starts_at.astimezone(tz).date()
    length = timedelta(minutes=entry.type.minutes)
    starts = [
        s
        for s in calendar.free(clinic, therapist.pk, entry.type, day, 1, buffer=False, now=now)
        if starts_at <= s and s + length <= ends_at
    ]
    found = fitting(entry.wish, starts, length, tz)
    return found[0] if found else None


def _left(
    clinic: Clinic, start: datetime, end: datetime
) -> list[tuple[Appointment, User, datetime, datetime, str]]:
    """Times appointments left between ``start`` and ``end``: cancelled, or moved away."""
    cancelled = [
        (a, a.therapist, a.starts_at, a.ends_at, "cancelled")
        for a in Appointment.objects.filter(
            clinic=clinic, status__in=CANCELLED, starts_at__gte=start, starts_at__lt=end
        ).select_related("therapist", "room")
    ]
    moved = [
        (m.appointment, m.therapist, m.starts_at, m.ends_at, "moved")
        for m in MovedAwayTime.objects.filter(
            clinic=clinic, starts_at__gte=start, starts_at__lt=end
        ).select_related("therapist", "appointment")
    ]
    return sorted([*cancelled, *moved], key=lambda row: (row[2], row[0].pk))


def freed_slots(
    clinic: Clinic, start: datetime, end: datetime, *, now: datetime | None = None
) -> list[FreedSlot]:
    """Slots freed by cancellations and moves between ``start`` and ``end`` (still in the
    future and still free), each with the waiting entries that fit, oldest entry first
    (leaving out the client whose appointment left the time)."""
    now = now or timezone.now()
    start = max(start, now)
    if end <= start:
        return []
    left = _left(clinic, start, end)
    if not left:
        return []
    entries = waiting(clinic)
    calendar = Calendar.read(clinic, start, end)
    seen: set[tuple[int, datetime, datetime]] = set()
    slots = []
    for appointment, therapist, starts_at, ends_at, how in left:
        key = (therapist.pk, starts_at, ends_at)
        if key in seen:
            continue
        seen.add(key)
        fits = []
        for entry in entries:
            if entry.patient_id == appointment.patient_id:
                continue  # the client whose appointment left this time is not offered it back
            at = _fit_in(entry, therapist, starts_at, ends_at, calendar, now)
            if at is not None:
                room = appointment.room if how == "cancelled" else None
                fits.append(Fit(entry, at, therapist, room))
        if fits:
            slots.append(FreedSlot(therapist, starts_at, ends_at, appointment, how, fits))
    return slots


def freed_on(clinic: Clinic, day: date, *, now: datetime | None = None) -> list[FreedSlot]:
    """The freed slots of one local day that someone on the waitlist fits."""
    start, end = day_bounds(clinic, day)
    return freed_slots(clinic, start, end, now=now)


@dataclass
class Waiting:
    """A waiting entry with its next free slots that fit, soonest first."""

    entry: WaitlistEntry
    fits: list[Fit]


def waiting_with_slots(
    clinic: Clinic, *, now: datetime | None = None, per_entry: int = PER_ENTRY
) -> list[Waiting]:
    """Every waiting entry (oldest first) with its next ``per_entry`` free slots that fit,
    over the next eight weeks, from the free-slot search (with the type's buffer)."""
    now = now or timezone.now()
    entries = waiting(clinic)
    if not entries:
        return []
    first = clinic.today()
    start, end = day_bounds(clinic, first, AHEAD_DAYS)
    calendar = Calendar.read(clinic, start, end)
    therapists = therapists_of(clinic)
    cache: dict[tuple[int, int], list[datetime]] = {}
    rows = []
    for entry in entries:
        who = [t for t in therapists if entry.therapist_id in (None, t.pk)]
        length = timedelta(minutes=entry.type.minutes)
        fits: list[Fit] = []
        for therapist in who:
            key = (therapist.pk, entry.type_id)
            if key not in cache:
                cache[key] = calendar.free(
                    clinic, therapist.pk, entry.type, first, AHEAD_DAYS, buffer=True, now=now
                )
            for at in fitting(entry.wish, cache[key], length, clinic.zone)[:per_entry]:
                fits.append(Fit(entry, at, therapist))
        fits.sort(key=lambda f: (f.starts_at, f.therapist.pk))
        rows.append(Waiting(entry, fits[:per_entry]))
    return rows
