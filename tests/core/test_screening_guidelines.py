"""The guideline scenario table, and properties of urgency under added and missing answers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myomap_core import screening
from myomap_core.knowledge import load_knowledge_base
from myomap_core.screening import AnswerType, Decision, ScreeningInput, parse_input
from myomap_core.screening_logic import Answer
from tests.core.guideline_scenarios import CASES, Case, screen_case

# ------------------------------------------------------------------- the scenario table


@pytest.mark.parametrize("item", CASES, ids=[c.name for c in CASES])
def test_guideline_scenario(item: Case) -> None:
    result = screen_case(item)
    assert result.decision.value == item.decision, [f.rule_id for f in result.findings]
    assert set(item.fires) <= {f.rule_id for f in result.findings}


def test_every_case_names_a_screening_source() -> None:
    sources = load_knowledge_base().sources
    assert {c.source for c in CASES} <= set(sources)


def test_every_guideline_family_has_positive_and_negative_cases() -> None:
    by_source: dict[str, set[str]] = {}
    for item in CASES:
        by_source.setdefault(item.source, set()).add(item.decision)
    for source in ("bass2018", "nice_ng234", "nice_ng156", "nice_ng158", "nice_ng51", "ifompt2023"):
        decisions = by_source[source]
        assert Decision.EMERGENCY.value in decisions, source
        assert decisions - {Decision.EMERGENCY.value}, f"{source}: no case short of an emergency"


def test_every_new_family_has_questions_and_rules_with_sources() -> None:
    rules = {r.id: r for r in screening.rules()}
    for rule_id in (
        "cervical_arterial_signs",
        "cervical_arterial_combination",
        "pulmonary_embolism",
        "bilateral_radicular_pain",
        "lymphoedema",
        "active_cancer_treatment",
        "fever_after_surgery",
        "fever_hot_joint",
        "fracture_older_minor_trauma",
        "abdominal_aortic_aneurysm",
    ):
        rule = rules[rule_id]
        assert rule.source in load_knowledge_base().sources
        assert rule.tier_ours or rule.source != "ours_screening"


def test_a_lymphoedema_site_is_kept_off_the_plan() -> None:
    result = screen_case(
        Case("arm", "walton_cancer", "", {"lymphoedema": True, "lymphoedema_site": "left arm"})
    )
    assert result.precautions.regions_to_avoid or result.precautions.sites_to_avoid
    assert "direct_pressure_on_site" in result.precautions.techniques_not_allowed


def test_neck_warning_signs_keep_hands_off_the_neck() -> None:
    result = screen_case(Case("neck", "ifompt2023", "", {"dizziness": True, "nausea_new": True}))
    assert {"cervical_spine", "anterior_neck"} <= set(result.precautions.regions_to_avoid)
    assert "forceful_stretch" in result.precautions.techniques_not_allowed


# ------------------------------------------------------------------- bad input


def test_pregnancy_answered_yes_for_a_male_client_is_refused() -> None:
    with pytest.raises(screening.ScreeningInputError) as error:
        parse_input({"sex": "male", "answers": {"pregnant": True}})
    assert error.value.problems[0].field == "answers.pregnant"
    # A "no" is consistent and accepted.
    parse_input({"sex": "male", "answers": {"pregnant": False}})


def test_back_pain_starting_after_todays_age_is_refused() -> None:
    with pytest.raises(screening.ScreeningInputError) as error:
        parse_input(
            {"age": 30, "answers": {"back_pain_over_3_months": True, "back_pain_start_age": 40}}
        )
    assert error.value.problems[0].field == "answers.back_pain_start_age"
    assert "30" in error.value.problems[0].message


@pytest.mark.parametrize("age", [-1, 121, 45.5, "40"])
def test_an_age_out_of_range_is_refused(age: object) -> None:
    with pytest.raises(screening.ScreeningInputError) as error:
        parse_input({"age": age, "answers": {}})
    assert error.value.problems[0].field == "age"


# ------------------------------------------------------------------- properties

BOOLEAN = [q.id for q in screening.questions() if q.type is AnswerType.BOOLEAN]
NUMBERS: dict[str, tuple[int, ...]] = {
    "back_pain_start_age": (0, 34, 35, 44, 45, 80),
    "surgery_weeks_ago": (0, 5, 6, 7, 52),
    "pregnancy_weeks": (0, 20, 45),
}
AGES = (0, 19, 20, 44, 45, 50, 51, 64, 65, 66, 120)

cases = st.fixed_dictionaries(
    {
        "answers": st.dictionaries(st.sampled_from(BOOLEAN), st.booleans(), max_size=len(BOOLEAN)),
        "numbers": st.fixed_dictionaries(
            {}, optional={k: st.sampled_from(v) for k, v in NUMBERS.items()}
        ),
        "age": st.none() | st.sampled_from(AGES),
        "sex": st.sampled_from([None, "female", "male", "other"]),
    }
)


def _urgency(case: dict[str, object], **changes: Answer | None) -> int:
    return screening.screen(_input(case, **changes)).decision.urgency


def _input(
    case: dict[str, object], age: object = "same", **changes: Answer | None
) -> ScreeningInput:
    answers: dict[str, Answer] = {**case["answers"], **case["numbers"]}  # type: ignore[dict-item]
    for key, value in changes.items():
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
    chosen = case["age"] if age == "same" else age
    sex = case["sex"]
    return ScreeningInput(
        age=chosen if isinstance(chosen, int) else None,
        sex=sex if isinstance(sex, str) else None,
        answers=answers,
    )


@settings(max_examples=300, deadline=None)
@given(cases, st.sampled_from(BOOLEAN))
def test_a_yes_never_lowers_urgency(case: dict[str, object], question: str) -> None:
    """Any yes/no question turned to yes: the decision never gets less urgent than the
    same answers with it unknown (a yes is never read as reassurance by accident)."""
    unknown = _urgency(case, **{question: None})
    assert _urgency(case, **{question: True}) >= unknown or question in _reassuring()


@settings(max_examples=300, deadline=None)
@given(cases, st.sampled_from(BOOLEAN + list(NUMBERS)))
def test_an_unknown_answer_is_as_urgent_as_the_remaining_answers_prove(
    case: dict[str, object], question: str
) -> None:
    """With one answer unknown, the decision is at least what every possible answer to it
    would give: turning a known answer into unknown never hides what the rest proves."""
    values: tuple[Answer, ...] = (True, False) if question in BOOLEAN else NUMBERS[question]
    # A follow-up is only ever unknown once its parent is yes (otherwise it is not asked).
    parent = screening.question(question).follow_up_of
    context: dict[str, Answer | None] = {parent: True} if parent else {}
    proven = min(_urgency(case, **context, **{question: value}) for value in values)
    assert _urgency(case, **context, **{question: None}) >= proven


@settings(max_examples=200, deadline=None)
@given(cases)
def test_an_unknown_age_is_as_urgent_as_every_age_proves(case: dict[str, object]) -> None:
    proven = min(screening.screen(_input(case, age=a)).decision.urgency for a in AGES)
    assert screening.screen(_input(case, age=None)).decision.urgency >= proven


@settings(max_examples=200, deadline=None)
@given(cases)
def test_every_question_a_possible_finding_needs_is_listed_to_ask(case: dict[str, object]) -> None:
    data = _input(case)
    result = screening.screen(data)
    rules = {r.id: r for r in screening.rules()}
    for finding in result.possible:
        missing = [q for q in rules[finding.rule_id].questions if q not in data.answers]
        asked = [q for q in missing if q in result.unknown]
        # An undecided rule always names at least one question to ask, or the age.
        assert asked or result.age_needed, finding.rule_id
    assert not set(result.unknown) & set(data.answers)


def _reassuring() -> set[str]:
    """Questions where yes is reassuring (read under "not"): "already examined"."""
    from tests.core.test_screening_properties import REASSURING

    return REASSURING
