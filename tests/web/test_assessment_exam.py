"""Movement and muscle tests: values within the core's limits are stored, others refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from myomap.assessments.models import ExamResult
from myomap.assessments.services import assessment_start
from myomap.common.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("screened")]


@pytest.fixture
def assessment(therapist, patient):  # type: ignore[no-untyped-def]
    return assessment_start(actor=therapist, patient=patient)


def _url(assessment, category):  # type: ignore[no-untyped-def]
    return reverse("assessments:exam_save", args=[assessment.patient_id, assessment.pk, category])


def test_the_page_groups_the_tests_with_their_normal_values(therapist_client, assessment):  # type: ignore[no-untyped-def]
    page = therapist_client.get(
        reverse("assessments:detail", args=[assessment.patient_id, assessment.pk])
    ).content.decode()
    for title in ("Range of motion", "Muscle strength (0–5)", "Muscle length", "Neural tension"):
        assert title in page
    assert "Straight leg raise, left" in page
    assert "40-60° of lumbar flexion" in page  # the normal value beside the test


def test_a_strength_grade_of_7_is_a_field_error_and_nothing_is_stored(therapist_client, assessment):  # type: ignore[no-untyped-def]
    response = therapist_client.post(
        _url(assessment, "strength"),
        {"strength_gluteus_medius__left__value": "7", "strength_gluteus_medius__right__value": "4"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-invalid="true"' in page
    assert 'name="strength_gluteus_medius__left__value"' in page
    assert not ExamResult.objects.exists()


def test_a_negative_angle_is_refused(therapist_client, assessment):  # type: ignore[no-untyped-def]
    response = therapist_client.post(
        _url(assessment, "range_of_motion"), {"lumbar_flexion_rom__n__value": "-10"}
    )
    assert response.status_code == 400
    assert not ExamResult.objects.exists()


def test_results_are_stored_with_side_pain_and_result(therapist_client, assessment):  # type: ignore[no-untyped-def]
    response = therapist_client.post(
        _url(assessment, "neural_tension"),
        {
            "straight_leg_raise__left__value": "45",
            "straight_leg_raise__left__positive": "positive",
            "slump_test__left__positive": "negative",
        },
    )
    assert response.status_code == 302
    slr = ExamResult.objects.get(test_id="straight_leg_raise", side="left")
    assert (slr.value, slr.positive) == (45.0, True)
    assert ExamResult.objects.get(test_id="slump_test", side="left").positive is False
    summary = AuditEvent.objects.filter(action="update").latest("id").summary
    assert summary.startswith("Examination: Straight leg raise (left) 45, positive")
    # Shown back in the form after a reload.
    page = therapist_client.get(
        reverse("assessments:detail", args=[assessment.patient_id, assessment.pk])
    ).content.decode()
    assert 'name="straight_leg_raise__left__value" value="45"' in page


def test_range_of_motion_records_pain_and_where(therapist_client, assessment):  # type: ignore[no-untyped-def]
    therapist_client.post(
        _url(assessment, "range_of_motion"),
        {
            "lumbar_flexion_rom__n__value": "35",
            "lumbar_flexion_rom__n__painful": "on",
            "lumbar_flexion_rom__n__where": "left low back",
        },
    )
    result = ExamResult.objects.get(test_id="lumbar_flexion_rom")
    assert (result.value, result.painful, result.pain_where) == (35.0, True, "left low back")


def test_the_background_save_answers_without_a_page(therapist_client, assessment):  # type: ignore[no-untyped-def]
    url = _url(assessment, "strength")
    ok = therapist_client.post(
        url, {"strength_abdominals__n__value": "3"}, headers={"X-Requested-With": "fetch"}
    )
    assert ok.status_code == 204
    bad = therapist_client.post(
        url, {"strength_abdominals__n__value": "9"}, headers={"X-Requested-With": "fetch"}
    )
    assert bad.status_code == 400
    assert "strength_abdominals__n__value" in bad.json()["errors"]
    assert ExamResult.objects.get(test_id="strength_abdominals").value == 3.0


def test_the_front_desk_cannot_record_tests(client, front_desk, assessment):  # type: ignore[no-untyped-def]
    client.force_login(front_desk)
    response = client.post(_url(assessment, "strength"), {"strength_abdominals__n__value": "3"})
    assert response.status_code == 403
    assert not ExamResult.objects.exists()
