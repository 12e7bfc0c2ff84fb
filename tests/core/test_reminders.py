"""When reminders are due: each offset's reminder is due that long before the start, never in
the past, one per offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from myomap_core.errors import DomainError
from myomap_core.reminders import offset_rule, parse_offsets, reminders_ahead

moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)
offsets = st.lists(st.integers(1, 336), min_size=1, max_size=5, unique=True)
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(starts_at=moments, hours=offsets, lead=st.integers(-400 * 60, 400 * 60))
def test_reminders_are_due_ahead_of_now_at_their_offsets(starts_at, hours, lead) -> None:  # type: ignore[no-untyped-def]
    now = starts_at - timedelta(minutes=lead)
    ahead = reminders_ahead(starts_at, hours, now)
    assert [due for _, due in ahead] == sorted(due for _, due in ahead)
    assert len({rule for rule, _ in ahead}) == len(ahead)
    for rule, due in ahead:
        assert now < due < starts_at
        assert rule == offset_rule(int((starts_at - due).total_seconds() // 3600))
    kept = {int(rule[len("before_") : -1]) for rule, _ in ahead}
    assert kept == {h for h in hours if starts_at - timedelta(hours=h) > now}


@PROPERTY
@given(hours=offsets)
def test_offsets_read_back_longest_first(hours) -> None:  # type: ignore[no-untyped-def]
    text = ",".join(str(h) for h in hours)
    assert parse_offsets(text) == sorted(hours, reverse=True)


@pytest.mark.parametrize("text", ["", "48,", "two days", "0", "337", "1,2,3,4,5,6", "-24"])
def test_bad_offsets_are_refused_naming_the_field(text: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_offsets(text)
    assert refused.value.field == "offsets"
