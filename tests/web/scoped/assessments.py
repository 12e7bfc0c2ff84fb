"""An assessment with a posture photo and a palpation finding."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from myomap.assessments.services import assessment_start, palpation_finding_add, photo_add


def png_upload(name: str = "front.png", size: tuple[int, int] = (60, 120)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 190, 180)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def make(therapist: Any, patient: Any) -> dict[str, object]:
    assessment = assessment_start(actor=therapist, patient=patient)
    photo = photo_add(actor=therapist, assessment=assessment, view="front", upload=png_upload())
    finding = palpation_finding_add(
        actor=therapist, assessment=assessment, muscle_id="quadratus_lumborum", side="left"
    )
    return {
        "assessment_id": assessment.pk,
        "photo_id": photo.pk,
        "finding_id": finding.pk,
        "category": "strength",
    }
