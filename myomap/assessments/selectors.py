"""Reads for assessments: the core's analyses of what was recorded, and drawing data."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from myomap.assessments.models import (
    Assessment,
    ElementOverride,
    ExamResult,
    PalpationFinding,
    PosturePhoto,
)
from myomap.common.read_once import once_per_page
from myomap.intake.models import PainMap
from myomap.intake.selectors import pain_map_with_marks
from myomap.patients.models import Patient
from myomap_core.elements import (
    AssessmentFacts,
    Element,
    ElementProfile,
    ExamFact,
    PalpationFact,
    rate_elements,
)
from myomap_core.pain import PainQuality
from myomap_core.posture import Landmark, PostureAnalysis, PostureInput, analyse
from myomap_core.posture import View as CoreView


def assessments_of(patient: Patient | int) -> QuerySet[Assessment]:
    """The client's assessments (a client or their id), latest first."""
    return Assessment.objects.filter(patient=patient).order_by("-visit_date", "-id")


@once_per_page
def latest_assessment(patient: Patient) -> Assessment | None:
    """The client's latest assessment (by visit date, then creation), or None."""
    return assessments_of(patient).first()


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The client's assessment before this one (by visit date, then creation)."""
    return (
        assessments_of(assessment.patient_id)
        .exclude(pk=assessment.pk)
        .filter(visit_date__lte=assessment.visit_date)
        .exclude(visit_date=assessment.visit_date, pk__gt=assessment.pk)
        .first()
    )


def pain_map_of(assessment: Assessment) -> PainMap | None:
    """The pain map the assessment started from, or the client's latest one."""
    if assessment.pain_map_id is not None:
        return pain_map_with_marks(assessment.pain_map_id)
    return (
        PainMap.objects.filter(patient=assessment.patient, marks__isnull=False)
        .prefetch_related("marks")
        .first()
    )


# --- Posture -----------------------------------------------------------------------------


def posture_input(photo: PosturePhoto) -> PostureInput:
    """What the core analyses: the same input the ``myomap posture`` command reads."""
    return PostureInput(
        view=CoreView(photo.view),
        landmarks={k: (float(v[0]), float(v[1])) for k, v in photo.landmarks.items()},
        scale_mm_per_px=photo.scale_mm_per_px,
        image_size=(photo.width, photo.height),
    )


@once_per_page
def photos_of(assessment: Assessment) -> list[PosturePhoto]:
    """The assessment's posture photos."""
    return list(PosturePhoto.objects.filter(assessment=assessment))


@once_per_page
def posture_analysis(photo: PosturePhoto) -> PostureAnalysis:
    return analyse(posture_input(photo))


@dataclass(frozen=True)
class OverlayLine:
    x1: float
    y1: float
    x2: float
    y2: float
    kind: str  # "measure" | "reference" | "scale"


@dataclass(frozen=True)
class OverlayLabel:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class OverlayPoint:
    id: str
    label: str
    x: float
    y: float
    anchor: str = "start"  # labels point away from the middle, clear of the measured lines


@dataclass(frozen=True)
class Overlay:
    width: int
    height: int
    unit: float  # one "pen" unit in image pixels, so drawings look alike on any photo size
    points: tuple[OverlayPoint, ...]
    lines: tuple[OverlayLine, ...]
    labels: tuple[OverlayLabel, ...]

    @property
    def stroke(self) -> float:
        return round(self.unit * 0.9, 2)

    @property
    def radius(self) -> float:
        return round(self.unit * 3.2, 2)

    @property
    def font(self) -> float:
        return round(self.unit * 8, 2)


def overlay(photo: PosturePhoto, analysis: PostureAnalysis) -> Overlay:
    """Landmarks, the measured lines, horizontal or vertical references and the values."""
    unit = max(photo.width, photo.height) / 400
    pts = {k: (float(v[0]), float(v[1])) for k, v in photo.landmarks.items()}
    lines: list[OverlayLine] = []
    labels: list[OverlayLabel] = []
    plumb_drawn = False
    for m in analysis.measures:
        if not m.measurable or m.segment is None or m.value is None:
            continue
        a, b = (pts.get(_visible(s, pts)) for s in m.segment)
        if a is None or b is None:
            continue
        if m.unit == "°":
            # The measured line, and the horizontal through its first point as long as it.
            lines.append(OverlayLine(a[0], a[1], b[0], b[1], "measure"))
            length = math.hypot(b[0] - a[0], b[1] - a[1]) or 1
            x2 = a[0] + length if b[0] >= a[0] else a[0] - length
            lines.append(OverlayLine(a[0], a[1], x2, a[1], "reference"))
            # The value sits by the horizontal, on the side away from the measured line.
            y = a[1] + 9 * unit if b[1] <= a[1] else a[1] - 3 * unit
            labels.append(OverlayLabel((a[0] + x2) / 2, y, _value(m)))
        elif m.id.startswith("plumb_line_"):
            # The plumb line is the vertical through the first point (the ankle); the offset
            # is drawn level from it to the landmark.
            if not plumb_drawn:
                top = min(p[1] for p in pts.values())
                lines.append(OverlayLine(a[0], a[1], a[0], top, "reference"))
                plumb_drawn = True
            lines.append(OverlayLine(a[0], b[1], b[0], b[1], "measure"))
            labels.append(
                # Beyond the plumb line, away from the landmark and its name.
                OverlayLabel(a[0] - 3 * unit, b[1] - 2 * unit, _value(m), "end")
                if b[0] >= a[0]
                else OverlayLabel(a[0] + 3 * unit, b[1] - 2 * unit, _value(m), "start")
            )
    if len(photo.scale_points) == 2:
        (x1, y1), (x2, y2) = photo.scale_points
        lines.append(OverlayLine(x1, y1, x2, y2, "scale"))
    points = tuple(
        OverlayPoint(k, _label(k), x, y, "end" if x < photo.width / 2 else "start")
        for k, (x, y) in pts.items()
    )
    return Overlay(photo.width, photo.height, unit, points, tuple(lines), tuple(labels))


