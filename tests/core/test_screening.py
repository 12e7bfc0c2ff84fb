"""The screening core: rule logic, the data file and its checks, input parsing, decisions."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from myomap_core import atlas, screening
from myomap_core.errors import DomainError, KnowledgeBaseError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.screening import (
    AnswerType,
    Decision,
    ScreeningInputError,
    load_screening,
    parse_input,
)
from myomap_core.screening_logic import parse

DATA = resources.files("myomap_core.knowledge").joinpath("data", "screening.toml")
TEXT = DATA.read_text(encoding="utf-8")

# ------------------------------------------------------------------- three-valued logic


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("a and b", {"a": True, "b": True}, True),
        ("a and b", {"a": True}, None),
        ("a and b", {"b": False}, False),
        ("a or b", {"a": True}, True),
        ("a or b", {"a": False}, None),
        ("a or b", {"a": False, "b": False}, False),
        ("not a", {}, None),
        ("not a", {"a": False}, True),
        ("age > 50", {"age": 51}, True),
        ("age > 50", {"age": 50}, False),
        ("age > 50", {}, None),
        ("age < 20", {"age": 19}, True),
        ("age < 20", {"age": 20}, False),
        ("age >= 18 and age <= 65", {"age": 65}, True),
        ('sex == "female"', {"sex": "female"}, True),
        ("sex != 'female'", {"sex": "female"}, False),
        ("count(a, b, c) >= 2", {"a": True, "b": True}, True),
        ("count(a, b, c) >= 2", {"a": True}, None),
        ("count(a, b, c) >= 2", {"a": True, "b": False, "c": False}, False),
        ("count(a, b, c) == 1", {"a": True, "b": False, "c": False}, True),
        ("count(a, b, c) == 1", {"a": True, "b": False}, None),
        ("count(age > 50, a) >= 2", {"age": 60, "a": True}, True),
        ("w < 6 or not known(w)", {}, True),
        ("w < 6 or not known(w)", {"w": 8}, False),
        ("(a or b) and not (c and d)", {"a": True, "c": True, "d": False}, True),
        ("true and a", {"a": True}, True),
        ("false or a", {}, None),
    ],
)
def test_three_valued_logic(expression: str, values: dict[str, object], expected: object) -> None:
    assert parse(expression).evaluate(values) is expected  # type: ignore[arg-type]


def test_names_are_listed_once_in_reading_order() -> None:
    assert parse("a and (b or a) and age > 50 and count(c, known(d)) >= 1").names == (
        "a",
        "b",
        "age",
        "c",
        "d",
    )


def test_evidence_names_only_the_answers_that_decide() -> None:
    expr = parse("age > 50 and (cancer or weight_loss)")
    assert expr.evidence({"age": 60, "cancer": True, "weight_loss": False}) == (
        ("age", 60),
        ("cancer", True),
    )
    count = parse("count(a, b, c) >= 2")
    assert count.evidence({"a": True, "b": False, "c": True}) == (("a", True), ("c", True))


@pytest.mark.parametrize(
    "bad",
    ["a and", "a or or b", "(a", "a b", "count()", "known(1)", "a $ b", "__import__('os')", ""],
)
def test_malformed_expressions_are_refused_without_running_anything(bad: str) -> None:
    with pytest.raises(DomainError) as error:
        parse(bad)
    assert error.value.field == "logic"


# ------------------------------------------------------------------- the data file


def test_every_question_is_plain_and_complete() -> None:
    kb = load_knowledge_base()
    ids = [q.id for q in screening.questions()]
    assert len(ids) == len(set(ids))
    for q in screening.questions():
        assert q.text.endswith("?"), q.id
        assert q.source in kb.sources, q.id
        assert len(q.text) <= 240, q.id
        if q.follow_up_of:
            parent = screening.question(q.follow_up_of)
            assert parent.type is AnswerType.BOOLEAN
            assert ids.index(parent.id) < ids.index(q.id), "a follow-up comes after its parent"
        if q.type is AnswerType.NUMBER:
            assert q.unit and q.minimum is not None and q.maximum is not None


def test_contract_question_ids_exist() -> None:
    for qid in ("saddle_numbness", "surgery_recent", "surgery_site", "pregnant", "anticoagulant"):
        assert screening.question(qid).id == qid
    assert screening.question("pregnant").applies_to_sex == "female"
    follow_ups = {q.id for q in screening.questions() if q.follow_up_of == "surgery_recent"}
    assert {"surgery_which", "surgery_weeks_ago", "surgery_site"} <= follow_ups


def test_every_rule_has_a_source_action_reason_and_question_for_the_physician() -> None:
    kb = load_knowledge_base()
    for rule in screening.rules():
        assert rule.source in kb.sources
        assert rule.action and rule.why and rule.ask_physician
        assert rule.questions, rule.id


def test_rule_tiers_follow_the_clinical_standard() -> None:
    """§8 classes are ours; the ours source is marked as such."""
    kb = load_knowledge_base()
    assert kb.sources["ours_screening"].ours
    for rule in screening.rules():
        if rule.kind is not screening.RuleKind.RED_FLAG:
            assert rule.tier_ours, rule.id
    by_id = {r.id: r for r in screening.rules()}
    assert by_id["cauda_equina"].decision is Decision.EMERGENCY
    assert by_id["spinal_cord_compression_cancer"].decision is Decision.EMERGENCY
    assert by_id["abdominal_aortic_aneurysm"].decision is Decision.EMERGENCY
    assert by_id["deep_vein_thrombosis"].decision is Decision.REFER_BEFORE_TREATMENT
    assert by_id["bleeding_risk"].decision is Decision.TREAT_WITH_PRECAUTIONS


def test_precaution_regions_are_atlas_areas() -> None:
    areas = {a.id for a in atlas.areas()}
    for rule in screening.rules():
        assert set(rule.precautions.regions_to_avoid) <= areas, rule.id


def test_unknown_question_names_the_closest() -> None:
    with pytest.raises(DomainError) as error:
        screening.question("sadle_numbness")
    assert error.value.suggestions[0] == "saddle_numbness"


def _broken(old: str, new: str) -> str:
    assert old in TEXT
    return TEXT.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            'logic = "saddle_numbness or bladder_change',
            'logic = "sadle_numbness or bladder_change',
            "cauda_equina.logic",
            "unknown question 'sadle_numbness'",
        ),
        (
            'decision = "emergency"',
            'decision = "emergncy"',
            "cauda_equina.decision",
            "unknown value",
        ),
        (
            'techniques_not_allowed = ["ischemic_compression", "deep_pressure", "cross_fibre',
            'techniques_not_allowed = ["ischaemic", "deep_pressure", "cross_fibre',
            "bleeding_risk.precautions.techniques_not_allowed[0]",
            "unknown technique",
        ),
        (
            'regions_to_avoid = ["upper_abdomen", "lower_abdomen", "navel"]',
            'regions_to_avoid = ["upper_abdomen", "belly", "navel"]',
            "abdominal_aortic_aneurysm.precautions.regions_to_avoid[1]",
            "unknown area",
        ),
        (
            'source = "bass2018"\naction',
            'source = "bass2019"\naction',
            "cauda_equina.source",
            "unknown source",
        ),
        (
            'logic = "major_trauma"',
            'logic = "surgery_weeks_ago"',
            "fracture_major_trauma.logic",
            "not a yes/no question",
        ),
        (
            'logic = "major_trauma"',
            'logic = "surgery_site > 3"',
            "fracture_major_trauma.logic",
            "cannot compare",
        ),
        (
            'logic = "major_trauma"',
            'logic = "major_trauma and"',
            "fracture_major_trauma.logic",
            "ends too early",
        ),
        (
            'logic = "spinal_deformity"',
            'logic = "major_trauma"',
            "spinal_deformity",
            "no rule reads",
        ),
        (
            'follow_up_of = "surgery_recent"\nminimum = 0',
            'follow_up_of = "surgery_site"\nminimum = 0',
            "surgery_weeks_ago.follow_up_of",
            "earlier question",
        ),
        (
            'tier = "ours"',
            'tier = "mine"',
            ".tier",
            "unknown value",
        ),
        (
            'why = "New saddle numbness',
            'reason = "x"\nwhy = "New saddle numbness',
            "cauda_equina.reason",
            "unknown key",
        ),
    ],
)
def test_data_errors_name_the_record_and_key(old: str, new: str, field: str, message: str) -> None:
    with pytest.raises(KnowledgeBaseError) as error:
        load_screening(_broken(old, new))
    assert field in error.value.field
    assert error.value.field.startswith("screening.toml: ")
    assert message in str(error.value)


def test_the_rule_file_documents_its_schema() -> None:
    header = TEXT.split("\n[[question]]")[0]
    for key in ("logic", "decision", "tier", "precautions", "follow_up_of", "site_questions"):
        assert key in header


# ------------------------------------------------------------------- input


def test_parse_input_reads_the_contract_json() -> None:
    data = parse_input(
        {
            "age": 52,
            "sex": "female",
            "answers": {"saddle_numbness": False, "surgery_weeks_ago": 3, "surgery_site": " knee "},
        }
    )
    assert data.age == 52 and data.sex == "female"
    assert data.answers == {
        "saddle_numbness": False,
        "surgery_weeks_ago": 3,
        "surgery_site": "knee",
    }


def test_parse_input_names_every_bad_entry() -> None:
    with pytest.raises(ScreeningInputError) as error:
        parse_input(
            {
                "age": -1,
                "sex": "f",
                "extra": 1,
                "answers": {
                    "sadle_numbness": True,
                    "fever": "yes",
                    "surgery_weeks_ago": 53,
                    "pregnancy_weeks": "ten",
                    "surgery_site": 4,
                    "age": 40,
                },
            }
        )
    problems = {p.field: p.message for p in error.value.problems}
    assert set(problems) == {
        "extra",
        "age",
        "sex",
        "answers.sadle_numbness",
        "answers.fever",
        "answers.surgery_weeks_ago",
        "answers.pregnancy_weeks",
        "answers.surgery_site",
        "answers.age",
    }
    assert "saddle_numbness" in problems["answers.sadle_numbness"]
    assert "true or false" in problems["answers.fever"]
    assert "out of range" in problems["answers.surgery_weeks_ago"]
    assert "beside answers" in problems["answers.age"]
    assert all(p.field in str(error.value) for p in error.value.problems)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"fever": 1}, "answers.fever"),
        ({"surgery_weeks_ago": True}, "answers.surgery_weeks_ago"),
        ({"surgery_weeks_ago": float("nan")}, "answers.surgery_weeks_ago"),
        ({"surgery_site": ""}, "answers.surgery_site"),
        ({"surgery_site": "x" * 501}, "answers.surgery_site"),
        ({"back_pain_start_age": 121}, "answers.back_pain_start_age"),
    ],
)
def test_wrong_types_and_ranges_are_refused(answers: dict[str, object], field: str) -> None:
    with pytest.raises(ScreeningInputError) as error:
        parse_input({"answers": answers})
    assert [p.field for p in error.value.problems] == [field]


def test_answers_must_be_an_object_and_null_means_unknown() -> None:
    with pytest.raises(ScreeningInputError) as error:
        parse_input({"answers": ["fever"]})
    assert error.value.problems[0].field == "answers"
    assert parse_input({"age": None, "answers": {"fever": None}}).answers == {}
    assert parse_input({"age": 52.0}).age == 52


# ------------------------------------------------------------------- decisions


def test_decisions_rank_most_urgent_first() -> None:
    assert [d.urgency for d in Decision] == [5, 4, 3, 2, 1, 0]
    assert [d.requires_clearance for d in Decision] == [True, True, True, True, False, False]
    assert Decision.EMERGENCY.label == "Emergency"
    assert Decision.URGENT_REFERRAL.label == "Urgent medical referral"
    assert "emergency" in Decision.EMERGENCY.instruction.lower()
    assert "Do not treat" in Decision.EMERGENCY.instruction
    for decision in Decision:
        assert decision.instruction and decision.label


def test_result_json_has_the_whole_answer() -> None:
    result = screening.screen(parse_input({"age": 60, "answers": {"major_trauma": True}}))
    data = screening.result_json(result)
    assert data["decision"] == "same_day_referral"
    assert data["label"] == "Same-day medical assessment"
    findings = data["findings"]
    assert isinstance(findings, list) and findings[0]["rule_id"] == "fracture_major_trauma"
    assert findings[0]["source_label"].startswith("Finucane")
    precautions = data["precautions"]
    assert isinstance(precautions, dict)
    assert "Lumbar spine" in precautions["regions_to_avoid_labels"]
    assert data["complete"] is False and "saddle_numbness" in data["unknown"]  # type: ignore[operator]
    assert re.match(r"^[A-Z]", str(data["instruction"]))


def test_a_screening_input_built_directly_is_checked_too() -> None:
    with pytest.raises(DomainError) as error:
        screening.ScreeningInput(age=40, sex=None, answers={"fever": "no"})
    assert error.value.field == "answers.fever"
    with pytest.raises(DomainError) as unknown:
        screening.ScreeningInput(age=40, sex=None, answers={"fevr": True})
    assert unknown.value.suggestions[0] == "fever"
    data = screening.ScreeningInput(age=40, sex=None, answers={"fever": None, "dvt": True})
    assert dict(data.answers) == {"dvt": True}
    with pytest.raises(DomainError):
        screening.ScreeningInput(age=130, sex=None, answers={})
