"""A series' rule: it must end, at most 52 visits, and local times survive clock changes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myomap_core.courses import course_rule, occurrences
from myomap_core.errors import DomainError

ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "America/Sao_Paulo"]


@settings(max_examples=200, deadline=None)
@given(
    first=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    zone=st.sampled_from(ZONES),
    hour=st.integers(min_value=6, max_value=21),
    minute=st.sampled_from([0, 15, 30, 45]),
    count=st.integers(min_value=1, max_value=52),
)
def test_every_visit_keeps_its_local_time_across_clock_changes(first, zone, hour, minute, count):  # type: ignore[no-untyped-def]
    tz = ZoneInfo(zone)
    starts = occurrences(f"FREQ=WEEKLY;COUNT={count}", first=first, at=time(hour, minute), tz=tz)
    assert len(starts) == count
    for n, start in enumerate(starts):
        local = start.astimezone(tz)
        assert (local.hour, local.minute) == (hour, minute)
        assert local.date() == first + timedelta(weeks=n)


def test_a_course_across_the_spring_change_keeps_nine_oclock() -> None:
    tz = ZoneInfo("Europe/London")
    starts = occurrences(
        "FREQ=WEEKLY;BYDAY=TU,FR;COUNT=8", first=date(2026, 3, 17), at=time(9), tz=tz
    )
    offsets = {s.utcoffset() for s in starts}
    assert offsets == {timedelta(0), timedelta(hours=1)}
    assert all(s.astimezone(tz).time() == time(9) for s in starts)


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY", "no end"),
        ("FREQ=WEEKLY;COUNT=53", "more than 52"),
        ("FREQ=DAILY;UNTIL=20300101T000000", "more than 52"),
        ("FREQ=SOMETIMES;COUNT=3", "not a recurrence rule"),
        ("COUNT", "NAME=VALUE"),
    ],
)
def test_a_rule_without_an_end_or_too_long_is_refused(rule: str, words: str) -> None:
    with pytest.raises(DomainError) as caught:
        occurrences(rule, first=date(2026, 1, 5), at=time(9), tz=ZoneInfo("UTC"))
    assert caught.value.field == "rrule"
    assert words in str(caught.value)


def test_a_skipped_hour_is_refused_with_its_date() -> None:
    with pytest.raises(DomainError) as caught:
        occurrences(
            "FREQ=WEEKLY;COUNT=3", first=date(2026, 3, 15), at=time(1, 30),
            tz=ZoneInfo("Europe/London"),
        )  # fmt: skip
    assert caught.value.field == "starts_at" and "29 Mar 2026" in str(caught.value)


def test_two_a_week_from_a_tuesday_is_tuesdays_and_fridays() -> None:
    assert course_rule(sessions=8, per_week=2, first=date(2026, 3, 17)) == (
        "FREQ=WEEKLY;BYDAY=TU,FR;COUNT=8"
    )
    assert datetime(2026, 3, 17).weekday() == 1
