"""A waitlist wish: the weekdays and local times a client can come, between two dates.

A wish is written as windows such as ``Mon Wed 08:00-12:00; Fri 13:00-17:00`` (weekdays
and a time range in the clinic's local wall-clock time). Whether a free slot fits a wish
is computed here, never stored: a slot fits when it starts and ends inside one window on
one of its weekdays, on a day from the wish's first day to its last. The order of the
waitlist (oldest entry first) is the clinic's first-come rule [ours].
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from myomap_core.errors import DomainError

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAYS = {name.lower(): n for n, name in enumerate(DAY_NAMES)}
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
MAX_WINDOWS = 14


@dataclass(frozen=True)
class Window:
    """Some weekdays (0 = Monday) and a local time range ``start``–``end`` on each."""

    weekdays: frozenset[int]
    start: time
    end: time

    def __post_init__(self) -> None:
        if not self.weekdays:
            raise DomainError("a window names at least one weekday", field="windows")
        bad = sorted(d for d in self.weekdays if not 0 <= d <= 6)
        if bad:
            raise DomainError(f"weekday {bad[0]} is not 0 (Monday) to 6", field="windows")
        if self.end <= self.start:
            raise DomainError(
                f"{self.start:%H:%M}-{self.end:%H:%M} ends before it starts", field="windows"
            )

    def covers(self, local_start: datetime, local_end: datetime) -> bool:
        """True when the local stretch lies inside this window on one of its weekdays."""
        day = local_start.date()
        if day.weekday() not in self.weekdays or local_end.date() != day:
            return False
        return self.start <= local_start.time() and local_end.time() <= self.end

    def text(self) -> str:
        days = " ".join(DAY_NAMES[d] for d in sorted(self.weekdays))
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class Wish:
    """When a client on the waitlist can come: windows, from ``first_day`` to ``last_day``
    (open-ended when None)."""

    windows: tuple[Window, ...]
    first_day: date
    last_day: date | None = None

    def __post_init__(self) -> None:
        if not self.windows:
            raise DomainError("name at least one window, such as Mon 08:00-12:00", field="windows")
        if self.last_day is not None and self.last_day < self.first_day:
            raise DomainError(
                f"{self.last_day.isoformat()} is before the first day {self.first_day.isoformat()}",
                field="last_day",
                value=self.last_day.isoformat(),
            )

    def fits(self, start: datetime, end: datetime, tz: ZoneInfo) -> bool:
        """True when ``start``–``end`` (aware) lies inside one window, within the dates."""
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
        day = local_start.date()
        if day < self.first_day or (self.last_day is not None and day > self.last_day):
            return False
        return any(w.covers(local_start, local_end) for w in self.windows)


def _time(hours: str, minutes: str, text: str) -> time:
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        return time(23, 59)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise DomainError(f"{text!r} is not a time range such as 08:00-12:00", field="windows")
    return time(h, m)


def parse_windows(text: str) -> tuple[Window, ...]:
    """Windows from ``Mon Wed 08:00-12:00; Fri 13:00-17:00`` (days by their first three
    letters, separated by spaces or commas; windows by semicolons or new lines)."""
    parts = [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]
    if not parts:
        raise DomainError("name at least one window, such as Mon 08:00-12:00", field="windows")
    if len(parts) > MAX_WINDOWS:
        raise DomainError(f"{len(parts)} windows: at most {MAX_WINDOWS}", field="windows")
    windows = []
    for part in parts:
        words = re.sub(r"\s*[-–]\s*", "-", part).replace(",", " ").split()
        match = _RANGE.match(words[-1])
        if match is None:
            raise DomainError(
                f"{part!r} does not end with a time range such as 08:00-12:00",
                field="windows",
                value=part,
            )
        words = words[:-1]
        if not words:
            raise DomainError(
                f"{part!r} names no weekday (Mon, Tue, Wed, Thu, Fri, Sat, Sun)",
                field="windows",
                value=part,
            )
        days = set()
        for word in words:
            day = _DAYS.get(word[:3].lower())
            if day is None or len(word) < 3:
                raise DomainError(
                    f"{word!r} is not a weekday (Mon, Tue, Wed, Thu, Fri, Sat, Sun)",
                    field="windows",
                    value=word,
                )
            days.add(day)
        start = _time(match.group(1), match.group(2), part)
        end = _time(match.group(3), match.group(4), part)
        windows.append(Window(frozenset(days), start, end))
    return tuple(windows)


def windows_text(windows: Iterable[Window]) -> str:
    """The windows written back as ``parse_windows`` reads them."""
    return "; ".join(w.text() for w in windows)


def fitting(
    wish: Wish, starts: Sequence[datetime], duration: timedelta, tz: ZoneInfo
) -> list[datetime]:
    """The free starts (in their order) whose visit of ``duration`` fits the wish."""
    return [s for s in starts if wish.fits(s, s + duration, tz)]
