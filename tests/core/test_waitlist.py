"""The waitlist's wishes: windows read from words, and every proposed fit lies inside the
wish and inside a real free slot of the therapist."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myomap_core.errors import DomainError
from myomap_core.slots import Interval, WeeklyHours, free_slots, overlaps, within_hours
from myomap_core.waitlist import Window, Wish, fitting, parse_windows, windows_text

LONDON = ZoneInfo("Europe/London")


def test_windows_are_read_from_words_and_written_back():
    windows = parse_windows("mon, Wed 08:00 - 12:00; Friday 13:00-17:30")
    assert windows == (
        Window(frozenset({0, 2}), time(8), time(12)),
        Window(frozenset({4}), time(13), time(17, 30)),
    )
    assert windows_text(windows) == "Mon Wed 08:00-12:00; Fri 13:00-17:30"
    assert parse_windows(windows_text(windows)) == windows


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("", "at least one window"),
        ("Mon", "'Mon' does not end with a time range"),
        ("08:00-12:00", "names no weekday"),
        ("Someday 08:00-12:00", "'Someday' is not a weekday"),
        ("Mon 12:00-08:00", "12:00-08:00 ends before it starts"),
        ("Mon 25:00-26:00", "is not a time range"),
    ],
)
def test_unreadable_windows_are_refused_naming_the_value(text, names):
    with pytest.raises(DomainError) as caught:
        parse_windows(text)
    assert caught.value.field == "windows" and names in caught.value.message


def test_a_last_day_before_the_first_is_refused():
    with pytest.raises(DomainError) as caught:
        Wish(parse_windows("Mon 08:00-12:00"), date(2026, 3, 9), date(2026, 3, 1))
    assert caught.value.field == "last_day"


def test_a_slot_fits_only_inside_a_window_on_its_weekday_and_within_the_dates():
    wish = Wish(parse_windows("Mon 09:00-12:00"), date(2026, 3, 9), date(2026, 3, 16))
    hour = timedelta(hours=1)
    monday_ten = datetime(2026, 3, 9, 10, tzinfo=LONDON)
    assert wish.fits(monday_ten, monday_ten + hour, LONDON)
    assert not wish.fits(monday_ten + timedelta(hours=2), monday_ten + 3 * hour, LONDON)
    assert not wish.fits(
        monday_ten + timedelta(days=1), monday_ten + timedelta(days=1) + hour, LONDON
    )
    assert not wish.fits(
        monday_ten + timedelta(days=14), monday_ten + timedelta(days=14) + hour, LONDON
    )
    assert not wish.fits(
        monday_ten - timedelta(days=7), monday_ten - timedelta(days=7) + hour, LONDON
    )


quarter = st.integers(min_value=0, max_value=95).map(lambda q: time(q // 4, q % 4 * 15))


@st.composite
def window_of(draw: st.DrawFn) -> tuple[set[int], time, time]:
    days = draw(st.sets(st.integers(0, 6), min_size=1, max_size=7))
    start = draw(quarter.filter(lambda t: t < time(23, 45)))
    end = draw(quarter.filter(lambda t: t > start))
    return days, start, end


@given(
    hours=st.lists(window_of(), min_size=1, max_size=4),
    wanted=st.lists(window_of(), min_size=1, max_size=3),
    busy_starts=st.lists(st.integers(0, 14 * 24 * 4), max_size=12),
    first_offset=st.integers(0, 10),
    span=st.none() | st.integers(0, 14),
    minutes=st.sampled_from([30, 60, 90]),
)
@settings(max_examples=150, deadline=None)
def test_every_proposed_fit_is_inside_the_wish_and_a_real_free_slot(
    hours, wanted, busy_starts, first_offset, span, minutes
):
    monday = date(2026, 3, 23)  # the week London's clocks go forward
    weekly = [WeeklyHours(d, s, e) for days, s, e in hours for d in days]
    base = datetime(2026, 3, 23, tzinfo=LONDON)
    busy = [
        Interval(base + timedelta(minutes=15 * q), base + timedelta(minutes=15 * q + 60))
        for q in busy_starts
    ]
    first_day = monday + timedelta(days=first_offset)
    last_day = None if span is None else first_day + timedelta(days=span)
    wish = Wish(tuple(Window(frozenset(days), s, e) for days, s, e in wanted), first_day, last_day)
    length = timedelta(minutes=minutes)
    free = free_slots(
        hours=weekly, busy=busy, tz=LONDON, first_day=monday, days=14, duration=length
    )
    proposed = fitting(wish, free, length, LONDON)
    assert set(proposed) <= set(free)
    for start in proposed:
        local = start.astimezone(LONDON)
        assert first_day <= local.date() and (last_day is None or local.date() <= last_day)
        assert any(
            local.weekday() in w.weekdays
            and w.start <= local.time()
            and (local + length).time() <= w.end
            for w in wish.windows
        )
        assert within_hours(start, start + length, weekly, LONDON)
        assert not any(overlaps(start, start + length, b.start, b.end) for b in busy)
    # nothing that fits is left out
    assert [s for s in free if wish.fits(s, s + length, LONDON)] == proposed
