"""Weekly working-hour spans: one therapist may not be in two places at once.

A therapist's week is a set of spans (weekday, start, end) in local wall-clock time; several
spans a day are allowed (09:00–13:00 and 14:00–18:00) as long as no two on the same weekday
overlap, whatever location each is at. Touching spans (13:00–14:00 after 09:00–13:00) do not
overlap.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from myomap_core.slots import WeeklyHours

S = TypeVar("S", bound=WeeklyHours)


def spans_overlap(a: WeeklyHours, b: WeeklyHours) -> bool:
    """Whether two spans share a minute on the same weekday."""
    return a.weekday == b.weekday and a.start < b.end and b.start < a.end


def first_clash(new: WeeklyHours, existing: Iterable[S]) -> S | None:
    """The earliest existing span that ``new`` overlaps, or None."""
    clashes = sorted((s for s in existing if spans_overlap(new, s)), key=lambda s: s.start)
    return clashes[0] if clashes else None
