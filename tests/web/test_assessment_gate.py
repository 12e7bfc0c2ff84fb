"""Hands-on examination waits for the safety screening, like treatment does."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from myomap.assessments.models import ExamResult, PalpationFinding
from myomap.assessments.services import assessment_start
from myomap.screening.models import ScreeningTrigger
from myomap.screening.services import clearance_record, screening_run
from tests.web.scoped.screening import emergency_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def blocked(therapist, patient):  # type: ignore[no-untyped-def]
    screening = screening_run(
        patient=patient,
        answers=emergency_answers(),
        actor=therapist,
        trigger=ScreeningTrigger.RESCREEN,
    )
    return assessment_start(actor=therapist, patient=patient), screening


def _palpate(client, assessment):  # type: ignore[no-untyped-def]
    url = reverse("assessments:palpation_add", args=[assessment.patient_id, assessment.pk])
    return client.post(url, {"muscle_id": "piriformis", "trigger_point": "", "side": "left"})


def test_an_emergency_puts_palpation_and_tests_on_hold(therapist_client, blocked):  # type: ignore[no-untyped-def]
    assessment, _ = blocked
    page = therapist_client.get(
        reverse("assessments:detail", args=[assessment.patient_id, assessment.pk])
    ).content.decode()
    assert "Hands-on examination (movement tests and palpation) is on hold" in page
    assert "Emergency" in page  # the screening banner is on the assessment page too
    assert 'id="muscle-q"' not in page

    refused = _palpate(therapist_client, assessment)
    assert refused.status_code == 403
    assert "clearance" in refused.content.decode().lower()
    assert not PalpationFinding.objects.exists()

    exams = reverse(
        "assessments:exam_save", args=[assessment.patient_id, assessment.pk, "strength"]
    )
    assert therapist_client.post(exams, {}).status_code == 403
    assert not ExamResult.objects.exists()


def test_a_recorded_clearance_opens_hands_on_examination(therapist_client, therapist, blocked):  # type: ignore[no-untyped-def]
    assessment, screening = blocked
    clearance_record(
        actor=therapist,
        screening=screening,
        cleared_by="Dr Amir Khan",
        cleared_on=date.today(),
        note="MRI normal; soft-tissue work is safe.",
    )
    assert _palpate(therapist_client, assessment).status_code in (200, 302)
    assert PalpationFinding.objects.filter(assessment=assessment).count() == 1
