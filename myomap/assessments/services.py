"""Writes for assessments. Each change writes a readable audit row in its transaction."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from myomap.assessments.images import clean_photo
from myomap.assessments.models import (
    Assessment,
    ElementOverride,
    ExamResult,
    PalpationFinding,
    PosturePhoto,
)
from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.intake.models import PainMap
from myomap.patients.models import Patient
from myomap.screening.gate import Gate, require_treatment_allowed, treatment_gate
from myomap_core import pressure
from myomap_core.elements import Element
from myomap_core.errors import DomainError
from myomap_core.examination import check_result, exam_test
from myomap_core.knowledge import load_knowledge_base
from myomap_core.posture import Landmark
from myomap_core.posture import View as CoreView
from myomap_core.posture import landmarks_for as core_landmarks_for
from myomap_core.pressure import PressureUnit


def hands_on_gate(patient: Patient) -> Gate:
    """Whether movement tests and palpation may be done for this client now, and why.

    Hands-on examination loads tissue like treatment does, so it waits behind the same gate;
    the services that record it ask ``require_treatment_allowed`` themselves.
    """
    return treatment_gate(patient)


def hands_on_allowed(patient: Patient) -> bool:
    return hands_on_gate(patient).allowed


def _audit(
    assessment: Assessment,
    action: AuditAction,
    actor: User,
    summary: str,
    origin: Origin | None,
    obj: object | None = None,
) -> None:
    audit_record(
        action=action,
        clinic=assessment.clinic,
        actor=actor,
        patient=assessment.patient,
        obj=obj or assessment,
        summary=summary,
        origin=origin,
    )


def _when(assessment: Assessment) -> str:
    return f"{assessment.visit_date:%-d %b %Y}"


# --- Assessment --------------------------------------------------------------------------


@transaction.atomic
def assessment_start(*, actor: User, patient: Patient, origin: Origin | None = None) -> Assessment:
    """Open today's assessment, linked to the client's latest pain map."""
    pain_map = PainMap.objects.filter(patient=patient, marks__isnull=False).first()
    assessment = Assessment(
        clinic=patient.clinic, patient=patient, created_by=actor, pain_map=pain_map
    )
    assessment.full_clean()
    assessment.save()
    _audit(
        assessment,
        AuditAction.CREATE,
        actor,
        f"Started an assessment ({_when(assessment)})",
        origin,
    )
    return assessment


# --- Posture photos ----------------------------------------------------------------------


def photo_add(
    *,
    actor: User,
    assessment: Assessment,
    view: str,
    upload: UploadedFile[bytes],
    origin: Origin | None = None,
) -> PosturePhoto:
    """Store a posture photo re-encoded without metadata. ``PhotoRejected`` stores nothing.

    Decoding and re-encoding take seconds for a large photo, and the file is written to disk:
    both happen before the transaction, which then only inserts the row and its audit entry,
    so other users' writes never wait for an upload.
    """
    clean = clean_photo(upload)
    photo = PosturePhoto(
        assessment=assessment,
        view=view,
        width=clean.width,
        height=clean.height,
        uploaded_by=actor,
    )
    photo.full_clean(exclude=["image"])
    photo.image.save(
        f"{uuid.uuid4().hex}.{clean.extension}", ContentFile(clean.content), save=False
    )
    try:
        with transaction.atomic():
            photo.save()
            _audit(
                assessment,
                AuditAction.CREATE,
                actor,
                f"Added a {photo.get_view_display().lower()} posture photo to the assessment "
                f"of {_when(assessment)}",
                origin,
                photo,
            )
    except Exception:
        photo.image.delete(save=False)
        raise
    return photo


def landmarks_for(view: str) -> tuple[Landmark, ...]:
    """The landmarks that can be placed on a photo of this view, in placing order."""
    return core_landmarks_for(CoreView(view))


def landmark_label(landmark_id: str) -> str:
    try:
        return Landmark(landmark_id).label
    except ValueError:
        return landmark_id.replace("_", " ")


def _point(field: str, value: Any, photo: PosturePhoto) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValidationError({field: "Give the point as two numbers, x and y."}) from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValidationError({field: "Coordinates must be ordinary numbers."})
    limit = 2 * max(photo.width, photo.height)
    if not (-limit <= x <= limit and -limit <= y <= limit):
        raise ValidationError({field: "This point lies far outside the photo."})
    return round(x, 1), round(y, 1)


@transaction.atomic
def photo_landmarks_save(
    *,
    actor: User,
    photo: PosturePhoto,
    landmarks: Mapping[str, object],
    scale_points: Iterable[object] | None = None,
    scale_length_mm: float | None = None,
    origin: Origin | None = None,
) -> bool:
    """Replace the photo's landmarks (and scale marker); returns whether anything changed.

    Unknown landmarks, or ones that do not belong on this view, are field errors. Points
    outside the photo are kept: the analysis names them in a warning.
    """
    photo = PosturePhoto.objects.select_for_update().get(pk=photo.pk)
    allowed = {lm.value for lm in landmarks_for(photo.view)}
    new: dict[str, list[float]] = {}
    for key, value in landmarks.items():
        if key not in allowed:
            raise ValidationError(
                {key: f"{landmark_label(key)} is not placed on a {photo.view} view."}
            )
        new[key] = list(_point(key, value, photo))
    points = [list(_point("scale_points", p, photo)) for p in (scale_points or [])]
    if points and len(points) != 2:
        raise ValidationError({"scale_points": "The scale marker needs exactly two points."})
    if scale_length_mm is not None and not (1 <= scale_length_mm <= 5000):
        raise ValidationError({"scale_length_mm": "Give the marker's length in mm (1–5000)."})
    if points and scale_length_mm is None:
        raise ValidationError({"scale_length_mm": "Give the real length of the scale marker."})
    old, old_scale = dict(photo.landmarks), (list(photo.scale_points), photo.scale_length_mm)
    if old == new and old_scale == (points, scale_length_mm):
        return False
    photo.landmarks = new
    photo.scale_points = points
    photo.scale_length_mm = scale_length_mm if points else None
    photo.full_clean()
    photo.save()
    _audit(
        photo.assessment,
        AuditAction.UPDATE,
        actor,
        _landmark_summary(photo, old, new, old_scale != (points, scale_length_mm)),
        origin,
        photo,
    )
    return True


def _landmark_summary(
    photo: PosturePhoto, old: Mapping[str, object], new: Mapping[str, object], scale: bool
) -> str:
    def name(key: str) -> str:
        return landmark_label(key).replace(", ", " ")

    placed = [name(k) for k in new if k not in old]
    moved = [name(k) for k in new if k in old and old[k] != new[k]]
    removed = [name(k) for k in old if k not in new]
    parts = []
    for verb, names in (("placed", placed), ("moved", moved), ("removed", removed)):
        if names:
            parts.append(f"{verb} {', '.join(names[:4])}{' and more' if len(names) > 4 else ''}")
    if scale:
        parts.append("set the scale marker" if photo.scale_points else "removed the scale marker")
    what = "; ".join(parts) or "saved the landmarks"
    return f"Posture ({photo.get_view_display().lower()} photo): {what}"[:500]


# --- Examination -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExamEntry:
    test_id: str
    side: str  # "" | "left" | "right"
    value: float | None
    positive: bool | None
    painful: bool = False
    pain_where: str = ""

    @property
    def empty(self) -> bool:
        return self.value is None and self.positive is None and not self.painful


@transaction.atomic
def exam_results_save(
    *,
    actor: User,
    assessment: Assessment,
    entries: Iterable[ExamEntry],
    origin: Origin | None = None,
) -> int:
    """Store examination results (blank entries clear a result); returns how many changed.

    Out-of-range values raise ``DomainError`` from the core before anything is stored;
    the safety gate comes first (``TreatmentBlocked``).
    """
    require_treatment_allowed(assessment.patient)
    entries = list(entries)
    for e in entries:
        if not e.empty:
            check_result(e.test_id, e.value, e.positive)
    changed: list[str] = []
    for e in entries:
        existing = ExamResult.objects.filter(
            assessment=assessment, test_id=e.test_id, side=e.side
        ).first()
        label = exam_test(e.test_id).label + (f" ({e.side})" if e.side else "")
        if e.empty:
            if existing is not None:
                existing.delete()
                changed.append(f"cleared {label}")
            continue
        if existing is not None and (
            existing.value,
            existing.positive,
            existing.painful,
            existing.pain_where,
        ) == (e.value, e.positive, e.painful, e.pain_where):
            continue
        result = existing or ExamResult(
            assessment=assessment, test_id=e.test_id, side=e.side, recorded_by=actor
        )
        result.value, result.positive = e.value, e.positive
        result.painful, result.pain_where = e.painful, e.pain_where[:200]
        result.recorded_by = actor
        result.full_clean()
        result.save()
        changed.append(f"{label} {_exam_text(e)}")
    if changed:
        _audit(
            assessment,
            AuditAction.UPDATE,
            actor,
            "Examination: " + "; ".join(changed),
            origin,
        )
    return len(changed)


def _exam_text(e: ExamEntry) -> str:
    bits = []
    if e.value is not None:
        bits.append(f"{e.value:g}")
    if e.positive is not None:
        bits.append("positive" if e.positive else "negative")
    if e.painful:
        bits.append("painful" + (f" ({e.pain_where})" if e.pain_where else ""))
    return ", ".join(bits)


# --- Palpation ---------------------------------------------------------------------------

TOGGLES = {
    "taut_band": "taut band",
    "nodule": "nodule",
    "twitch": "local twitch response",
    "referral_reproduced": "referral reproduced",
}


def finding_label(finding: PalpationFinding) -> str:
    kb = load_knowledge_base()
    name = kb.muscle(finding.muscle_id).name
    point = ""
    if finding.trigger_point:
        try:
            label = kb.muscle(finding.muscle_id).trigger_point(finding.trigger_point).label
            point = ", " + label[:1].lower() + label[1:]
        except Exception:
            point = ", " + finding.trigger_point.replace("_", " ")
    side = f" ({finding.side})" if finding.side else ""
    return f"{name}{point}{side}"


@transaction.atomic
def palpation_finding_add(
    *,
    actor: User,
    assessment: Assessment,
    muscle_id: str,
    trigger_point: str = "",
    side: str = "",
    origin: Origin | None = None,
) -> PalpationFinding:
    """Start (or reopen) the finding for a muscle's trigger point on one side, once the
    safety gate allows hands-on work (``TreatmentBlocked`` otherwise)."""
    require_treatment_allowed(assessment.patient)
    muscle = load_knowledge_base().muscle(muscle_id)  # DomainError for unknown ids
    if trigger_point:
        muscle.trigger_point(trigger_point)
    finding, created = PalpationFinding.objects.get_or_create(
        assessment=assessment,
        muscle_id=muscle.id,
        trigger_point=trigger_point,
        side=side,
        defaults={"recorded_by": actor},
    )
    if created:
        finding.full_clean()
        _audit(
            assessment,
            AuditAction.CREATE,
            actor,
            f"Palpation: started a finding at {finding_label(finding)}",
            origin,
            finding,
        )
    return finding


@transaction.atomic
def palpation_tap(
    *,
    actor: User,
    finding: PalpationFinding,
    tap: str,
    origin: Origin | None = None,
) -> str:
    """Apply one tap: ``taut_band`` (toggle), ``active:1|0|`` , ``tenderness:0-3|``,
    ``region:<id>`` (toggle a region where the referral was felt). Returns what changed."""
    finding = (
        PalpationFinding.objects.select_for_update()
        .select_related("assessment__patient")
        .get(pk=finding.pk)
    )
    require_treatment_allowed(finding.assessment.patient)
    name, _, arg = tap.partition(":")
    if name in TOGGLES:
        value = not getattr(finding, name)
        setattr(finding, name, value)
        text = f"{TOGGLES[name]} {'yes' if value else 'no'}"
    elif name == "active":
        finding.active = {"1": True, "0": False}.get(arg)
        text = {True: "active", False: "latent", None: "activity not stated"}[finding.active]
    elif name == "tenderness":
        if arg == "":
            finding.tenderness = None
            text = "tenderness cleared"
        elif arg in ("0", "1", "2", "3"):
            finding.tenderness = int(arg)
            text = f"tenderness {arg}/3"
        else:
            raise ValidationError({"tenderness": "Tenderness is graded 0 to 3."})
    elif name == "region":
        from myomap_core import atlas

        label = atlas.region(arg).label  # DomainError for unknown regions
        regions = list(finding.referral_regions)
        if arg in regions:
            regions.remove(arg)
            text = f"referral not felt in {label}"
        else:
            regions.append(arg)
            finding.referral_reproduced = True
            text = f"referral felt in {label}"
        finding.referral_regions = regions
    else:
        raise ValidationError({"tap": f"Unknown finding {name!r}."})
    finding.recorded_by = actor
    finding.full_clean()
    finding.save()
    _audit(
        finding.assessment,
        AuditAction.UPDATE,
        actor,
        f"Palpation at {finding_label(finding)}: {text}",
        origin,
        finding,
    )
    return text


PPT_UNITS = {
    u.value: u.label
    for u in (PressureUnit.KG_CM2, PressureUnit.LB, PressureUnit.LB_CM2, PressureUnit.KPA)
}


@transaction.atomic
def palpation_ppt_save(
    *,
    actor: User,
    finding: PalpationFinding,
    value: float | None,
    unit: str,
    probe_cm2: float = 1.0,
    origin: Origin | None = None,
) -> None:
    """Store the pressure pain threshold in kPa, keeping what was entered and the probe."""
    if unit not in PPT_UNITS:
        raise ValidationError({"ppt_unit": "Choose kg/cm², lb, lb/cm² or kPa."})
    if not (0.1 <= probe_cm2 <= 10):
        raise ValidationError({"probe_cm2": "The probe area is between 0.1 and 10 cm²."})
    if value is not None and not (value > 0 and math.isfinite(value)):
        raise ValidationError({"ppt": "The threshold must be more than zero."})
    finding = (
        PalpationFinding.objects.select_for_update()
        .select_related("assessment__patient")
        .get(pk=finding.pk)
    )
    require_treatment_allowed(finding.assessment.patient)
    try:
        kpa = pressure.kpa_from(value, unit, probe_cm2) if value is not None else None
    except DomainError as exc:
        raise ValidationError({"ppt": exc.message}) from None
    finding.ppt_kpa = round(kpa, 2) if kpa is not None else None
    finding.ppt_unit = unit if value is not None else ""
    finding.ppt_entered = value
    finding.probe_cm2 = probe_cm2
    finding.full_clean()
    finding.save()
    shown = (
        f"{value:g} {PPT_UNITS[unit]} ({finding.ppt_kpa:g} kPa, probe {probe_cm2:g} cm²)"
        if value is not None
        else "cleared"
    )
    _audit(
        finding.assessment,
        AuditAction.UPDATE,
        actor,
        f"Palpation at {finding_label(finding)}: pressure pain threshold {shown}",
        origin,
        finding,
    )


@transaction.atomic
def palpation_finding_remove(
    *, actor: User, finding: PalpationFinding, origin: Origin | None = None
) -> None:
    """Remove a finding recorded by mistake (the audit log keeps what it was)."""
    label = finding_label(finding)
    assessment = finding.assessment
    finding.delete()
    _audit(
        assessment, AuditAction.UPDATE, actor, f"Palpation: removed the finding at {label}", origin
    )


# --- Five elements -----------------------------------------------------------------------


@transaction.atomic
def element_override_set(
    *,
    actor: User,
    assessment: Assessment,
    element: str,
    rating: int,
    reason: str,
    origin: Origin | None = None,
) -> ElementOverride:
    """Rate an element by hand. The reason is required and kept."""
    label = Element(element).label
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why you rate this element differently."})
    override = ElementOverride.objects.filter(assessment=assessment, element=element).first()
    override = override or ElementOverride(assessment=assessment, element=element, set_by=actor)
    override.rating, override.reason, override.set_by = rating, reason[:500], actor
    override.full_clean()
    override.save()
    _audit(
        assessment,
        AuditAction.UPDATE,
        actor,
        f"Five elements: rated {label.lower()} {rating}/3 by hand ({reason[:200]})",
        origin,
        override,
    )
    return override


@transaction.atomic
def element_override_clear(
    *, actor: User, assessment: Assessment, element: str, origin: Origin | None = None
) -> None:
    label = Element(element).label
    deleted, _ = ElementOverride.objects.filter(assessment=assessment, element=element).delete()
    if deleted:
        _audit(
            assessment,
            AuditAction.UPDATE,
            actor,
            f"Five elements: {label.lower()} back to the computed rating",
            origin,
        )


__all__ = [
    "assessment_start",
    "element_override_clear",
    "element_override_set",
    "exam_results_save",
    "hands_on_allowed",
    "hands_on_gate",
    "palpation_finding_add",
    "palpation_finding_remove",
    "palpation_ppt_save",
    "palpation_tap",
    "photo_add",
    "photo_landmarks_save",
]
