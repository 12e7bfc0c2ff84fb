"""When an appointment's reminders are due: pure rules, no database.

A reminder is named by its offset (``before_48h``) and is due that many hours before the
start; an offset already behind ``now`` is not booked, and a start moved later books offsets
that are ahead again [ours: the issue's defaults of 48 and 24 hours].
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from myomap_core.errors import DomainError

MAX_OFFSETS = 5
MAX_OFFSET_HOURS = 336
"""Two weeks: the earliest a reminder may go out [ours]."""


def offset_rule(hours: int) -> str:
    """The rule name of a reminder ``hours`` before the start."""
    return f"before_{hours}h"


def parse_offsets(text: str) -> list[int]:
    """``"48,24"`` -> ``[48, 24]``: whole hours, longest first, without repeats.

    ``DomainError`` (field ``offsets``) for anything else, more than five, or an hour outside
    1 to 336."""
    parts = [part.strip() for part in text.split(",")]
    if not text.strip() or not all(part.isdigit() for part in parts):
        raise DomainError(
            f"offsets must be whole hours separated by commas, such as 48,24, not {text!r}",
            field="offsets",
            value=text,
        )
    hours = sorted({int(part) for part in parts}, reverse=True)
    if len(hours) > MAX_OFFSETS:
        raise DomainError(f"at most {MAX_OFFSETS} offsets", field="offsets", value=text)
    if any(not 1 <= hour <= MAX_OFFSET_HOURS for hour in hours):
        raise DomainError(
            f"each offset is 1 to {MAX_OFFSET_HOURS} hours, not {text!r}",
            field="offsets",
            value=text,
        )
    return hours


def reminders_ahead(
    starts_at: datetime, offsets: Iterable[int], now: datetime
) -> list[tuple[str, datetime]]:
    """``(rule, due_at)`` for each offset whose due time is still after ``now``, soonest first."""
    due = ((offset_rule(hours), starts_at - timedelta(hours=hours)) for hours in offsets)
    return sorted(((rule, at) for rule, at in due if at > now), key=lambda item: item[1])
