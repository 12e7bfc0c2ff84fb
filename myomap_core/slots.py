"""Free appointment slots, computed from working hours, blocks and bookings (never stored).

Working hours are wall-clock times in the clinic's time zone, so a slot at 09:00 stays at
09:00 local time on both sides of a daylight-saving change. Times that do not exist on a
spring-forward night are skipped; busy intervals and the returned slots are aware datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from myomap_core.errors import DomainError


@dataclass(frozen=True)
class WeeklyHours:
    """One working window on a weekday (0 = Monday), in local wall-clock time."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise DomainError(f"weekday {self.weekday} is not 0 (Monday) to 6", field="weekday")
        if self.end <= self.start:
            raise DomainError(
                f"the window ends at {self.end:%H:%M}, not after its start {self.start:%H:%M}",
                field="end",
            )


@dataclass(frozen=True)
class Interval:
    """A busy stretch of time: a booking or a block. Aware datetimes, ``start < end``."""

    start: datetime
    end: datetime


def _exists(local: datetime, tz: ZoneInfo) -> bool:
    """False for a wall-clock time skipped by a spring-forward change."""
    back = local.astimezone(UTC).astimezone(tz)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def within_hours(
    start: datetime, end: datetime, hours: Iterable[WeeklyHours], tz: ZoneInfo
) -> bool:
    """True when ``start``–``end`` lies inside one working window of its local day."""
    local_start = start.astimezone(tz)
    day = local_start.date()
    for window in hours:
        if window.weekday != day.weekday():
            continue
        opens = datetime.combine(day, window.start, tzinfo=tz)
        closes = datetime.combine(day, window.end, tzinfo=tz)
        if opens <= start and end <= closes:
            return True
    return False


def free_slots(
    *,
    hours: Sequence[WeeklyHours],
    busy: Sequence[Interval],
    tz: ZoneInfo,
    first_day: date,
    days: int,
    duration: timedelta,
    buffer: timedelta = timedelta(0),
    step: timedelta = timedelta(minutes=15),
    not_before: datetime | None = None,
    limit: int | None = None,
) -> list[datetime]:
    """Start times (aware, in ``tz``) of free slots of ``duration`` from ``first_day`` on.

    A slot lies inside a working window and keeps ``buffer`` clear of every busy interval
    on both sides. Candidates start at the window's opening and every ``step`` after it,
    in local wall-clock time.
    """
    if duration <= timedelta(0):
        raise DomainError("an appointment lasts longer than zero minutes", field="duration")
    if step <= timedelta(0):
        raise DomainError("the slot step is longer than zero minutes", field="step")
    if not 0 < days <= 366:
        raise DomainError(f"search {days} days: between 1 and 366", field="days")
    ordered = sorted(busy, key=lambda b: b.start)
    found: list[datetime] = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for window in sorted(hours, key=lambda w: w.start):
            if window.weekday != day.weekday():
                continue
            opens = datetime.combine(day, window.start)
            closes = datetime.combine(day, window.end, tzinfo=tz)
            local = opens
            while True:
                start = local.replace(tzinfo=tz)
                end = start + duration
                if end.astimezone(UTC) > closes.astimezone(UTC):
                    break
                local += step
                if not _exists(start, tz):
                    continue
                if not_before is not None and start < not_before:
                    continue
                if _clear(start - buffer, end + buffer, ordered):
                    found.append(start)
                    if limit is not None and len(found) >= limit:
                        return found
    return found


def _clear(start: datetime, end: datetime, busy: Sequence[Interval]) -> bool:
    for interval in busy:
        if interval.start >= end:
            return True  # sorted by start: nothing later can overlap
        if interval.end > start:
            return False
    return True


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals overlap: one ending as the other starts is no overlap."""
    return a_start < b_end and b_start < a_end
