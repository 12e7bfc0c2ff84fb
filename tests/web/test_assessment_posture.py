"""Landmarks placed on a photo give the page, the API and the core the same numbers."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from myomap.assessments.models import PosturePhoto
from myomap.assessments.services import assessment_start, photo_add
from myomap.common.models import AuditEvent
from myomap_core.posture import PostureInput, View, analyse, analysis_json
from tests.web.scoped.assessments import png_upload

pytestmark = pytest.mark.django_db

# Front view: the client's right is on the image's left. The right acromion is 10 px higher.
FRONT = {
    "acromion_right": (100.0, 150.0),
    "acromion_left": (300.0, 160.0),
    "asis_right": (140.0, 330.0),
    "asis_left": (260.0, 336.0),
}


@pytest.fixture
def photo(therapist, patient):  # type: ignore[no-untyped-def]
    assessment = assessment_start(actor=therapist, patient=patient)
    return photo_add(
        actor=therapist, assessment=assessment, view="front", upload=png_upload(size=(400, 600))
    )


def _url(photo: PosturePhoto, name: str = "assessments:photo") -> str:
    a = photo.assessment
    return reverse(name, args=[a.patient_id, a.pk, photo.pk])


def _form(points: dict[str, tuple[float, float]], **extra: object) -> dict[str, object]:
    data: dict[str, object] = {}
    for key, (x, y) in points.items():
        data[f"x_{key}"], data[f"y_{key}"] = x, y
    data.update(extra)
    return data


def _core(points: dict[str, tuple[float, float]], scale: float | None = None):  # type: ignore[no-untyped-def]
    return analyse(
        PostureInput(
            view=View.FRONT, landmarks=points, scale_mm_per_px=scale, image_size=(400, 600)
        )
    )


def test_the_numeric_form_saves_landmarks_and_shows_the_core_numbers(therapist_client, photo):  # type: ignore[no-untyped-def]
    response = therapist_client.post(_url(photo), _form(FRONT))
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.landmarks == {k: list(v) for k, v in FRONT.items()}
    page = therapist_client.get(_url(photo)).content.decode()
    core = _core(FRONT)
    tilt = core.measure("shoulder_tilt")
    assert tilt.value == pytest.approx(2.9, abs=0.05) and tilt.direction == "right high"
    assert f'data-measure="shoulder_tilt">{tilt.value:.1f}°' in page
    assert "right high" in page
    pelvis = core.measure("pelvic_obliquity")
    assert f'data-measure="pelvic_obliquity">{pelvis.value:.1f}°' in page
    assert pelvis.direction in page
    assert "Estimates" in page and "PAS/SAPO" in page
    # The photo with the lines and the angle drawn over it.
    assert 'class="ov-measure"' in page and f"{tilt.value:.1f}°</text>" in page
    # The assessment page shows the same numbers under the photo.
    detail = therapist_client.get(
        reverse("assessments:detail", args=[photo.assessment.patient_id, photo.assessment_id])
    ).content.decode()
    assert f"{tilt.value:.1f}°</strong> right high" in detail


def test_the_editor_script_gets_the_analysis_back_as_json(therapist_client, photo):  # type: ignore[no-untyped-def]
    scale = {"scale_x1": 10, "scale_y1": 20, "scale_x2": 10, "scale_y2": 220, "scale_mm": 500}
    response = therapist_client.post(
        _url(photo), _form(FRONT, **scale), headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["saved"] is True
    assert data["analysis"] == json.loads(json.dumps(analysis_json(_core(FRONT, 2.5))))
    assert "ov-measure" in data["overlay"] and "Shoulder tilt" in data["panel"]
    photo.refresh_from_db()
    assert photo.scale_mm_per_px == pytest.approx(2.5)


def test_the_api_gives_the_same_analysis_as_the_core(therapist_client, photo):  # type: ignore[no-untyped-def]
    a = photo.assessment
    path = f"/api/v1/clients/{a.patient_id}/assessments/{a.pk}/photos/{photo.pk}/landmarks"
    body = {"landmarks": {k: list(v) for k, v in FRONT.items()}}
    response = therapist_client.post(path, body, content_type="application/json")
    assert response.status_code == 200
    expected = json.loads(json.dumps(analysis_json(_core(FRONT))))
    assert response.json()["analysis"] == expected
    got = therapist_client.get(f"/api/v1/clients/{a.patient_id}/assessments/{a.pk}").json()
    assert got["photos"][0]["analysis"] == expected
    assert got["photos"][0]["landmarks"] == body["landmarks"]


def test_swapped_sides_are_named_in_a_warning(therapist_client, photo):  # type: ignore[no-untyped-def]
    swapped = {"asis_right": (300.0, 330.0), "asis_left": (100.0, 330.0)}
    therapist_client.post(_url(photo), _form(swapped))
    page = therapist_client.get(_url(photo)).content.decode()
    assert "Implausible order" in page
    assert "left and right are not swapped" in page


def test_a_landmark_of_another_view_is_refused(therapist_client, photo):  # type: ignore[no-untyped-def]
    a = photo.assessment
    path = f"/api/v1/clients/{a.patient_id}/assessments/{a.pk}/photos/{photo.pk}/landmarks"
    response = therapist_client.post(
        path, {"landmarks": {"tragus": [10, 10]}}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "tragus"
    photo.refresh_from_db()
    assert photo.landmarks == {}


def test_half_a_point_is_a_field_error(therapist_client, photo):  # type: ignore[no-untyped-def]
    response = therapist_client.post(_url(photo), {"x_c7": "", "x_acromion_left": 12})
    assert response.status_code == 400
    assert "Give both x and y for Acromion, left" in response.content.decode()


def test_landmark_changes_are_audited_in_plain_words(therapist_client, photo):  # type: ignore[no-untyped-def]
    therapist_client.post(_url(photo), _form(FRONT))
    moved = dict(FRONT, acromion_left=(300.0, 170.0))
    therapist_client.post(_url(photo), _form(moved))
    summaries = list(
        AuditEvent.objects.filter(object_type="PosturePhoto", action="update")
        .order_by("id")
        .values_list("summary", flat=True)
    )
    assert summaries[0] == (
        "Posture (front photo): placed Acromion left, Acromion right, ASIS left, ASIS right"
    )
    assert summaries[1] == "Posture (front photo): moved Acromion left"
