"""The progress report a physician or insurer reads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from myomap.common.models import AuditEvent
from myomap.intake.services import (
    intake_section_save,
    intake_start,
    intake_submit,
    pain_map_save_for_intake,
)
from myomap_core.pain import pain_marks
from tests.pdftext import pdf_text
from tests.web.test_outcomes_helpers import history, odi_for_percent

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake(therapist, patient):
    intake = intake_start(actor=therapist, patient=patient)
    answers = {
        "complaint": {
            "main_complaint": "Aching low back on the left after long desk days",
            "complaint_history": "Two years, flares at month-end.",
            "onset": "gradual",
        },
        "goals": {"goals": "Sit through a working day without pain."},
        "consent": {"consent_agree": "on", "signature_name": "Maria Lopez"},
    }
    for slug, data in answers.items():
        intake_section_save(intake=intake, slug=slug, data=data, actor=therapist)
    pain_map_save_for_intake(
        intake=intake, marks=pain_marks([("sacroiliac_left", 7, "aching")]), actor=therapist
    )
    return intake_submit(intake=intake, actor=therapist)


def test_the_report_tells_complaint_findings_outcomes_and_plan(
    therapist_client, therapist, patient, intake
):
    history(
        therapist,
        patient,
        [
            (0, "nprs", {"pain": 8}),
            (0, "odi", odi_for_percent(44)),
            (3, "nprs", {"pain": 4}),
            (3, "odi", odi_for_percent(30)),
        ],
        days_ago=25,
    )
    response = therapist_client.get(reverse("outcomes:report", args=[patient.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Progress report: Maria Lopez" in text
    assert "Aching low back on the left after long desk days" in text
    assert "Left sacroiliac joint 7/10" in text
    assert "No treatment sessions recorded yet." in text
    assert "44.0 % (severe disability)" in text
    assert "30.0 % (moderate disability)" in text
    assert "Status: On track." in text
    assert "NPRS 8 → 4: 4 points better" in text
    assert "On track for an important improvement within three to five sessions" in text
    assert AuditEvent.objects.filter(
        patient=patient, action="export", summary__startswith="Printed the progress report"
    ).exists()


def test_a_report_without_questionnaires_says_so(therapist_client, patient):
    text = pdf_text(therapist_client.get(reverse("outcomes:report", args=[patient.pk])).content)
    assert "No outcome questionnaires recorded yet." in text
    assert "No completed intake is on record." in text
    assert "take a baseline before the first treatment" in text


def test_an_unchanged_report_is_drawn_once_and_a_new_answer_draws_it_again(
    therapist_client, therapist, patient, intake
):
    import stat

    from myomap.outcomes.views import REPORT_FOLDER
    from myomap.reports import pdf_cache

    history(therapist, patient, [(0, "nprs", {"pain": 8}), (3, "nprs", {"pain": 5})], days_ago=25)
    url = reverse("outcomes:report", args=[patient.pk])
    first = therapist_client.get(url).content
    kept = list(pdf_cache.folder(REPORT_FOLDER).iterdir())
    assert [p.name.startswith(f"progress-{patient.pk}-") for p in kept] == [True]
    assert stat.S_IMODE(pdf_cache.folder(REPORT_FOLDER).stat().st_mode) == 0o700
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert therapist_client.get(url).content == first  # read, not drawn again
    assert AuditEvent.objects.filter(patient=patient, action="export").count() == 2
    history(therapist, patient, [(4, "nprs", {"pain": 3})], days_ago=3)
    again = therapist_client.get(url).content
    assert "NPRS 8 → 3" in pdf_text(again) and again != first
    now_kept = list(pdf_cache.folder(REPORT_FOLDER).iterdir())
    assert len(now_kept) == 1 and now_kept != kept  # the older version is gone
