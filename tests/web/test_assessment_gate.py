"""Hands-on examination waits for the safety screening, like treatment does."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from myomap.assessments.models import ExamResult, PalpationFinding
from myomap.assessments.services import assessment_start
from myomap.screening.services import clearance_record
from tests.web.scoped.screening import emergency_answers, referral_answers, screen_client

pytestmark = pytest.mark.django_db


def _palpate(client, assessment):  # type: ignore[no-untyped-def]
    url = reverse("assessments:palpation_add", args=[assessment.patient_id, assessment.pk])
    return client.post(url, {"muscle_id": "piriformis", "trigger_point": "", "side": "left"})


def test_an_emergency_puts_palpation_and_tests_on_hold(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    screen_client(therapist, patient, emergency_answers())
    assessment = assessment_start(actor=therapist, patient=patient)
    page = therapist_client.get(
        reverse("assessments:detail", args=[assessment.patient_id, assessment.pk])
    ).content.decode()
    assert "Hands-on examination (movement tests and palpation) is on hold" in page
    assert "Emergency" in page  # the screening banner is on the assessment page too
    assert 'id="muscle-q"' not in page

    refused = _palpate(therapist_client, assessment)
    assert refused.status_code == 302
    assert refused.url.startswith(reverse("screening:now", args=[patient.pk]))
    hold = therapist_client.get(refused.url).content.decode()
    assert "Emergency: do not treat" in hold
    assert "only a new screening after the client has been seen" in hold
    assert not PalpationFinding.objects.exists()

    exams = reverse(
        "assessments:exam_save", args=[assessment.patient_id, assessment.pk, "strength"]
    )
    assert therapist_client.post(exams, {}).status_code == 302
    assert not ExamResult.objects.exists()


def test_a_recorded_clearance_opens_hands_on_examination(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    screening = screen_client(therapist, patient, referral_answers())
    assessment = assessment_start(actor=therapist, patient=patient)
    assert _palpate(therapist_client, assessment).status_code == 302
    assert not PalpationFinding.objects.exists()
    clearance_record(
        actor=therapist,
        screening=screening,
        cleared_by="Dr Amir Khan",
        cleared_on=date.today(),
        note="MRI normal; soft-tissue work is safe.",
        attested=True,
    )
    assert _palpate(therapist_client, assessment).status_code in (200, 302)
    assert PalpationFinding.objects.filter(assessment=assessment).count() == 1
