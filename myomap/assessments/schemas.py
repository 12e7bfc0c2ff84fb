from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Field, Schema


class LandmarksIn(Schema):
    """The landmarks of one photo, as the ``myomap posture`` command reads them."""

    landmarks: dict[str, tuple[float, float]] = Field(
        ..., description="Landmark id -> [x, y] in pixels of the stored photo (y down)."
    )
    scale_points: list[tuple[float, float]] = Field(
        default_factory=list, description="The scale marker's two ends, or none."
    )
    scale_length_mm: float | None = Field(None, ge=1, le=5000)


class PhotoOut(Schema):
    id: int
    view: str
    width: int
    height: int
    landmarks: dict[str, list[float]]
    scale_mm_per_px: float | None
    analysis: dict[str, Any]


class ExamResultOut(Schema):
    test_id: str
    label: str
    side: str | None
    value: float | None
    positive: bool | None
    painful: bool
    pain_where: str


class FindingOut(Schema):
    id: int
    muscle_id: str
    trigger_point: str | None
    side: str | None
    active: bool | None
    taut_band: bool
    nodule: bool
    twitch: bool
    referral_reproduced: bool
    referral_regions: list[str]
    tenderness: int | None
    ppt_kpa: float | None
    probe_cm2: float
    ppt_unit: str
    ppt_entered: float | None


class EvidenceOut(Schema):
    text: str
    weight: int
    source: str | None


class ElementOut(Schema):
    element: str
    label: str
    rating: int
    computed: int
    overridden: bool
    override_reason: str | None
    evidence: list[EvidenceOut]


class AssessmentOut(Schema):
    id: int
    patient_id: int
    visit_date: date
    photos: list[PhotoOut]
    exam_results: list[ExamResultOut]
    palpation: list[FindingOut]
    elements: list[ElementOut]
    previous_id: int | None


class AssessmentSummaryOut(Schema):
    id: int
    visit_date: date
