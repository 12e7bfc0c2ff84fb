"""Screenings are stored on every run, and the treatment gate follows the latest one, failing
closed: no screening, an out-of-date one, open questions or a warning sign all hold treatment."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from myomap.common.models import AuditEvent
from myomap.intake.models import Intake
from myomap.intake.services import intake_section_save, intake_start
from myomap.patients.selectors import patient_timeline
from myomap.screening.forms import HEALTH_CHECKS, answered_no_but, typed_answers
from myomap.screening.gate import Hold, TreatmentBlocked, require_treatment_allowed, treatment_gate
from myomap.screening.models import Clearance, Screening
from myomap.screening.services import ScreeningError, clearance_record
from myomap_core.screening import AnswerType, Decision, questions
from tests.web.scoped.screening import (
    AGE,
    PDF,
    answers_with,
    emergency_answers,
    referral_answers,
    screen_client,
)


def clear(screening, therapist, **how):  # type: ignore[no-untyped-def]
    how = how or {"attested": True}
    return clearance_record(
        actor=therapist,
        screening=screening,
        cleared_by="Dr Amir Khan",
        cleared_on=date.today(),
        note="Assessed today; fine to treat.",
        **how,
    )


def test_every_answer_no_allows_treatment(patient, therapist):  # type: ignore[no-untyped-def]
    screening = screen_client(therapist, patient)
    gate = require_treatment_allowed(patient)
    assert screening.decision == Decision.TREAT
    assert gate.allowed and gate.hold == Hold.NONE and gate.screening == screening
    assert screening.age == AGE and screening.sex == "female"


def test_no_screening_holds_treatment_and_says_to_screen_now(patient):  # type: ignore[no-untyped-def]
    gate = treatment_gate(patient)
    assert not gate.allowed and gate.hold == Hold.NOT_SCREENED and gate.needs_screening
    assert "not been screened" in gate.reason and "Screen now" in gate.reason
    with pytest.raises(TreatmentBlocked):
        require_treatment_allowed(patient)


def test_unanswered_questions_that_could_raise_a_warning_hold_treatment(patient, therapist):  # type: ignore[no-untyped-def]
    data = answered_no_but({}, "female")
    asked_later = "saddle_numbness"
    del data[asked_later]
    screen_ = screen_client(therapist, patient)  # all answered first
    assert treatment_gate(patient).allowed
    from myomap.screening.services import screening_answers_save

    screen_ = screening_answers_save(actor=therapist, patient=patient, data=data)
    gate = treatment_gate(patient)
    assert gate.screening == screen_
    assert gate.hold == Hold.INCOMPLETE and not gate.allowed
    saddle = next(q.text for q in questions() if q.id == asked_later)
    assert saddle in gate.still_to_ask
    screening_answers_save(actor=therapist, patient=patient, data={**data, asked_later: "no"})
    assert treatment_gate(patient).allowed


def test_answers_changed_after_the_screening_make_it_stale(patient, therapist):  # type: ignore[no-untyped-def]
    screening = screen_client(therapist, patient)
    intake = screening.intake
    # Someone changes the stored answers without screening (e.g. an import or an old path).
    Intake.objects.filter(pk=intake.pk).update(
        answers={HEALTH_CHECKS: {**intake.answers[HEALTH_CHECKS], "fever": "yes"}}
    )
    gate = treatment_gate(patient)
    assert gate.hold == Hold.STALE and not gate.allowed
    assert "out of date" in gate.reason


def test_a_birthday_since_the_screening_makes_it_stale(patient, therapist):  # type: ignore[no-untyped-def]
    screen_client(therapist, patient)
    Screening.objects.filter(patient=patient).update(age=AGE - 1)
    assert treatment_gate(patient).hold == Hold.STALE


def test_saving_a_health_check_answer_screens_at_once_even_mid_intake(patient, therapist):  # type: ignore[no-untyped-def]
    intake = intake_start(actor=therapist, patient=patient)
    intake_section_save(intake=intake, slug=HEALTH_CHECKS, data=emergency_answers(), actor=None)
    gate = treatment_gate(patient)
    assert gate.hold == Hold.EMERGENCY and gate.decision == Decision.EMERGENCY
    assert gate.screening is not None and gate.screening.trigger == "answers"
    assert not Intake.objects.get(pk=intake.pk).is_submitted


def test_a_referral_blocks_until_a_clearance_is_recorded(patient, therapist):  # type: ignore[no-untyped-def]
    screening = screen_client(therapist, patient, referral_answers())
    gate = treatment_gate(patient)
    assert not gate.allowed and gate.hold == Hold.REFERRAL and gate.needs_clearance
    assert "Treatment is blocked" in gate.reason
    with pytest.raises(TreatmentBlocked) as refused:
        require_treatment_allowed(patient)
    assert "record the physician's clearance" in str(refused.value)

    clearance = clear(screening, therapist)
    gate = require_treatment_allowed(patient)
    assert gate.allowed and gate.clearance == clearance
    assert "Dr Amir Khan cleared the client" in gate.reason


def test_a_clearance_needs_a_document_or_the_therapists_word(patient, therapist):  # type: ignore[no-untyped-def]
    screening = screen_client(therapist, patient, referral_answers())
    with pytest.raises(ValidationError) as refused:
        clear(screening, therapist, attested=False)
    assert "attested" in refused.value.message_dict
    assert not Clearance.objects.exists()
    document = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
    assert clear(screening, therapist, document=document).document
    assert treatment_gate(patient).allowed


def test_an_emergency_cannot_be_cleared_only_screened_again(patient, therapist):  # type: ignore[no-untyped-def]
    screening = screen_client(therapist, patient, emergency_answers())
    gate = treatment_gate(patient)
    assert gate.hold == Hold.EMERGENCY and not gate.needs_clearance
    assert Decision.EMERGENCY.instruction in gate.reason
    with pytest.raises(ScreeningError, match="emergency cannot be cleared"):
        clear(screening, therapist)
    assert not Clearance.objects.exists()
    # Seen in hospital, the client answers again: the warning signs are gone.
    screen_client(therapist, patient)
    assert treatment_gate(patient).allowed


def test_an_old_emergency_clearance_in_the_database_does_not_lift_it(patient, therapist):  # type: ignore[no-untyped-def]
    screening = screen_client(therapist, patient, emergency_answers())
    Clearance.objects.create(
        clinic=patient.clinic,
        patient=patient,
        screening=screening,
        cleared_by="Dr X",
        cleared_on=date.today(),
        note="ok",
        attested=True,
        recorded_by=therapist,
    )
    assert treatment_gate(patient).hold == Hold.EMERGENCY


def test_a_later_screening_with_a_new_red_flag_blocks_again(patient, therapist):  # type: ignore[no-untyped-def]
    first_answers = referral_answers()
    first = screen_client(therapist, patient, first_answers)
    clear(first, therapist)
    assert treatment_gate(patient).allowed

    # The same answers again: nothing new, the clearance still holds.
    screen_client(therapist, patient, first_answers)
    assert treatment_gate(patient).allowed

    # A new warning sign: the old clearance does not cover it.
    later = screen_client(therapist, patient, {**first_answers, **emergency_answers()})
    gate = treatment_gate(patient)
    assert not gate.allowed and gate.screening == later


def test_precautions_alone_never_block(patient, therapist):  # type: ignore[no-untyped-def]
    screening = screen_client(therapist, patient, answers_with(Decision.TREAT_WITH_PRECAUTIONS))
    gate = require_treatment_allowed(patient)
    assert screening.decision == Decision.TREAT_WITH_PRECAUTIONS
    assert gate.allowed and gate.precautions is not None
    assert "precautions" in gate.reason
    with pytest.raises(ScreeningError):
        clear(screening, therapist)


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
    screening = screen_client(therapist, patient, referral_answers())
    clear(screening, therapist)
    summaries = [e.summary for e in patient_timeline(patient=patient)]
    screened = next(s for s in summaries if s.startswith("Safety screening"))
    assert "warning sign" in screened
    title = screening.result["findings"][0]["title"]
    assert title not in screened, "the timeline is for the whole clinic: no clinical details"
    assert "Treatment blocked until a clearance is recorded" in screened
    cleared = next(s for s in summaries if s.startswith("Recorded a clearance"))
    assert "by Dr Amir Khan" in cleared and "spoke to the physician" in cleared
    assert AuditEvent.objects.filter(object_type="Screening", object_id=str(screening.pk)).exists()
