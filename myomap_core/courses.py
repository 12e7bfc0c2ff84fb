"""A course of visits as an RFC 5545 recurrence rule, expanded into local start times.

The rule is read with python-dateutil from a naive local start, and each occurrence then
takes the clinic's time zone, so a course booked at 09:00 stays at 09:00 local time on both
sides of a daylight-saving change. A rule must end (``COUNT`` or ``UNTIL``) and yield at most
``MAX_OCCURRENCES`` visits; a local time that a spring-forward night skips is refused with
its date, never moved silently.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from myomap_core.errors import DomainError

MAX_OCCURRENCES = 52
"""A series books at most a year of weekly visits at once [ours: issue 14's limit]."""

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _parts(text: str) -> dict[str, str]:
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    parts: dict[str, str] = {}
    for piece in body.split(";"):
        name, sep, value = piece.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise DomainError(f"{text!r}: {piece!r} is not NAME=VALUE", field="rrule")
        parts[name.strip().upper()] = value.strip()
    return parts


def _exists(local: datetime) -> bool:
    """False for a wall-clock time skipped by a spring-forward change."""
    before, after = local.utcoffset(), local.replace(fold=1).utcoffset()
    return before is None or after is None or before >= after


def occurrences(text: str, *, first: date, at: time, tz: ZoneInfo) -> list[datetime]:
    """The aware local starts of the rule ``text`` from ``first`` at ``at`` in ``tz``.

    Refused (``DomainError`` naming ``rrule``) when the rule cannot be read, has no end or
    yields more than ``MAX_OCCURRENCES`` visits; naming ``starts_at`` when a start falls in
    a skipped hour.
    """
    if len(text) > 500:
        raise DomainError("the rule is longer than 500 characters", field="rrule")
    parts = _parts(text)
    if "DTSTART" in parts:
        raise DomainError("the rule takes its start from the form, not DTSTART", field="rrule")
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise DomainError(
            f"{text!r} has no end: give COUNT (at most {MAX_OCCURRENCES}) or UNTIL", field="rrule"
        )
    if "COUNT" in parts and (not parts["COUNT"].isdigit() or int(parts["COUNT"]) < 1):
        raise DomainError(f"COUNT={parts['COUNT']!r} is not a number from 1", field="rrule")
    if "COUNT" in parts and int(parts["COUNT"]) > MAX_OCCURRENCES:
        raise DomainError(
            f"COUNT={parts['COUNT']} is more than {MAX_OCCURRENCES} occurrences", field="rrule"
        )
    start = datetime.combine(first, at)
    try:
        rule = rrulestr(text.strip(), dtstart=start)
        found = list(islice(iter(rule), MAX_OCCURRENCES + 1))
    except (ValueError, TypeError, OverflowError) as exc:
        raise DomainError(f"{text!r} is not a recurrence rule: {exc}", field="rrule") from None
    if not isinstance(rule, rrule):
        raise DomainError(f"{text!r} is not one recurrence rule", field="rrule")
    if len(found) > MAX_OCCURRENCES:
        raise DomainError(f"{text!r} gives more than {MAX_OCCURRENCES} occurrences", field="rrule")
    if not found:
        raise DomainError(f"{text!r} gives no occurrence from {first.isoformat()}", field="rrule")
    starts = []
    for naive in found:
        local = naive.replace(tzinfo=tz)
        if not _exists(local):
            raise DomainError(
                f"{naive:%a %d %b %Y %H:%M} does not exist (the clocks change that night)",
                field="starts_at",
            )
        starts.append(local)
    return starts


def course_rule(*, sessions: int, per_week: int, first: date) -> str:
    """The rule of a course of ``sessions`` visits, ``per_week`` a week, spread over the week
    from ``first``'s weekday (2 a week on a Tuesday: Tuesdays and Fridays)."""
    if not 1 <= sessions <= MAX_OCCURRENCES:
        raise DomainError(f"{sessions} sessions: from 1 to {MAX_OCCURRENCES}", field="sessions")
    if not 1 <= per_week <= 7:
        raise DomainError(f"{per_week} a week: from 1 to 7", field="per_week")
    days = sorted({(first.weekday() + i * 7 // per_week) % 7 for i in range(per_week)})
    byday = ",".join(DAY_CODES[d] for d in days)
    return f"FREQ=WEEKLY;BYDAY={byday};COUNT={sessions}"


def maintenance_rule(*, every_weeks: int, visits: int = 3) -> str:
    """The rule of ``visits`` maintenance visits, one every ``every_weeks`` weeks."""
    if not 1 <= every_weeks <= 52:
        raise DomainError(f"every {every_weeks} weeks: from 1 to 52", field="every_weeks")
    return f"FREQ=WEEKLY;INTERVAL={every_weeks};COUNT={visits}"


def recall_day(*, today: date, weeks: int) -> date:
    """The day a reassessment ``weeks`` from ``today`` falls on."""
    return today + timedelta(weeks=weeks)
