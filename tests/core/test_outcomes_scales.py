"""NPRS, RMDQ, STarT Back and PSFS scoring (CLINICAL.md §1, §3-5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from myomap_core.outcomes import IncompleteError, OutcomeInputError, parse_cli_answers, score
from myomap_core.outcomes.startback import risk

# --------------------------------------------------------------------------- NPRS


@pytest.mark.parametrize("value", [0, 7, 10])
def test_nprs_is_the_rating_itself(value: int) -> None:
    result = score("nprs", {"pain": value})
    assert result.value == value and result.display == str(value)


@pytest.mark.parametrize("bad", [11, -1, 6.5, "seven", True])
def test_nprs_refuses_anything_but_a_whole_number_0_to_10(bad: object) -> None:
    with pytest.raises(OutcomeInputError) as caught:
        score("nprs", {"pain": bad})
    assert caught.value.field == "pain" and "0 to 10" in str(caught.value)


def test_a_missing_nprs_rating_is_incomplete_not_0() -> None:
    with pytest.raises(IncompleteError):
        score("nprs", {})


# --------------------------------------------------------------------------- RMDQ


def test_rmdq_counts_the_ticked_statements_and_blank_is_not_ticked() -> None:
    result = score("rmdq", {"q1": True, "q4": "yes", "q7": 1, "q8": False, "q9": None})
    assert result.value == 3 and result.answered == 24 and result.skipped == ()
    assert score("rmdq", {}).value == 0
    assert score("rmdq", {f"q{n}": True for n in range(1, 25)}).value == 24


def test_rmdq_cli_takes_the_ticked_numbers() -> None:
    assert parse_cli_answers("rmdq", "1,4,7") == {"q1": True, "q4": True, "q7": True}
    assert parse_cli_answers("rmdq", "") == {}
    with pytest.raises(OutcomeInputError) as caught:
        parse_cli_answers("rmdq", "1,25")
    assert caught.value.field == "answer 2" and "1 to 24" in str(caught.value)


@given(st.sets(st.integers(1, 24)))
def test_rmdq_stays_between_0_and_24(ticks: set[int]) -> None:
    result = score("rmdq", {f"q{n}": True for n in ticks})
    assert result.value == len(ticks) and 0 <= result.value <= 24


# --------------------------------------------------------------------------- STarT Back


def sbt(*values: int) -> dict[str, object]:
    return {f"q{n}": v for n, v in enumerate(values, start=1)}


def test_startback_q9_counts_only_very_much_and_extremely() -> None:
    base = (0, 0, 0, 0, 0, 0, 0, 0)
    assert [score("startback", sbt(*base, q9)).value for q9 in range(5)] == [0, 0, 0, 1, 1]


def test_startback_distress_subscale_is_q5_to_q9() -> None:
    result = score("startback", sbt(1, 1, 1, 1, 0, 0, 0, 0, 4))
    assert result.value == 5 and result.subscores["distress"] == 1
    result = score("startback", sbt(0, 0, 0, 0, 1, 1, 1, 1, 3))
    assert result.value == 5 and result.subscores["distress"] == 5


@pytest.mark.parametrize(
    ("values", "total", "distress", "expected"),
    [
        ((1, 1, 1, 0, 0, 0, 0, 0, 0), 3, 0, "low"),
        ((0, 0, 0, 0, 1, 1, 1, 0, 0), 3, 3, "low"),
        ((1, 1, 1, 1, 0, 0, 0, 0, 0), 4, 0, "medium"),
        ((1, 0, 0, 0, 1, 1, 1, 0, 2), 4, 3, "medium"),
        ((0, 0, 0, 0, 1, 1, 1, 1, 0), 4, 4, "high"),
        ((1, 1, 1, 1, 1, 1, 1, 1, 4), 9, 5, "high"),
        ((1, 1, 1, 1, 1, 1, 1, 0, 1), 7, 3, "medium"),
    ],
)
def test_startback_risk_boundaries(
    values: tuple[int, ...], total: int, distress: int, expected: str
) -> None:
    result = score("startback", sbt(*values))
    assert (result.value, result.subscores["distress"], result.band) == (total, distress, expected)
    data = result.as_json()
    assert (data["total"], data["distress"], data["risk"]) == (total, distress, expected)


@given(st.lists(st.integers(0, 1), min_size=8, max_size=8), st.integers(0, 4))
def test_startback_stays_in_range_and_follows_the_published_rule(first: list[int], q9: int) -> None:
    result = score("startback", sbt(*first, q9))
    total, distress = result.value, result.subscores["distress"]
    assert 0 <= distress <= 5 and distress <= total <= 9
    assert result.band == risk(int(total), int(distress))
    if total <= 3:
        assert result.band == "low"
    elif distress >= 4:
        assert result.band == "high"
    else:
        assert result.band == "medium"


def test_a_skipped_startback_item_is_incomplete_not_0() -> None:
    values = sbt(1, 1, 1, 1, 1, 1, 1, 1, 4)
    values["q6"] = None
    with pytest.raises(IncompleteError, match="q6"):
        score("startback", values)


def test_startback_cli_names_the_question_and_its_options() -> None:
    assert parse_cli_answers("startback", "1,0,1,1,0,0,1,0,3")["q9"] == 3
    with pytest.raises(OutcomeInputError) as caught:
        parse_cli_answers("startback", "1,0,2,1,0,0,1,0,3")
    assert caught.value.field == "answer 3 (Q3)"
    assert "0 = Disagree, 1 = Agree" in str(caught.value)


# --------------------------------------------------------------------------- PSFS


def test_psfs_is_the_mean_rating_shown_to_one_decimal() -> None:
    result = score("psfs", {"activity_1": 4, "activity_2": 6, "activity_3": 9})
    assert result.value == pytest.approx(19 / 3) and result.display == "6.3"
    assert result.subscores == {"activity_1": 4, "activity_2": 6, "activity_3": 9}
    assert result.answered == 3 and result.skipped == ("activity_4", "activity_5")


def test_psfs_accepts_the_activity_with_its_rating_and_ignores_unrated_ones() -> None:
    result = score(
        "psfs",
        {
            "activity_1": {"activity": "Putting on socks", "rating": 3},
            "activity_2": {"activity": "Gardening", "rating": None},
            "activity_3": 5,
        },
    )
    assert result.value == 4 and result.answered == 2


def test_psfs_needs_one_rating_and_refuses_ratings_above_10() -> None:
    with pytest.raises(IncompleteError):
        score("psfs", {})
    with pytest.raises(OutcomeInputError) as caught:
        parse_cli_answers("psfs", "4,11")
    assert caught.value.field == "answer 2 (activity_2)" and "0 to 10" in str(caught.value)
    with pytest.raises(OutcomeInputError):
        parse_cli_answers("psfs", "1,2,3,4,5,6")


@given(st.lists(st.integers(0, 10), min_size=1, max_size=5))
def test_psfs_stays_between_0_and_10(ratings: list[int]) -> None:
    result = score("psfs", {f"activity_{n}": r for n, r in enumerate(ratings, start=1)})
    assert min(ratings) <= result.value <= max(ratings)
    assert result.value == pytest.approx(sum(ratings) / len(ratings))
