"""Working-hour spans: several a day, never two at once."""

from __future__ import annotations

from datetime import time

from hypothesis import given
from hypothesis import strategies as st

from myomap_core.hours import first_clash, spans_overlap
from myomap_core.slots import WeeklyHours


@st.composite
def spans(draw: st.DrawFn) -> WeeklyHours:
    start = draw(st.integers(0, 23 * 4 - 1))
    end = draw(st.integers(start + 1, 24 * 4 - 1))
    weekday = draw(st.integers(0, 6))
    return WeeklyHours(weekday, time(start // 4, start % 4 * 15), time(end // 4, end % 4 * 15))


def test_a_split_day_is_allowed_and_touching_spans_do_not_clash() -> None:
    morning = WeeklyHours(0, time(9), time(13))
    assert first_clash(WeeklyHours(0, time(14), time(18)), [morning]) is None
    assert first_clash(WeeklyHours(0, time(13), time(18)), [morning]) is None
    assert first_clash(WeeklyHours(1, time(10), time(12)), [morning]) is None
    assert first_clash(WeeklyHours(0, time(12, 30), time(14)), [morning]) == morning


@given(spans(), spans())
def test_overlap_is_symmetric_and_means_a_shared_minute(a: WeeklyHours, b: WeeklyHours) -> None:
    assert spans_overlap(a, b) == spans_overlap(b, a)
    minutes = {(a.weekday, m) for m in range(_m(a.start), _m(a.end))}
    shared = any((b.weekday, m) in minutes for m in range(_m(b.start), _m(b.end)))
    assert spans_overlap(a, b) == shared


@given(st.lists(spans(), max_size=12))
def test_spans_admitted_one_by_one_never_overlap(candidates: list[WeeklyHours]) -> None:
    week: list[WeeklyHours] = []
    for span in candidates:
        if first_clash(span, week) is None:
            week.append(span)
    assert not any(spans_overlap(a, b) for i, a in enumerate(week) for b in week[i + 1 :])
    for span in candidates:
        assert span in week or first_clash(span, week) is not None


def _m(t: time) -> int:
    return t.hour * 60 + t.minute
