"""Palpation: findings started from the candidates or any muscle, one tap per finding, the
pressure pain threshold stored in kPa and shown back in the therapist's unit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from myomap.assessments.models import PalpationFinding
from myomap.assessments.services import assessment_start
from myomap.common.models import AuditEvent
from myomap.intake.services import pain_map_record
from myomap_core.pain import pain_marks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("screened")]


@pytest.fixture
def assessment(therapist, patient):  # type: ignore[no-untyped-def]
    pain_map_record(
        actor=therapist,
        patient=patient,
        marks=pain_marks([("sacroiliac_left", 6, "aching"), ("upper_buttock_left", 5, "aching")]),
    )
    return assessment_start(actor=therapist, patient=patient)


def _detail(a):  # type: ignore[no-untyped-def]
    return reverse("assessments:detail", args=[a.patient_id, a.pk])


def _add(client, a, muscle, point="", side="left", **headers):  # type: ignore[no-untyped-def]
    url = reverse("assessments:palpation_add", args=[a.patient_id, a.pk])
    return client.post(
        url, {"muscle_id": muscle, "trigger_point": point, "side": side}, headers=headers
    )


def _tap(client, finding, tap, **data):  # type: ignore[no-untyped-def]
    a = finding.assessment
    url = reverse("assessments:palpation_update", args=[a.patient_id, a.pk, finding.pk])
    return client.post(url, {"tap": tap, **data})


def test_the_page_starts_from_the_ranked_candidates_with_their_palpation(
    therapist_client, assessment
):  # type: ignore[no-untyped-def]
    page = therapist_client.get(_detail(assessment)).content.decode()
    assert "Palpate first" in page
    assert "Quadratus lumborum" in page or "Gluteus medius" in page
    assert "palpation, client" in page  # method and position from the knowledge base
    assert 'name="trigger_point"' in page


def test_any_muscle_can_be_searched(therapist_client, assessment):  # type: ignore[no-untyped-def]
    page = therapist_client.get(_detail(assessment) + "?q=pirif").content.decode()
    assert "Piriformis" in page
    assert "Flat palpation" in page or "palpation</strong>, client" in page
    fragment = therapist_client.get(
        _detail(assessment) + "?q=piri", headers={"HX-Request": "true"}
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="muscle-results"')


def test_each_tap_records_one_finding(therapist_client, assessment):  # type: ignore[no-untyped-def]
    response = _add(therapist_client, assessment, "quadratus_lumborum", "superficial_lower")
    finding = PalpationFinding.objects.get()
    assert response.status_code == 302
    assert response.url.endswith(f"#finding-{finding.pk}")
    for tap in ("active:1", "taut_band", "nodule", "twitch", "referral_reproduced", "tenderness:2"):
        assert _tap(therapist_client, finding, tap).status_code == 302
    _tap(therapist_client, finding, "region:sacroiliac_left")
    finding.refresh_from_db()
    assert finding.active is True
    assert (finding.taut_band, finding.nodule, finding.twitch) == (True, True, True)
    assert finding.referral_reproduced and finding.referral_regions == ["sacroiliac_left"]
    assert finding.tenderness == 2
    # Tapping again undoes: the band is gone, the grade cleared.
    _tap(therapist_client, finding, "taut_band")
    _tap(therapist_client, finding, "tenderness:")
    finding.refresh_from_db()
    assert finding.taut_band is False and finding.tenderness is None
    summaries = list(
        AuditEvent.objects.filter(object_type="PalpationFinding")
        .order_by("id")
        .values_list("summary", flat=True)
    )
    assert summaries[0] == (
        "Palpation: started a finding at Quadratus lumborum, superficial, near the iliac crest "
        "(left)"
    )
    assert summaries[-1].endswith("(left): tenderness cleared")
    assert any(s.endswith("tenderness 2/3") for s in summaries)


def test_a_tap_through_htmx_returns_the_finding_and_the_updated_elements(
    therapist_client, assessment
):  # type: ignore[no-untyped-def]
    _add(therapist_client, assessment, "gluteus_medius", "", "left")
    finding = PalpationFinding.objects.get()
    a = assessment
    url = reverse("assessments:palpation_update", args=[a.patient_id, a.pk, finding.pk])
    response = therapist_client.post(url, {"tap": "twitch"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="finding-{finding.pk}"' in html
    assert 'value="twitch" aria-pressed="true"' in html
    assert 'id="elements"' in html and 'hx-swap-oob="true"' in html


def test_tenderness_above_3_is_refused(therapist_client, assessment):  # type: ignore[no-untyped-def]
    _add(therapist_client, assessment, "piriformis")
    finding = PalpationFinding.objects.get()
    _tap(therapist_client, finding, "tenderness:5")
    finding.refresh_from_db()
    assert finding.tenderness is None


@pytest.mark.parametrize(
    ("value", "unit", "probe", "kpa"),
    [
        ("4", "kg_cm2", "1", 392.28),  # 4 × 98.07
        ("10", "lb", "1", 444.84),  # 10 lb × 0.4536 kgf/lb × 98.07 kPa per kgf/cm²
        ("10", "lb", "0.5", 889.68),  # the same force on half the area
    ],
)
def test_ppt_is_stored_in_kpa_with_the_probe_and_shown_in_the_chosen_unit(  # type: ignore[no-untyped-def]
    therapist_client, assessment, value, unit, probe, kpa
):
    _add(therapist_client, assessment, "quadratus_lumborum", "superficial_upper", "right")
    finding = PalpationFinding.objects.get()
    _tap(therapist_client, finding, "ppt", ppt=value, ppt_unit=unit, probe_cm2=probe)
    finding.refresh_from_db()
    assert finding.ppt_kpa == pytest.approx(kpa, abs=0.05)
    assert finding.probe_cm2 == float(probe)
    assert (finding.ppt_unit, finding.ppt_entered) == (unit, float(value))
    page = therapist_client.get(_detail(assessment)).content.decode()
    assert f'name="ppt" step="0.1" min="0" inputmode="decimal" value="{float(value):g}"' in page
    assert f"Stored: {finding.ppt_kpa:g} kPa" in page


def test_the_unit_is_remembered_and_values_are_shown_converted(therapist_client, assessment):  # type: ignore[no-untyped-def]
    _add(therapist_client, assessment, "quadratus_lumborum", "superficial_upper", "right")
    finding = PalpationFinding.objects.get()
    _tap(therapist_client, finding, "ppt", ppt="4", ppt_unit="kg_cm2", probe_cm2="1")
    a = assessment
    therapist_client.post(
        reverse("assessments:ppt_unit", args=[a.patient_id, a.pk]), {"unit": "lb"}
    )
    page = therapist_client.get(_detail(assessment)).content.decode()
    # 392.28 kPa on a 1 cm² probe is 8.82 lb.
    assert 'inputmode="decimal" value="8.82"' in page
    assert '<option value="lb" selected>' in page


def test_a_negative_ppt_is_refused(therapist_client, assessment):  # type: ignore[no-untyped-def]
    _add(therapist_client, assessment, "piriformis")
    finding = PalpationFinding.objects.get()
    _tap(therapist_client, finding, "ppt", ppt="-3", ppt_unit="kg_cm2", probe_cm2="1")
    finding.refresh_from_db()
    assert finding.ppt_kpa is None


def test_an_unknown_muscle_is_refused(therapist_client, assessment):  # type: ignore[no-untyped-def]
    response = _add(therapist_client, assessment, "not_a_muscle")
    assert response.status_code == 302
    assert not PalpationFinding.objects.exists()


def test_a_finding_can_be_removed(therapist_client, assessment):  # type: ignore[no-untyped-def]
    _add(therapist_client, assessment, "piriformis")
    finding = PalpationFinding.objects.get()
    _tap(therapist_client, finding, "remove")
    assert not PalpationFinding.objects.exists()
    assert (
        AuditEvent.objects.latest("id").summary
        == "Palpation: removed the finding at Piriformis (left)"
    )
