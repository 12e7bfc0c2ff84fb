"""Oswestry Disability Index 2.1a scoring (CLINICAL.md §2)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from myomap_core.outcomes import IncompleteError, OutcomeInputError, parse_cli_answers, score
from myomap_core.outcomes.odi import SECTIONS, band


def answers(*values: int | None) -> dict[str, object]:
    return dict(zip(SECTIONS, values, strict=True))


def test_all_ten_sections_16_of_50_is_32_percent() -> None:
    result = score("odi", answers(2, 2, 2, 2, 2, 2, 1, 1, 1, 1))
    assert result.value == 32.0 and result.display == "32.0"
    assert result.band == "moderate" and result.answered == 10 and result.skipped == ()


def test_one_skipped_section_16_of_45_is_35_56_shown_35_6() -> None:
    result = score("odi", answers(2, 2, None, 2, 2, 2, 2, 2, 1, 1))
    assert result.value == pytest.approx(35.5555555, abs=1e-6)
    assert result.display == "35.6"
    assert result.answered == 9 and result.skipped == ("lifting",)
    assert result.as_json() == {
        "instrument": "odi",
        "score": 35.56,
        "display": "35.6",
        "band": "moderate",
        "band_label": "Moderate disability",
        "answered": 9,
        "skipped": ["lifting"],
        "subscores": {},
    }


def test_a_missing_key_is_the_same_as_a_skipped_section() -> None:
    given_ = answers(2, 2, None, 2, 2, 2, 2, 2, 1, 1)
    del given_["lifting"]
    assert (
        score("odi", given_).value == score("odi", answers(2, 2, None, 2, 2, 2, 2, 2, 1, 1)).value
    )


def test_two_skipped_sections_are_accepted_three_are_incomplete() -> None:
    assert score("odi", answers(None, None, 2, 2, 2, 2, 2, 2, 2, 2)).value == 40.0
    with pytest.raises(IncompleteError) as caught:
        score("odi", answers(None, None, None, 2, 2, 2, 2, 2, 2, 2))
    assert "3 of 10 sections were skipped" in str(caught.value)
    assert "at most 2" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "minimal"),
        (20, "minimal"),
        (20.1, "moderate"),
        (40, "moderate"),
        (40.1, "severe"),
        (60, "severe"),
        (60.1, "crippled"),
        (80, "crippled"),
        (80.1, "bed_bound"),
        (100, "bed_bound"),
    ],
)
def test_fairbank_bands_at_their_boundaries(value: float, expected: str) -> None:
    assert band(value)[0] == expected


def test_exactly_20_percent_with_a_skipped_section_is_minimal() -> None:
    # 9 / 45 = 20 % exactly; a float sum would land a hair above 20.
    result = score("odi", answers(1, 1, 1, 1, 1, 1, 1, 1, 1, None))
    assert result.value == 20.0 and result.band == "minimal" and result.display == "20.0"
    result = score("odi", answers(4, 4, 4, 4, 4, 4, 4, 4, 4, None))
    assert result.value == 80.0 and result.band == "crippled"


def test_two_statements_in_one_section_score_the_higher() -> None:
    result = score("odi", answers([1, 3], 2, 2, 2, 2, 2, 2, 2, 2, 2))  # type: ignore[arg-type]
    assert result.value == score("odi", answers(3, 2, 2, 2, 2, 2, 2, 2, 2, 2)).value
    assert parse_cli_answers("odi", "1+3,2,2,2,2,2,2,2,2,2")["pain_intensity"] == [1, 3]


def test_an_answer_outside_0_to_5_names_the_section_and_the_allowed_values() -> None:
    with pytest.raises(OutcomeInputError) as caught:
        score("odi", answers(2, 6, 2, 2, 2, 2, 2, 2, 2, 2))
    assert caught.value.field == "personal_care"
    assert "0 to 5" in str(caught.value)
    with pytest.raises(OutcomeInputError) as caught:
        score("odi", {"lifting": 2, "driving": 3})
    assert caught.value.field == "driving"


def test_cli_answers_name_the_position() -> None:
    assert parse_cli_answers("odi", "3,2,-,1,2,1,2,2,2,1")["lifting"] is None
    with pytest.raises(OutcomeInputError) as caught:
        parse_cli_answers("odi", "3,2,9,1,2,1,2,2,2,1")
    assert caught.value.field == "answer 3 (lifting)"
    assert "- for a skipped section" in str(caught.value)
    with pytest.raises(OutcomeInputError, match="give 10"):
        parse_cli_answers("odi", "3,2,1")


def _skip(values: list[int], gaps: set[int]) -> list[int | None]:
    return [None if i in gaps else v for i, v in enumerate(values)]


forms = st.builds(
    _skip,
    st.lists(st.integers(0, 5), min_size=10, max_size=10),
    st.sets(st.integers(0, 9), max_size=2),
)


@given(forms)
def test_the_score_stays_between_0_and_100_and_matches_the_rule(values: list[int | None]) -> None:
    result = score("odi", answers(*values))
    given_ = [v for v in values if v is not None]
    assert 0 <= result.value <= 100
    assert result.value == pytest.approx(100 * sum(given_) / (5 * len(given_)))
    assert result.answered == len(given_)


@given(forms, st.integers(0, 9))
def test_skipping_a_section_removes_it_and_never_counts_as_0(
    values: list[int | None], index: int
) -> None:
    if values[index] is None or values.count(None) == 2:
        return
    skipped = list(values)
    skipped[index] = None
    kept = [v for v in skipped if v is not None]
    assert score("odi", answers(*skipped)).value == pytest.approx(
        float(Fraction(100 * sum(kept), 5 * len(kept)))
    )
    as_zero = list(values)
    as_zero[index] = 0
    if values[index] != 0 and sum(kept) > 0:
        assert score("odi", answers(*skipped)).value != score("odi", answers(*as_zero)).value


@given(forms, st.integers(0, 9))
def test_more_disability_never_lowers_the_score(values: list[int | None], index: int) -> None:
    current = values[index]
    if current is None or current == 5:
        return
    raised = list(values)
    raised[index] = current + 1
    assert score("odi", answers(*raised)).value > score("odi", answers(*values)).value


@given(forms)
def test_the_display_is_the_exact_value_rounded_half_up(values: list[int | None]) -> None:
    result = score("odi", answers(*values))
    shown = float(result.display)
    assert abs(shown - result.value) <= 0.05 + 1e-9
    assert len(result.display.split(".")[1]) == 1
