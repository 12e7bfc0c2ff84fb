"""Assessment findings over time on the outcomes page and in the progress report:
pressure pain threshold per trigger point, the five-element profile and the pain map."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse

from myomap.assessments.models import Assessment
from myomap.assessments.services import (
    assessment_start,
    element_override_set,
    palpation_finding_add,
    palpation_ppt_save,
    palpation_tap,
)
from myomap.intake.models import PainMap
from myomap.intake.services import pain_map_record
from myomap.outcomes import charts
from myomap.outcomes.findings import findings_of
from myomap_core.pain import pain_marks
from tests.pdftext import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("screened")]

SVG = "{http://www.w3.org/2000/svg}"


def _visit(therapist, patient, *, weeks_ago: int, ppt: dict[tuple[str, str, str], float]):
    assessment = assessment_start(actor=therapist, patient=patient)
    Assessment.objects.filter(pk=assessment.pk).update(
        visit_date=assessment.visit_date - timedelta(weeks=weeks_ago)
    )
    assessment.refresh_from_db()
    for (muscle, point, side), kg_cm2 in ppt.items():
        finding = palpation_finding_add(
            actor=therapist, assessment=assessment, muscle_id=muscle, trigger_point=point, side=side
        )
        palpation_tap(actor=therapist, finding=finding, tap="taut_band")
        palpation_tap(actor=therapist, finding=finding, tap="active:1")
        palpation_ppt_save(actor=therapist, finding=finding, value=kg_cm2, unit="kg_cm2")
    return assessment


QL = ("quadratus_lumborum", "superficial_lower", "left")
GMED = ("gluteus_medius", "tp1_posterior", "left")


@pytest.fixture
def two_visits(therapist, patient):
    first_map = pain_map_record(
        actor=therapist,
        patient=patient,
        marks=pain_marks([("sacroiliac_left", 7, "aching"), ("upper_buttock_left", 5, "aching")]),
    )
    PainMap.objects.filter(pk=first_map.pk).update(
        recorded_at=first_map.recorded_at - timedelta(weeks=6)
    )
    first = _visit(therapist, patient, weeks_ago=6, ppt={QL: 2.4, GMED: 3.1})
    element_override_set(
        actor=therapist,
        assessment=first,
        element="biomechanical_dysfunction",
        rating=2,
        reason="Side bending limited",
    )
    pain_map_record(
        actor=therapist, patient=patient, marks=pain_marks([("sacroiliac_left", 3, "aching")])
    )
    later = _visit(therapist, patient, weeks_ago=0, ppt={QL: 4.6, GMED: 3.5})
    return first, later


def test_the_results_page_charts_ppt_elements_and_pain_maps_then_and_now(
    therapist_client, patient, two_visits
):
    page = therapist_client.get(reverse("outcomes:progress", args=[patient.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Pressure pain threshold per trigger point" in html
    # One line per trigger point, in kg/cm², with the verdict against the real-change threshold.
    assert "Quadratus lumborum" in html and "Gluteus medius" in html
    assert "2.4 → 4.6 kg/cm², up 2.2 kg/cm²: a real rise (less tender)." in html
    assert "3.1 → 3.5 kg/cm², up 0.4 kg/cm²: within measurement error." in html
    assert "1.8 kg/cm² is beyond measurement error between raters (Chesterton 2007)" in html
    # The five elements, first vs latest, from the assessments app's own profile.
    assert "Five-element profile, then and now" in html
    assert "Biomechanical dysfunction: 2 → 0 of 3, less involved." in html
    assert "Trigger points:" in html
    # The pain map then and now: two drawings, counts and the highest intensity.
    assert "First pain map" in html and "Latest pain map" in html
    assert "2 regions marked; highest 7/10 (Left sacroiliac joint)." in html
    assert "1 region marked; highest 3/10 (Left sacroiliac joint)." in html
    assert "Regions marked: 2 then, 1 now (fewer)." in html
    assert "Highest intensity: 7/10 then, 3/10 now (lower)." in html
    assert html.count('class="bodymap readonly"') == 2


def test_the_ppt_chart_has_one_series_per_point_dated_by_assessment(therapist, patient, two_visits):
    first, later = two_visits
    findings = findings_of(patient)
    root = ET.fromstring(findings.ppt.svg)
    assert len(root.findall(f".//{SVG}polyline[@class='series']")) == 2
    texts = [el.text for el in root.iter(f"{SVG}text")]
    assert f"{first.visit_date:%-d %b}" in texts and f"{later.visit_date:%-d %b}" in texts
    assert "2.4" in texts and "4.6" in texts and "Assessment date" in texts


def test_the_therapists_unit_is_used_for_the_chart_and_the_words(
    therapist_client, patient, two_visits
):
    findings = findings_of(patient, unit="kpa")
    assert findings.unit_label == "kPa"
    assert any("235.4 → 451.1 kPa" in line for line in findings.ppt_lines)
    assert "(176.5 kPa)" in findings.ppt.caption


def test_at_most_six_points_the_most_recently_measured(therapist, patient):
    muscles = [
        ("quadratus_lumborum", "superficial_lower", "left"),
        ("quadratus_lumborum", "superficial_lower", "right"),
        ("gluteus_medius", "tp1_posterior", "left"),
        ("gluteus_medius", "tp1_posterior", "right"),
        ("iliopsoas", "iliacus", "left"),
        ("iliopsoas", "iliacus", "right"),
        ("piriformis", "", "left"),
    ]
    _visit(therapist, patient, weeks_ago=4, ppt={muscles[-1]: 2.0})
    _visit(therapist, patient, weeks_ago=0, ppt={m: 3.0 for m in muscles[:6]})
    findings = findings_of(patient)
    root = ET.fromstring(findings.ppt.svg)
    assert not any("Piriformis" in line for line in findings.ppt_lines)
    assert len(findings.ppt_lines) == 6
    assert "The 6 most recently measured points are shown." in findings.ppt.caption
    # Six legend entries wrap inside the chart instead of running off its right edge.
    width = float(root.get("width"))
    assert all(float(t.get("x")) < width for t in root.iter(f"{SVG}text"))


def test_one_assessment_says_there_is_nothing_to_compare_yet(therapist_client, therapist, patient):
    _visit(therapist, patient, weeks_ago=0, ppt={QL: 2.4})
    html = therapist_client.get(reverse("outcomes:progress", args=[patient.pk])).content.decode()
    assert "Only one assessment so far: these are the starting values" in html
    assert "Only one assessment so far (" in html
    assert "measured once." in html
    assert "Five-element profile, then and now" not in html
    assert "No pain map recorded yet." in html


def test_no_assessment_says_so(therapist_client, patient):
    html = therapist_client.get(reverse("outcomes:progress", args=[patient.pk])).content.decode()
    assert "No assessment recorded yet, so no pressure pain thresholds." in html
    assert "No assessment recorded yet, so no five-element profile." in html


def test_the_report_prints_the_findings_with_their_interpretation(
    therapist_client, patient, two_visits
):
    response = therapist_client.get(reverse("outcomes:report", args=[patient.pk]))
    # Words wrapped at a slash in the PDF come back as "kg/ cm²".
    text = " ".join(pdf_text(response.content).split()).replace("/ ", "/")
    assert "Assessment findings over time" in text
    assert "2 assessments on record." in text
    assert "Pressure pain threshold per trigger point" in text
    assert "2.4 → 4.6 kg/cm², up 2.2 kg/cm²: a real rise (less tender)." in text
    assert "Chesterton 2007" in text
    assert "Biomechanical dysfunction: 2 → 0 of 3, less involved." in text
    assert "First pain map" in text and "Latest pain map" in text
    assert "Regions marked: 2 then, 1 now (fewer)." in text
    assert "Highest intensity: 7/10 then, 3/10 now (lower)." in text


def test_the_report_with_one_assessment_or_none_says_so(therapist_client, therapist, patient):
    url = reverse("outcomes:report", args=[patient.pk])
    text = " ".join(pdf_text(therapist_client.get(url).content).split())
    assert "No assessment recorded yet, so no pressure pain thresholds." in text
    assert "No assessment recorded yet, so no five-element profile." in text
    _visit(therapist, patient, weeks_ago=0, ppt={QL: 2.4})
    text = " ".join(pdf_text(therapist_client.get(url).content).split())
    assert "1 assessment on record." in text
    assert "Only one assessment so far: these are the starting values" in text
    assert "Only one assessment so far (" in text


def test_a_wrapped_legend_makes_the_chart_taller():
    names = [f"A long trigger point name number {i}" for i in range(6)]
    series = [
        charts.Series(n, (charts.Point(1, i), charts.Point(2, i + 1))) for i, n in enumerate(names)
    ]
    svg = charts.line_chart(
        series, title="t", desc="d", x_label="x", y_label="y", y_min=0, y_max=10
    )
    root = ET.fromstring(svg)
    assert float(root.get("height")) > 260
