"""``access_assessment``, ``access_photo`` and ``access_finding``: the doors to a client's
assessment and what it holds, for pages and the API."""

from __future__ import annotations

from django.http import HttpRequest

from myomap.assessments.models import Assessment, PalpationFinding, PosturePhoto
from myomap.clinics.models import User
from myomap.patients.access import access_patient, client_row

ASSESSMENT_RELATED = ("patient", "clinic")
"""The rows every caller of the door gets with an assessment."""


def access_assessment(
    user: User,
    patient_id: int,
    assessment_id: int,
    *,
    request: HttpRequest | None = None,
    lock: bool = False,
    what: str = "assessment",
) -> Assessment:
    """The client's assessment if ``user`` may see it (clinical: 403 for the front desk);
    404 for another clinic's client or another client's assessment."""
    patient = access_patient(user, patient_id, request=request, clinical=True, what=what)
    return client_row(
        Assessment.objects.select_related(*ASSESSMENT_RELATED),
        lock=lock,
        pk=assessment_id,
        patient=patient,
    )


def access_photo(
    user: User,
    patient_id: int,
    assessment_id: int,
    photo_id: int,
    *,
    request: HttpRequest | None = None,
    lock: bool = False,
) -> PosturePhoto:
    """One posture photo of the client's assessment, with its assessment."""
    assessment = access_assessment(
        user, patient_id, assessment_id, request=request, what="posture photo"
    )
    photo = client_row(PosturePhoto.objects.all(), lock=lock, pk=photo_id, assessment=assessment)
    photo.assessment = assessment
    return photo


def access_finding(
    user: User,
    patient_id: int,
    assessment_id: int,
    finding_id: int,
    *,
    request: HttpRequest | None = None,
    lock: bool = False,
) -> PalpationFinding:
    """One palpation finding of the client's assessment, with its assessment."""
    assessment = access_assessment(
        user, patient_id, assessment_id, request=request, what="palpation findings"
    )
    finding = client_row(
        PalpationFinding.objects.all(), lock=lock, pk=finding_id, assessment=assessment
    )
    finding.assessment = assessment
    return finding
