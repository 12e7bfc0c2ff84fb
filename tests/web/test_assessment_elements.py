"""The five elements on the assessment page and the client page, overrides with reasons,
and who may see any of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from myomap.assessments.models import Assessment, ElementOverride
from myomap.assessments.selectors import element_profile
from myomap.assessments.services import (
    ExamEntry,
    assessment_start,
    exam_results_save,
    palpation_finding_add,
    palpation_tap,
    photo_add,
    photo_landmarks_save,
)
from myomap.common.models import AuditEvent
from tests.web.scoped.assessments import png_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("screened")]


@pytest.fixture
def assessment(therapist, patient):  # type: ignore[no-untyped-def]
    return assessment_start(actor=therapist, patient=patient)


def _elements_url(a):  # type: ignore[no-untyped-def]
    return reverse("assessments:elements", args=[a.patient_id, a.pk])


def test_an_override_needs_a_reason(therapist_client, assessment):  # type: ignore[no-untyped-def]
    response = therapist_client.post(
        _elements_url(assessment), {"element": "nerve_compression", "rating": "2", "reason": " "}
    )
    assert response.status_code == 400
    assert "Say why you rate this element differently." in response.content.decode()
    assert not ElementOverride.objects.exists()


def test_an_override_replaces_the_computed_rating_and_can_be_undone(therapist_client, assessment):  # type: ignore[no-untyped-def]
    computed = {str(r.element): r.rating for r in element_profile(assessment).ratings}
    response = therapist_client.post(
        _elements_url(assessment),
        {"element": "nerve_compression", "rating": "2", "reason": "Numb lateral calf on walking"},
    )
    assert response.status_code == 302
    rating = next(
        r for r in element_profile(assessment).ratings if r.element == "nerve_compression"
    )
    assert (rating.rating, rating.overridden, rating.computed) == (
        2,
        True,
        computed["nerve_compression"],
    )
    page = therapist_client.get(
        reverse("assessments:detail", args=[assessment.patient_id, assessment.pk])
    ).content.decode()
    assert "Numb lateral calf on walking" in page and "set by hand" in page
    assert AuditEvent.objects.filter(action="update").latest("id").summary == (
        "Five elements: rated nerve compression 2/3 by hand (Numb lateral calf on walking)"
    )
    therapist_client.post(_elements_url(assessment), {"clear": "nerve_compression"})
    assert not ElementOverride.objects.exists()


def test_findings_raise_the_ratings_with_evidence(therapist_client, therapist, assessment):  # type: ignore[no-untyped-def]
    finding = palpation_finding_add(
        actor=therapist, assessment=assessment, muscle_id="gluteus_medius", side="left"
    )
    for tap in ("active:1", "taut_band", "twitch", "referral_reproduced", "tenderness:3"):
        palpation_tap(actor=therapist, finding=finding, tap=tap)
    exam_results_save(
        actor=therapist,
        assessment=assessment,
        entries=[ExamEntry("straight_leg_raise", "left", 40.0, True)],
    )
    profile = {str(r.element): r for r in element_profile(assessment).ratings}
    assert profile["trigger_points"].rating >= 1
    assert profile["nerve_compression"].rating >= 1
    page = therapist_client.get(
        reverse("assessments:detail", args=[assessment.patient_id, assessment.pk])
    ).content.decode()
    for r in profile.values():
        for evidence in r.evidence:
            assert evidence.text in page
    assert 'aria-label="Five elements of pain: Ischemia' in page


def test_the_chart_compares_with_the_previous_assessment(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    earlier = assessment_start(actor=therapist, patient=patient)
    Assessment.objects.filter(pk=earlier.pk).update(
        visit_date=earlier.visit_date - timedelta(days=14)
    )
    later = assessment_start(actor=therapist, patient=patient)
    therapist_client.post(
        _elements_url(later),
        {"element": "ischemia", "rating": "3", "reason": "Widespread tenderness today"},
    )
    page = therapist_client.get(
        reverse("assessments:detail", args=[patient.pk, later.pk])
    ).content.decode()
    assert 'class="bar-prev"' in page
    assert "Ischemia 3 of 3 (before 0)" in page


def test_the_client_page_card_shows_the_latest_assessment(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    page = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    assert "No assessment yet." in page and "Start an assessment" in page
    response = therapist_client.post(reverse("assessments:new", args=[patient.pk]))
    assessment = Assessment.objects.get()
    assert response.url == reverse("assessments:detail", args=[patient.pk, assessment.pk])
    photo = photo_add(
        actor=therapist, assessment=assessment, view="back", upload=png_upload(size=(400, 600))
    )
    # Back view: the client's left is on the image's left; the left iliac crest is higher.
    photo_landmarks_save(
        actor=therapist,
        photo=photo,
        landmarks={"iliac_crest_left": [120, 300], "iliac_crest_right": [280, 312]},
    )
    page = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    card = page[page.index('id="assessment-card"') :]
    assert f"Latest: {assessment.visit_date:%-d %b %Y}" in card
    assert 'class="element-chart mini"' in card
    assert "iliac crest" in card.lower() and "high" in card
    assert "Started an assessment" in page  # the timeline


def test_front_desk_sees_no_card_and_gets_403(client, front_desk, therapist, patient):  # type: ignore[no-untyped-def]
    from tests.web.scoped.assessments import make

    ids = make(therapist, patient)
    client.force_login(front_desk)
    page = client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    assert 'id="assessment-card"' not in page
    a = (patient.pk, ids["assessment_id"])
    urls = [
        reverse("assessments:new", args=[patient.pk]),
        reverse("assessments:detail", args=a),
        reverse("assessments:photo_upload", args=a),
        reverse("assessments:photo", args=(*a, ids["photo_id"])),
        reverse("assessments:photo_image", args=(*a, ids["photo_id"])),
        reverse("assessments:exam_save", args=(*a, "strength")),
        reverse("assessments:palpation_add", args=a),
        reverse("assessments:palpation_update", args=(*a, ids["finding_id"])),
        reverse("assessments:ppt_unit", args=a),
        reverse("assessments:elements", args=a),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url
    api = f"/api/v1/clients/{patient.pk}/assessments/{ids['assessment_id']}"
    assert client.get(api).status_code == 403


def test_post_only_pages_refuse_get(therapist_client, assessment):  # type: ignore[no-untyped-def]
    a = (assessment.patient_id, assessment.pk)
    for name in ("photo_upload", "palpation_add", "elements", "ppt_unit"):
        assert therapist_client.get(reverse(f"assessments:{name}", args=a)).status_code == 405