def _value(m: Any) -> str:
    return f"{m.value:.1f}{m.unit}" if m.unit == "°" else f"{m.value:.0f} {m.unit}"


def _visible(landmark: str, pts: dict[str, tuple[float, float]]) -> str:
    # On the side view "asis"/"psis" stand for whichever side's point was placed.
    if landmark in pts:
        return landmark
    for side in ("left", "right"):
        if f"{landmark}_{side}" in pts:
            return f"{landmark}_{side}"
    return landmark


def _label(landmark_id: str) -> str:
    try:
        return Landmark(landmark_id).label
    except ValueError:
        return landmark_id.replace("_", " ")


# --- Five elements -----------------------------------------------------------------------


def assessment_facts(assessment: Assessment) -> AssessmentFacts:
    """Everything recorded in the assessment, as the core's element rules read it.

    Posture enters as the findings of every photo (measures above the finding thresholds).
    """
    palpation = tuple(
        PalpationFact(
            muscle_id=f.muscle_id,
            trigger_point=f.trigger_point or None,
            side=f.side or None,
            active=f.active,
            taut_band=f.taut_band,
            nodule=f.nodule,
            twitch=f.twitch,
            referral_reproduced=f.referral_reproduced,
            tenderness=f.tenderness,
            ppt_kpa=f.ppt_kpa,
        )
        for f in PalpationFinding.objects.filter(assessment=assessment)
    )
    exams = tuple(
        ExamFact(
            test_id=r.test_id,
            side=r.side or None,
            value=r.value,
            positive=r.positive,
            painful=r.painful,
        )
        for r in ExamResult.objects.filter(assessment=assessment)
    )
    posture = tuple(
        finding for photo in photos_of(assessment) for finding in posture_analysis(photo).findings
    )
    pain_map = pain_map_of(assessment)
    marks = list(pain_map.marks.all()) if pain_map is not None else []
    return AssessmentFacts(
        palpation=palpation,
        exams=exams,
        posture=posture,
        pain_qualities=tuple(sorted({m.quality for m in marks})),
        paraesthesia_regions=tuple(
            m.region_id for m in marks if m.quality == PainQuality.TINGLING.value
        ),
    )


@once_per_page
def element_profile(assessment: Assessment) -> ElementProfile:
    overrides = {
        o.element: (o.rating, o.reason)
        for o in ElementOverride.objects.filter(assessment=assessment)
    }
    return rate_elements(assessment_facts(assessment), overrides)


@dataclass(frozen=True)
class Bar:
    element: str
    label: str
    short: str
    current: int
    previous: int | None
    overridden: bool


SHORT = {
    "ischemia": "Ischemia",
    "trigger_points": "Trigger pts",
    "nerve_compression": "Nerve",
    "postural_distortion": "Posture",
    "biomechanical_dysfunction": "Biomech.",
}


def element_bars(current: ElementProfile, previous: ElementProfile | None) -> list[Bar]:
    before = {str(r.element): r.rating for r in previous.ratings} if previous else {}
    return [
        Bar(
            element=str(r.element),
            label=Element(r.element).label,
            short=SHORT.get(str(r.element), Element(r.element).label),
            current=r.rating,
            previous=before.get(str(r.element)),
            overridden=r.overridden,
        )
        for r in current.ratings
    ]


def headline_findings(assessment: Assessment, limit: int = 3) -> list[str]:
    """The posture findings of the assessment's photos, first few."""
    texts: list[str] = []
    for photo in photos_of(assessment):
        texts.extend(f.text for f in posture_analysis(photo).findings)
    return texts[:limit]


def unique(items: Iterable[str]) -> Sequence[str]:
    return list(dict.fromkeys(items))
