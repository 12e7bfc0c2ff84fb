"""The visit check-in: its questions are data checked against the screening, answers are
refused naming the field, and merging a check-in never lowers what is known."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from myomap_core import checkin
from myomap_core.errors import DomainError, KnowledgeBaseError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.screening import question as screening_question

IDS = [q.id for q in checkin.questions()]
REQUIRED = {"bladder_change", "bowel_change", "saddle_numbness", "limb_weakness",
            "both_legs_weak", "fever", "minor_trauma", "major_trauma", "anticoagulant",
            "steroid_use", "cancer_history", "pregnant"}  # fmt: skip


def test_every_question_asks_known_screening_questions_and_names_a_source() -> None:
    asked = {a for q in checkin.questions() for a in q.asks}
    assert asked >= REQUIRED
    sources = load_knowledge_base().sources
    for q in checkin.questions():
        assert q.source in sources
        for a in q.asks:
            assert screening_question(a).id == a


def test_pregnancy_is_asked_of_women_and_of_clients_whose_sex_is_unknown() -> None:
    assert "pregnant" in [q.id for q in checkin.questions_for("female")]
    assert "pregnant" in [q.id for q in checkin.questions_for(None)]
    assert "pregnant" not in [q.id for q in checkin.questions_for("male")]


def test_a_bad_data_file_names_the_entry() -> None:
    bad = (
        '[[question]]\nid = "x"\ntext = "t"\nshort = "s"\n'
        'asks = ["sadle_numbness"]\nsource = "ifompt2020"\n'
    )
    with pytest.raises(KnowledgeBaseError) as error:
        checkin.load_checkin(bad)
    assert "question[0].asks" in error.value.field and "saddle_numbness" in error.value.suggestions


@pytest.mark.parametrize(
    ("data", "first", "field"),
    [
        ({"pain_now": -1, "none_of_these": True}, True, "pain_now"),
        ({"pain_now": True, "none_of_these": True}, True, "pain_now"),
        ({"pain_now": 2, "none_of_these": True}, False, "response"),
        ({"pain_now": 2, "response": "better", "none_of_these": True}, False, "soreness"),
        ({"pain_now": 2, "response": "beter", "soreness": "none"}, False, "response"),
        ({"pain_now": 2, "mood": "ok", "none_of_these": True}, True, "mood"),
        ({"pain_now": 2, "safety": {"fever": "yes"}, "none_of_these": True}, True, "safety.fever"),
        ({"pain_now": 2, "safety": {"fever": "no"}}, True, "safety.bladder_change"),
    ],
)
def test_bad_answers_name_the_field(data: dict[str, object], first: bool, field: str) -> None:
    with pytest.raises(DomainError) as error:
        checkin.parse_checkin(data, sex="female", first_visit=first)
    assert error.value.field == field


answers = st.dictionaries(
    st.sampled_from(sorted(REQUIRED | {"back_pain_over_3_months"})),
    st.sampled_from(["yes", "no", "unsure"]),
)
safety = st.fixed_dictionaries({q: st.sampled_from(["yes", "no"]) for q in IDS})


@given(answers, safety)
def test_merging_never_erases_a_yes_and_adds_every_yes(
    existing: dict[str, str], said: dict[str, str]
) -> None:
    parsed = checkin.parse_checkin({"pain_now": 4, "safety": said}, sex="female", first_visit=True)
    merged, changed = checkin.merge_into(existing, parsed)
    for key, value in existing.items():
        assert merged[key] == value or (merged[key] == "yes" and key in changed)
    for q in parsed.yes:
        assert all(merged[a] == "yes" for a in q.asks)
    assert set(merged) >= set(existing)
    if not parsed.yes:
        assert merged == existing and changed == ()
