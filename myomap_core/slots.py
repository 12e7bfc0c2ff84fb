"""Free appointment slots, computed from working hours, blocks and bookings (never stored).

Working hours are wall-clock times in the clinic's time zone, so a slot at 09:00 stays at
09:00 local time on both sides of a daylight-saving change. Times that do not exist on a
spring-forward night are skipped; busy intervals and the returned slots are aware datetimes.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
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


def _exists(local: datetime) -> bool:
    """False for a wall-clock time skipped by a spring-forward change: there the offset
    before the change (``fold=0``) is smaller than the offset after it (``fold=1``)."""
    before, after = local.utcoffset(), local.replace(fold=1).utcoffset()
    return before is None or after is None or before >= after


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
    ordered = sorted((b.start.timestamp(), b.end.timestamp()) for b in busy)
    starts = [b[0] for b in ordered]
    latest_end: list[float] = []
    for _, end in ordered:
        latest_end.append(max(end, latest_end[-1]) if latest_end else end)
    floor = not_before.timestamp() if not_before is not None else None
    length, margin = duration.total_seconds(), buffer.total_seconds()
    found: list[datetime] = []

    def free(begin: float) -> bool:
        # Busy intervals starting before this slot's end (plus buffer) must all have ended
        # by its start (minus buffer): the latest of their ends says so.
        before = bisect_left(starts, begin + length + margin)
        return not (before and latest_end[before - 1] > begin - margin)

    for offset in range(days):
        day = first_day + timedelta(days=offset)
        midnight = datetime.combine(day, time(0), tzinfo=tz)
        steady = midnight.utcoffset() == (midnight + timedelta(days=1)).utcoffset()
        for window in sorted(hours, key=lambda w: w.start):
            if window.weekday != day.weekday():
                continue
            local = datetime.combine(day, window.start)
            closes = datetime.combine(day, window.end, tzinfo=tz).timestamp()
            first, opens = local, local.replace(tzinfo=tz).timestamp()
            while True:
                start = local.replace(tzinfo=tz)
                # On a day without a clock change, the offset is the window's opening one.
                begin = opens + (local - first).total_seconds() if steady else start.timestamp()
                local += step
                if begin + length > closes:
                    break
                if not steady and not _exists(start):
                    continue
                if (floor is not None and begin < floor) or not free(begin):
                    continue
                found.append(start)
                if limit is not None and len(found) >= limit:
                    return found
    return found


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals overlap: one ending as the other starts is no overlap."""
    return a_start < b_end and b_start < a_end
