"""Screenings are stored on every run, and the treatment gate follows the latest one."""

from __future__ import annotations

from datetime import date

import pytest

from myomap.common.models import AuditEvent
from myomap.patients.selectors import patient_timeline
from myomap.screening.forms import typed_answers
from myomap.screening.gate import TreatmentBlocked, require_treatment_allowed, treatment_gate
from myomap.screening.models import Screening, ScreeningTrigger
from myomap.screening.services import ScreeningError, clearance_record, screening_run
from myomap_core.screening import AnswerType, Decision, questions
from tests.web.scoped.screening import AGE, answers_with, emergency_answers, referral_answers


def run(patient, therapist, answers):  # type: ignore[no-untyped-def]
    return screening_run(
        patient=patient, answers=answers, actor=therapist, trigger=ScreeningTrigger.RESCREEN
    )


def clear(screening, therapist):  # type: ignore[no-untyped-def]
    return clearance_record(
        actor=therapist,
        screening=screening,
        cleared_by="Dr Amir Khan",
        cleared_on=date.today(),
        note="Assessed today; fine to treat.",
    )


def test_no_warning_signs_allow_treatment(patient, therapist):  # type: ignore[no-untyped-def]
    screening = run(patient, therapist, {})
    gate = require_treatment_allowed(patient)
    assert screening.decision == Decision.TREAT
    assert gate.allowed and gate.screening == screening
    assert screening.result["unknown"], "unanswered questions are listed as unknown"
    assert screening.age == AGE and screening.sex == "female"


def test_a_referral_blocks_until_a_clearance_is_recorded(patient, therapist):  # type: ignore[no-untyped-def]
    screening = run(patient, therapist, emergency_answers())
    gate = treatment_gate(patient)
    assert not gate.allowed
    assert gate.decision == Decision.EMERGENCY
    assert "Treatment is blocked" in gate.reason
    assert Decision.EMERGENCY.instruction in gate.reason
    with pytest.raises(TreatmentBlocked) as refused:
        require_treatment_allowed(patient)
    assert "record the physician's clearance" in str(refused.value)

    clearance = clear(screening, therapist)
    gate = require_treatment_allowed(patient)
    assert gate.allowed and gate.clearance == clearance
    assert "Dr Amir Khan cleared the client" in gate.reason


def test_a_later_screening_with_a_new_red_flag_blocks_again(patient, therapist):  # type: ignore[no-untyped-def]
    first_answers = referral_answers()
    first = run(patient, therapist, first_answers)
    clear(first, therapist)
    assert treatment_gate(patient).allowed

    # The same answers again: nothing new, the clearance still holds.
    run(patient, therapist, first_answers)
    assert treatment_gate(patient).allowed

    # A new warning sign: the old clearance does not cover it.
    later = run(patient, therapist, {**first_answers, **emergency_answers()})
    gate = treatment_gate(patient)
    assert not gate.allowed and gate.screening == later
    clear(later, therapist)
    assert treatment_gate(patient).allowed


def test_precautions_alone_never_block(patient, therapist):  # type: ignore[no-untyped-def]
    screening = run(patient, therapist, answers_with(Decision.TREAT_WITH_PRECAUTIONS))
    gate = require_treatment_allowed(patient)
    assert screening.decision == Decision.TREAT_WITH_PRECAUTIONS
    assert gate.allowed and gate.precautions is not None
    assert "precautions" in gate.reason
    with pytest.raises(ScreeningError):
        clear(screening, therapist)


def test_no_screening_yet_is_said_plainly(patient):  # type: ignore[no-untyped-def]
    gate = treatment_gate(patient)
    assert gate.allowed and gate.screening is None
    assert "No safety screening yet" in gate.reason


def test_a_follow_up_is_ignored_when_its_question_is_not_yes():  # type: ignore[no-untyped-def]
    follow_up = next(q for q in questions() if q.follow_up_of)
    value = "7" if follow_up.type == AnswerType.NUMBER else "yes"
    if follow_up.type == AnswerType.TEXT:
        value = "left knee"
    assert follow_up.id not in typed_answers({follow_up.follow_up_of: "no", follow_up.id: value})
    assert follow_up.id in typed_answers({follow_up.follow_up_of: "yes", follow_up.id: value})


def test_not_sure_and_blank_answers_stay_unknown():  # type: ignore[no-untyped-def]
    question = next(q for q in questions() if q.type == AnswerType.BOOLEAN)
    assert typed_answers({question.id: "unsure"}) == {}
    assert typed_answers({question.id: ""}) == {}
    assert typed_answers({question.id: "no"}) == {question.id: False}


def test_screenings_and_clearances_are_on_the_timeline(patient, therapist):  # type: ignore[no-untyped-def]
    screening = run(patient, therapist, emergency_answers())
    clear(screening, therapist)
    summaries = [e.summary for e in patient_timeline(patient=patient)]
    assert any(s.startswith("Safety screening re-run: Emergency.") for s in summaries), summaries
    screened = next(s for s in summaries if s.startswith("Safety screening"))
    assert "1 warning sign" in screened
    title = screening.result["findings"][0]["title"]
    assert title not in screened, "the timeline is for the whole clinic: no clinical details"
    assert "Treatment blocked until a clearance is recorded" in screened
    cleared = next(s for s in summaries if s.startswith("Recorded a clearance"))
    assert "by Dr Amir Khan" in cleared and "(Emergency)" in cleared
    assert AuditEvent.objects.filter(object_type="Screening", object_id=str(screening.pk)).exists()
    assert Screening.objects.filter(patient=patient).count() == 1
