"""Free slots: never over a booking or outside the hours; local times survive DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myomap_core.errors import DomainError
from myomap_core.slots import Interval, WeeklyHours, free_slots, overlaps, within_hours

LONDON = ZoneInfo("Europe/London")
NINE_TO_FIVE = [WeeklyHours(d, time(9), time(17)) for d in range(5)]


def test_an_empty_monday_offers_every_quarter_hour_that_fits():
    slots = free_slots(
        hours=NINE_TO_FIVE,
        busy=[],
        tz=LONDON,
        first_day=date(2026, 3, 9),
        days=1,
        duration=timedelta(minutes=60),
    )
    assert slots[0] == datetime(2026, 3, 9, 9, 0, tzinfo=LONDON)
    assert slots[-1] == datetime(2026, 3, 9, 16, 0, tzinfo=LONDON)
    assert len(slots) == 29


def test_a_booking_and_its_buffer_are_kept_clear():
    booked = Interval(
        datetime(2026, 3, 9, 10, 0, tzinfo=LONDON), datetime(2026, 3, 9, 11, 0, tzinfo=LONDON)
    )
    slots = free_slots(
        hours=NINE_TO_FIVE,
        busy=[booked],
        tz=LONDON,
        first_day=date(2026, 3, 9),
        days=1,
        duration=timedelta(minutes=60),
        buffer=timedelta(minutes=15),
    )
    local = [s.astimezone(LONDON).time() for s in slots]
    assert time(9, 0) not in local  # would end 10:00, inside the buffer before the booking
    assert time(8, 45) not in local
    assert time(11, 15) in local and time(11, 0) not in local


def test_the_weekend_and_a_block_have_no_slots():
    block = Interval(
        datetime(2026, 3, 9, 0, 0, tzinfo=LONDON), datetime(2026, 3, 10, 0, 0, tzinfo=LONDON)
    )
    slots = free_slots(
        hours=NINE_TO_FIVE,
        busy=[block],
        tz=LONDON,
        first_day=date(2026, 3, 7),  # Saturday
        days=3,
        duration=timedelta(minutes=30),
    )
    assert slots == []


def test_nine_o_clock_stays_nine_o_clock_across_the_spring_change():
    slots = free_slots(
        hours=[WeeklyHours(d, time(9), time(10)) for d in range(7)],
        busy=[],
        tz=LONDON,
        first_day=date(2026, 3, 28),  # clocks go forward on Sunday 29 March 2026
        days=3,
        duration=timedelta(minutes=60),
    )
    assert [s.astimezone(LONDON).time() for s in slots] == [time(9)] * 3
    assert [s.astimezone(UTC).hour for s in slots] == [9, 8, 8]


def test_a_time_skipped_by_the_clock_change_is_never_offered():
    slots = free_slots(
        hours=[WeeklyHours(6, time(0, 30), time(3, 30))],
        busy=[],
        tz=LONDON,
        first_day=date(2026, 3, 29),
        days=1,
        duration=timedelta(minutes=15),
        step=timedelta(minutes=15),
    )
    local = [s.astimezone(LONDON).time() for s in slots]
    assert time(1, 30) not in local and time(1, 0) not in local
    assert time(0, 30) in local and time(2, 0) in local


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"duration": timedelta(0)}, "duration"),
        ({"step": timedelta(0)}, "step"),
        ({"days": 0}, "days"),
        ({"days": 400}, "days"),
    ],
)
def test_bad_search_parameters_name_their_field(kwargs, field):  # type: ignore[no-untyped-def]
    arguments = {
        "hours": NINE_TO_FIVE,
        "busy": [],
        "tz": LONDON,
        "first_day": date(2026, 3, 9),
        "days": 1,
        "duration": timedelta(minutes=60),
        **kwargs,
    }
    with pytest.raises(DomainError) as caught:
        free_slots(**arguments)
    assert caught.value.field == field


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(DomainError) as caught:
        WeeklyHours(0, time(17), time(9))
    assert caught.value.field == "end"


ZONES = st.sampled_from(["Europe/London", "Europe/Berlin", "America/New_York", "Australia/Sydney"])


@st.composite
def schedules(draw):  # type: ignore[no-untyped-def]
    tz = ZoneInfo(draw(ZONES))
    first = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 1)))
    hours = []
    for weekday in draw(st.sets(st.integers(0, 6), min_size=1, max_size=7)):
        start = draw(st.integers(6 * 4, 12 * 4))
        length = draw(st.integers(4, 10 * 4))
        hours.append(
            WeeklyHours(
                weekday,
                time(start // 4, start % 4 * 15),
                time(min(23, (start + length) // 4), (start + length) % 4 * 15)
                if (start + length) // 4 < 24
                else time(23, 45),
            )
        )
    busy = []
    for _ in range(draw(st.integers(0, 12))):
        offset = draw(st.integers(0, 14 * 24 * 4))
        length = draw(st.integers(1, 12))
        begin = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC) + timedelta(
            minutes=15 * offset
        )
        busy.append(Interval(begin, begin + timedelta(minutes=15 * length)))
    duration = timedelta(minutes=draw(st.sampled_from([30, 60, 90])))
    buffer = timedelta(minutes=draw(st.sampled_from([0, 10, 15])))
    return tz, first, hours, busy, duration, buffer


@settings(max_examples=150, deadline=None)
@given(schedules())
def test_no_slot_overlaps_a_booking_or_leaves_the_hours(schedule):  # type: ignore[no-untyped-def]
    tz, first, hours, busy, duration, buffer = schedule
    slots = free_slots(
        hours=hours, busy=busy, tz=tz, first_day=first, days=14, duration=duration, buffer=buffer
    )
    for start in slots:
        end = start + duration
        assert within_hours(start, end, hours, tz)
        for b in busy:
            assert not overlaps(start - buffer, end + buffer, b.start, b.end)
    assert slots == sorted(slots)


@settings(max_examples=100, deadline=None)
@given(ZONES, st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)))
def test_the_local_start_survives_any_clock_change(zone, first):  # type: ignore[no-untyped-def]
    tz = ZoneInfo(zone)
    slots = free_slots(
        hours=[WeeklyHours(d, time(9), time(10)) for d in range(7)],
        busy=[],
        tz=tz,
        first_day=first,
        days=60,
        duration=timedelta(minutes=60),
    )
    assert len(slots) == 60
    assert {s.astimezone(tz).time() for s in slots} == {time(9)}
