"""Change from baseline and the status against the 3-5-session promise."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from myomap_core.errors import DomainError
from myomap_core.progress import (
    FLAG_ALERT,
    FLAG_REVIEW,
    Measurement,
    Status,
    change,
    progress_status,
)

# --------------------------------------------------------------------------- change


def test_nprs_two_points_or_30_percent_is_important() -> None:
    assert change("nprs", 7, 5).important  # 2 points, 28.6 %
    assert change("nprs", 3, 2).important  # 1 point, 33 %
    assert not change("nprs", 8, 7).important  # 1 point, 12.5 %
    result = change("nprs", 7, 5)
    assert result.by_points and not result.by_percent and result.points == 2


@pytest.mark.parametrize(
    ("baseline", "now", "level"),
    [
        (10, 10, "none"),
        (10, 9.5, "none"),
        (10, 9, "minimal"),
        (10, 8, "minimal"),
        (10, 7, "moderate"),
        (10, 6, "moderate"),
        (10, 5, "substantial"),
        (8, 0, "substantial"),
    ],
)
def test_nprs_immpact_levels(baseline: float, now: float, level: str) -> None:
    assert change("nprs", baseline, now).level == level


def test_percent_is_undefined_at_baseline_0() -> None:
    result = change("nprs", 0, 3)
    assert result.percent is None and result.worse and "undefined" in result.explanation
    assert change("psfs", 0, 4).percent is None


def test_odi_10_points_or_30_percent() -> None:
    assert change("odi", 40, 30).important  # 10 points, 25 %
    assert change("odi", 20, 14).important  # 6 points, 30 %
    assert not change("odi", 40, 31).important
    assert change("odi", 40, 28).percent == pytest.approx(30)


def test_rmdq_reports_both_criteria_when_they_disagree() -> None:
    result = change("rmdq", 10, 6)  # 4 points, 40 %
    assert result.important and result.by_percent and not result.by_points
    assert "meets the percent criterion but not the points one" in result.explanation
    result = change("rmdq", 20, 15)  # 5 points, 25 %
    assert result.by_points and not result.by_percent
    assert "meets the points criterion but not the percent one" in result.explanation


def test_rmdq_improvement_below_baseline_4_is_not_reliably_detectable() -> None:
    result = change("rmdq", 3, 2)
    assert result.by_percent and not result.reliable and not result.improved
    assert result.caveat is not None and "Stratford" in result.caveat
    assert change("rmdq", 4, 2).reliable


def test_rmdq_deterioration_above_baseline_20_is_not_reliably_detectable() -> None:
    result = change("rmdq", 21, 24)
    assert not result.reliable and result.caveat and not result.worse
    assert change("rmdq", 20, 24).reliable


def test_psfs_is_higher_is_better_with_mdc_and_mid_levels() -> None:
    result = change("psfs", 3, 5)
    assert result.points == 2 and result.important and result.level == "small"
    assert change("psfs", 3, 4.9).important is False
    assert change("psfs", 3, 5.3).level == "medium"
    assert change("psfs", 3, 5.7).level == "large"
    assert not change("psfs", 3, 5.5, activity=True).important
    assert change("psfs", 3, 6, activity=True).important
    assert change("psfs", 6, 3).worse


def test_worsening_is_an_important_change_in_the_wrong_direction() -> None:
    worse = change("odi", 20, 35)
    assert worse.worse and worse.points == -15 and not worse.improved
    # [ours] deterioration is judged on points: 1 -> 2 is 100 % but 1 point.
    assert not change("nprs", 1, 2).worse


def test_startback_has_no_change_and_values_must_be_in_range() -> None:
    with pytest.raises(DomainError, match="screening"):
        change("startback", 5, 2)
    with pytest.raises(DomainError) as caught:
        change("nprs", 7, 11)
    assert caught.value.field == "now"


@given(
    st.sampled_from([("nprs", 10), ("odi", 100), ("rmdq", 24), ("psfs", 10)]),
    st.integers(0, 1000),
    st.integers(0, 1000),
)
def test_change_is_antisymmetric_in_points(pick: tuple[str, int], a: int, b: int) -> None:
    name, top = pick
    first, second = a % (top + 1), b % (top + 1)
    there, back = change(name, first, second), change(name, second, first)
    assert there.points == -back.points
    assert there.by_points == back.by_points
    if there.by_points and there.points > 0 and there.reliable and back.reliable:
        assert there.improved and back.worse
    assert not (there.worse and back.worse)


# --------------------------------------------------------------------------- status

DAY = date(2025, 3, 3)


def m(instrument: str, value: float, session: int) -> Measurement:
    return Measurement(instrument, value, session, DAY + timedelta(weeks=session))  # type: ignore[arg-type]


def test_only_a_baseline_is_baseline() -> None:
    result = progress_status([m("nprs", 7, 0), m("odi", 40, 0)])
    assert result.status == Status.BASELINE and result.changes == ()
    assert "NPRS 7" in result.explanation
    assert progress_status([]).status == Status.BASELINE


def test_important_improvement_by_session_3_is_on_track() -> None:
    result = progress_status([m("nprs", 7, 0), m("nprs", 6, 1), m("nprs", 4, 3)])
    assert result.status == Status.ON_TRACK and result.flag is None
    assert result.sessions == 3 and "7 → 4" in result.explanation


def test_no_important_improvement_before_session_5_is_not_yet_improved() -> None:
    result = progress_status([m("nprs", 7, 0), m("nprs", 6, 3)])
    assert result.status == Status.NOT_YET_IMPROVED and result.flag is None


def test_no_important_improvement_by_session_5_flags_review_or_refer() -> None:
    result = progress_status([m("nprs", 7, 0), m("nprs", 6, 3), m("odi", 40, 0), m("odi", 36, 5)])
    assert result.status == Status.NOT_IMPROVING and result.flag == FLAG_REVIEW
    assert "review the plan or refer" in result.explanation


def test_an_important_change_in_the_wrong_direction_alerts() -> None:
    result = progress_status([m("nprs", 4, 0), m("nprs", 3, 1), m("odi", 30, 0), m("odi", 42, 2)])
    assert result.status == Status.WORSENING and result.flag == FLAG_ALERT


def test_sustained_important_improvement_is_ready_for_maintenance() -> None:
    rows = [m("nprs", 8, 0), m("nprs", 5, 3), m("nprs", 4, 4), m("odi", 44, 0), m("odi", 30, 4)]
    result = progress_status(rows)
    assert result.status == Status.READY_FOR_MAINTENANCE
    assert result.reassess_in_weeks == 4 and "reassess in 4 weeks" in result.explanation


def test_one_important_measurement_is_not_yet_sustained() -> None:
    rows = [m("nprs", 8, 0), m("nprs", 7, 3), m("nprs", 4, 4)]
    assert progress_status(rows).status == Status.ON_TRACK


def test_important_improvement_after_session_5_is_improving() -> None:
    rows = [m("nprs", 8, 0), m("nprs", 7, 5), m("nprs", 5, 6)]
    assert progress_status(rows).status == Status.IMPROVING


def test_an_unreliable_rmdq_improvement_is_not_counted() -> None:
    rows = [m("rmdq", 3, 0), m("rmdq", 1, 5)]
    result = progress_status(rows)
    assert result.status == Status.NOT_IMPROVING and "Stratford" in result.explanation


def test_startback_takes_no_part_in_the_status() -> None:
    rows = [m("startback", 6, 0), m("startback", 2, 4)]
    assert progress_status(rows).status == Status.BASELINE


def test_measurements_validate_themselves() -> None:
    with pytest.raises(DomainError) as caught:
        Measurement("odi", 120, 1, DAY)  # type: ignore[arg-type]
    assert caught.value.field == "value"
    with pytest.raises(DomainError) as caught:
        Measurement("nprs", 5, -1, DAY)  # type: ignore[arg-type]
    assert caught.value.field == "session"
