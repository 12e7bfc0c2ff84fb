"""Properties of screening that must hold for any answers (Hypothesis)."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from myomap_core import screening
from myomap_core.screening import AnswerType, Decision, ScreeningInput, ScreeningResult
from myomap_core.screening_logic import Answer, Node, Not, bare_names

BOOLEAN = [q.id for q in screening.questions() if q.type is AnswerType.BOOLEAN]


def _negated(node: Node) -> set[str]:
    """Yes/no questions a rule reads under "not": a yes there is reassuring."""
    found: set[str] = set()

    def walk(n: object) -> None:
        if isinstance(n, Not):
            found.update(bare_names(n.operand))
        for child in getattr(n, "operands", ()):
            walk(child)
        operand = getattr(n, "operand", None)
        if operand is not None:
            walk(operand)

    walk(node)
    return found


REASSURING = set().union(*(_negated(rule.logic.tree) for rule in screening.rules()))
WARNING_SIGNS = [q for q in BOOLEAN if q not in REASSURING]

answer_sets = st.dictionaries(
    st.sampled_from(BOOLEAN), st.booleans(), max_size=len(BOOLEAN)
).flatmap(
    lambda answers: st.fixed_dictionaries(
        {
            "answers": st.just(answers),
            "numbers": st.fixed_dictionaries(
                {},
                optional={
                    "back_pain_start_age": st.integers(0, 80),
                    "surgery_weeks_ago": st.integers(0, 52),
                    "pregnancy_weeks": st.integers(0, 45),
                },
            ),
            "age": st.none() | st.integers(0, 120),
            "sex": st.sampled_from([None, "female", "male", "other"]),
        }
    )
)


def _input(case: dict[str, object], **changes: Answer | None) -> ScreeningInput:
    answers: dict[str, Answer] = {**case["answers"], **case["numbers"]}  # type: ignore[dict-item]
    for key, value in changes.items():
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
    age = case["age"]
    sex = case["sex"]
    return ScreeningInput(
        age=age if isinstance(age, int) else None,
        sex=sex if isinstance(sex, str) else None,
        answers=answers,
    )


def _fired(result: ScreeningResult) -> set[str]:
    return {f.rule_id for f in result.findings}


@settings(max_examples=300, deadline=None)
@given(answer_sets, st.sampled_from(WARNING_SIGNS))
def test_a_new_warning_sign_never_makes_the_decision_less_urgent(
    case: dict[str, object], sign: str
) -> None:
    before = screening.screen(_input(case))
    after = screening.screen(_input(case, **{sign: True}))
    assert after.decision.urgency >= before.decision.urgency
    assert _fired(before) <= _fired(after)


@settings(max_examples=300, deadline=None)
@given(answer_sets)
def test_the_decision_is_the_most_urgent_finding_and_findings_are_sorted(
    case: dict[str, object],
) -> None:
    result = screening.screen(_input(case))
    urgencies = [f.decision.urgency for f in result.findings]
    assert urgencies == sorted(urgencies, reverse=True)
    expected = max(urgencies, default=Decision.TREAT.urgency)
    assert result.decision.urgency == expected
    assert not _fired(result) & {f.rule_id for f in result.possible}
    assert result.precautions.needs_clearance >= result.decision.requires_clearance
    caps = [
        r.precautions.max_pressure_kg
        for r in screening.rules()
        if r.id in _fired(result) and r.precautions.max_pressure_kg is not None
    ]
    assert result.precautions.max_pressure_kg == (min(caps) if caps else None)


@settings(max_examples=300, deadline=None)
@given(answer_sets, st.sampled_from(BOOLEAN))
def test_a_missing_answer_is_never_taken_as_no(case: dict[str, object], question: str) -> None:
    """Whatever would fire if the answer were yes is shown as possible while it is missing
    (a question for the other sex is not asked, and counts as no)."""
    q = screening.question(question)
    assume(q.applies_to_sex is None or case["sex"] in (None, q.applies_to_sex))
    missing = screening.screen(_input(case, **{question: None}))
    yes = screening.screen(_input(case, **{question: True}))
    newly = _fired(yes) - _fired(missing)
    assert newly <= {f.rule_id for f in missing.possible}
    if newly:
        assert question in missing.unknown or _parent_not_yes(question, case)


def _parent_not_yes(question: str, case: dict[str, object]) -> bool:
    q = screening.question(question)
    answers = case["answers"]
    assert isinstance(answers, dict)
    sex_mismatch = q.applies_to_sex is not None and case["sex"] not in (None, q.applies_to_sex)
    return sex_mismatch or (q.follow_up_of is not None and answers.get(q.follow_up_of) is not True)


@settings(max_examples=200, deadline=None)
@given(answer_sets)
def test_unknown_lists_only_unanswered_questions_in_form_order(case: dict[str, object]) -> None:
    data = _input(case)
    result = screening.screen(data)
    assert not set(result.unknown) & set(data.answers)
    order = [q.id for q in screening.questions()]
    assert list(result.unknown) == sorted(result.unknown, key=order.index)
    assert result.complete == (not result.possible)
