"""Recording scored responses: skipped items, PSFS carried forward, session numbers, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from myomap.common.models import AuditEvent
from myomap.outcomes.models import OutcomeResponse
from myomap.outcomes.services import (
    carried_activities,
    link_create,
    next_session_number,
    response_record,
)
from myomap_core.errors import DomainError
from myomap_core.outcomes import IncompleteError
from tests.web.test_outcomes_helpers import odi_answers

pytestmark = pytest.mark.django_db


def test_a_skipped_odi_section_leaves_the_sum_and_the_denominator(therapist, patient):
    answers = odi_answers(2, 2, 2, 2, 2, 2, 2, None, 1, 1)  # 16 of 45
    response = response_record(actor=therapist, patient=patient, instrument="odi", answers=answers)
    response.refresh_from_db()
    assert response.score_display == "35.6"
    assert response.score_value == pytest.approx(35.5556, abs=1e-3)
    assert response.band == "moderate"
    assert response.answered == 9
    assert response.skipped == ["sex_life"]
    assert "sex_life" not in response.answers  # skipped is absent, never stored as 0
    event = AuditEvent.objects.filter(patient=patient, object_type="OutcomeResponse").latest("id")
    assert event.summary.startswith("ODI recorded: 35.6 % (moderate)")


def test_the_same_answers_with_the_section_scored_0_give_a_lower_odi(therapist, patient):
    as_zero = odi_answers(2, 2, 2, 2, 2, 2, 2, 0, 1, 1)
    response = response_record(actor=therapist, patient=patient, instrument="odi", answers=as_zero)
    assert response.score_display == "32.0"


def test_an_odi_with_three_skipped_sections_is_refused_and_nothing_is_stored(therapist, patient):
    answers = odi_answers(2, 2, 2, 2, 2, 2, 2, None, None, None)
    with pytest.raises(IncompleteError, match="3 of 10 sections were skipped"):
        response_record(actor=therapist, patient=patient, instrument="odi", answers=answers)
    assert not OutcomeResponse.objects.exists()
    assert not AuditEvent.objects.filter(object_type="OutcomeResponse").exists()


def test_a_missing_pain_rating_is_not_scored_as_zero(therapist, patient):
    with pytest.raises(DomainError) as caught:
        response_record(actor=therapist, patient=patient, instrument="nprs", answers={})
    assert caught.value.field == "pain"
    assert not OutcomeResponse.objects.exists()


def test_rmdq_counts_the_ticked_statements(therapist, patient):
    ticked = {f"q{n}": True for n in (1, 4, 7, 12)}
    response = response_record(actor=therapist, patient=patient, instrument="rmdq", answers=ticked)
    assert response.score_display == "4"


def test_startback_stores_the_risk_and_the_distress_subscale(therapist, patient):
    answers = {f"q{n}": 1 for n in range(1, 9)} | {"q9": 4}
    response = response_record(
        actor=therapist, patient=patient, instrument="startback", answers=answers
    )
    assert response.score_display == "9"
    assert response.band == "high"
    assert response.subscores["distress"] == 5.0
    summary = AuditEvent.objects.filter(object_type="OutcomeResponse").latest("id").summary
    assert summary.startswith("STarT Back recorded: 9 (high risk)")


def test_psfs_activities_are_carried_forward_without_their_ratings(therapist, patient):
    assert carried_activities(patient) == {}
    response_record(
        actor=therapist,
        patient=patient,
        instrument="psfs",
        answers={
            "activity_1": {"activity": "Sitting through a meeting", "rating": 3},
            "activity_2": {"activity": "Lifting my toddler", "rating": 2},
        },
    )
    carried = carried_activities(patient)
    assert carried == {
        "activity_1": {"activity": "Sitting through a meeting"},
        "activity_2": {"activity": "Lifting my toddler"},
    }
    link, _ = link_create(actor=therapist, patient=patient, instruments=["psfs", "nprs"])
    assert link.draft["psfs"] == carried


def test_session_numbers_default_to_the_previous_plus_one(therapist, patient):
    assert next_session_number(patient) == 0
    first = response_record(
        actor=therapist,
        patient=patient,
        instrument="nprs",
        answers={"pain": 7},
        taken_at=timezone.now() - timedelta(days=7),
    )
    assert first.session_number == 0
    second = response_record(
        actor=therapist, patient=patient, instrument="nprs", answers={"pain": 5}
    )
    assert second.session_number == 1
    # A second questionnaire at the same visit keeps the visit's number.
    same_visit = response_record(
        actor=therapist, patient=patient, instrument="odi", answers=odi_answers(*[1] * 10)
    )
    assert same_visit.session_number == 1
    explicit = response_record(
        actor=therapist, patient=patient, instrument="nprs", answers={"pain": 4}, session_number=3
    )
    assert explicit.session_number == 3
    link, _ = link_create(actor=therapist, patient=patient, instruments=["nprs"])
    assert link.session_number == 3  # the link takes the latest known


def test_an_archived_client_gets_no_new_responses(therapist, patient):
    patient.archived_at = timezone.now()
    patient.save()
    with pytest.raises(DomainError, match="archive"):
        response_record(actor=therapist, patient=patient, instrument="nprs", answers={"pain": 3})
