"""The assessments endpoints of the JSON API: the same services and selectors as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from myomap.assessments import selectors
from myomap.assessments.access import access_assessment, access_photo
from myomap.assessments.models import Assessment, ExamResult, PalpationFinding, PosturePhoto
from myomap.assessments.schemas import AssessmentOut, AssessmentSummaryOut, LandmarksIn
from myomap.assessments.services import photo_landmarks_save
from myomap.common.audit import Origin
from myomap.common.request import clinic_user
from myomap.patients.access import access_patient
from myomap_core.examination import exam_test
from myomap_core.posture import analysis_json

router = Router(tags=["assessments"])
BASE = "/clients/{patient_id}/assessments"


def _photo_out(photo: PosturePhoto) -> dict[str, Any]:
    return {
        "id": photo.pk,
        "view": photo.view,
        "width": photo.width,
        "height": photo.height,
        "landmarks": photo.landmarks,
        "scale_mm_per_px": photo.scale_mm_per_px,
        "analysis": analysis_json(selectors.posture_analysis(photo)),
    }


@router.get(BASE, response=list[AssessmentSummaryOut])
def list_assessments(request: HttpRequest, patient_id: int) -> list[Assessment]:
    patient = access_patient(
        clinic_user(request), patient_id, request=request, clinical=True, what="assessments"
    )
    return list(selectors.assessments_of(patient))


@router.get(BASE + "/{assessment_id}", response=AssessmentOut)
def get_assessment(request: HttpRequest, patient_id: int, assessment_id: int) -> dict[str, Any]:
    """The assessment with each photo's posture analysis, the examination results, the
    palpation findings (pressure in kPa with the probe area) and the five-element profile."""
    a = access_assessment(clinic_user(request), patient_id, assessment_id, request=request)
    profile = selectors.element_profile(a)
    previous = selectors.previous_assessment(a)
    return {
        "id": a.pk,
        "patient_id": a.patient_id,
        "visit_date": a.visit_date,
        "photos": [_photo_out(p) for p in PosturePhoto.objects.filter(assessment=a)],
        "exam_results": [
            {
                "test_id": r.test_id,
                "label": exam_test(r.test_id).label,
                "side": r.side or None,
                "value": r.value,
                "positive": r.positive,
                "painful": r.painful,
                "pain_where": r.pain_where,
            }
            for r in ExamResult.objects.filter(assessment=a)
        ],
        "palpation": [
            {
                **{
                    k: getattr(f, k)
                    for k in (
                        "muscle_id",
                        "active",
                        "taut_band",
                        "nodule",
                        "twitch",
                        "referral_reproduced",
                        "referral_regions",
                        "tenderness",
                        "ppt_kpa",
                        "probe_cm2",
                        "ppt_unit",
                        "ppt_entered",
                    )
                },
                "id": f.pk,
                "trigger_point": f.trigger_point or None,
                "side": f.side or None,
            }
            for f in PalpationFinding.objects.filter(assessment=a)
        ],
        "elements": [
            {
                "element": str(r.element),
                "label": r.element.label,
                "rating": r.rating,
                "computed": r.computed,
                "overridden": r.overridden,
                "override_reason": r.override_reason,
                "evidence": [
                    {"text": e.text, "weight": e.weight, "source": e.source} for e in r.evidence
                ],
            }
            for r in profile.ratings
        ],
        "previous_id": previous.pk if previous else None,
    }


@router.get(BASE + "/{assessment_id}/photos/{photo_id}/landmarks", response=dict[str, Any])
def get_landmarks(
    request: HttpRequest, patient_id: int, assessment_id: int, photo_id: int
) -> dict[str, Any]:
    """The photo's landmarks and its posture analysis (the ``myomap posture --json`` shape)."""
    return _photo_out(
        access_photo(clinic_user(request), patient_id, assessment_id, photo_id, request=request)
    )


@router.post(BASE + "/{assessment_id}/photos/{photo_id}/landmarks", response=dict[str, Any])
def post_landmarks(
    request: HttpRequest, patient_id: int, assessment_id: int, photo_id: int, payload: LandmarksIn
) -> dict[str, Any]:
    """Replace the photo's landmarks; returns the posture analysis, as the CLI gives it."""
    photo = access_photo(clinic_user(request), patient_id, assessment_id, photo_id, request=request)
    photo_landmarks_save(
        actor=clinic_user(request),
        photo=photo,
        landmarks={k: list(v) for k, v in payload.landmarks.items()},
        scale_points=[list(p) for p in payload.scale_points],
        scale_length_mm=payload.scale_length_mm,
        origin=Origin.of(request),
    )
    photo.refresh_from_db()
    return _photo_out(photo)
