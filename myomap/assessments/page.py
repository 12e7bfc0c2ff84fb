"""What the assessment page shows, gathered in one place for the views."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from myomap import bodymap
from myomap.assessments import selectors
from myomap.assessments.forms import CATEGORIES, ExamForm, OverrideForm, PhotoForm, PptForm
from myomap.assessments.models import Assessment, ExamResult, PalpationFinding
from myomap.assessments.services import PPT_UNITS, hands_on_gate
from myomap.intake.models import PainMap
from myomap.intake.selectors import latest_submitted_intake, worse_with
from myomap.knowledge.candidates import candidates_for
from myomap_core import pressure
from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.pain import pain_marks

PPT_SESSION_KEY = "ppt_unit"
SEARCH_LIMIT = 12


def ppt_unit(request: HttpRequest) -> str:
    unit = request.session.get(PPT_SESSION_KEY, "kg_cm2")
    return unit if unit in PPT_UNITS else "kg_cm2"


def ppt_in(kpa: float | None, unit: str, probe_cm2: float) -> float | None:
    if kpa is None:
        return None
    return round(pressure.to_unit(kpa, unit, probe_cm2), 2)


def finding_view(finding: PalpationFinding, unit: str, pain_map: PainMap | None) -> dict[str, Any]:
    kb = load_knowledge_base()
    muscle = kb.muscle(finding.muscle_id)
    point = None
    if finding.trigger_point:
        try:
            point = muscle.trigger_point(finding.trigger_point)
        except DomainError:
            point = None
    marked = bodymap.marks_of(pain_map)
    regions = [(r, bodymap.region_label(r)) for r, _, _ in marked]
    for r in finding.referral_regions:
        if r not in {x for x, _ in regions}:
            regions.append((r, bodymap.region_label(r)))
    shown = ppt_in(finding.ppt_kpa, unit, finding.probe_cm2)
    return {
        "f": finding,
        "muscle": muscle,
        "point": point,
        "side": finding.side,
        "regions": regions,
        "ppt_shown": shown,
        "ppt_form": PptForm(
            initial={"ppt": shown, "ppt_unit": unit, "probe_cm2": finding.probe_cm2}
        ),
        "tenderness_steps": ["0", "1", "2", "3"],
    }


def _search(q: str) -> list[Any]:
    q = q.strip().lower()[:60]
    if not q:
        return []
    kb = load_knowledge_base()
    hits = [
        m
        for m in kb.muscles
        if q in m.name.lower()
        or q in m.id.replace("_", " ")
        or any(q in a.lower() for a in m.aliases)
    ]
    return sorted(hits, key=lambda m: (not m.name.lower().startswith(q), m.name))[:SEARCH_LIMIT]


def photo_views(assessment: Assessment) -> list[dict[str, Any]]:
    out = []
    for photo in selectors.photos_of(assessment):
        analysis = selectors.posture_analysis(photo)
        out.append(
            {
                "photo": photo,
                "analysis": analysis,
                "overlay": selectors.overlay(photo, analysis),
                "image_url": reverse(
                    "assessments:photo_image",
                    args=[assessment.patient_id, assessment.pk, photo.pk],
                ),
                "edit_url": reverse(
                    "assessments:photo", args=[assessment.patient_id, assessment.pk, photo.pk]
                ),
            }
        )
    return out


def elements_context(assessment: Assessment) -> dict[str, Any]:
    profile = selectors.element_profile(assessment)
    previous = selectors.previous_assessment(assessment)
    previous_profile = selectors.element_profile(previous) if previous else None
    return {
        "profile": profile,
        "previous": previous,
        "bars": selectors.element_bars(profile, previous_profile),
    }


def page_context(
    request: HttpRequest,
    assessment: Assessment,
    *,
    photo_form: PhotoForm | None = None,
    exam_forms: dict[str, ExamForm] | None = None,
    override_form: OverrideForm | None = None,
) -> dict[str, Any]:
    patient = assessment.patient
    unit = ppt_unit(request)
    pain_map = selectors.pain_map_of(assessment)
    marks = bodymap.marks_of(pain_map)
    results = list(ExamResult.objects.filter(assessment=assessment))
    exam_forms = exam_forms or {}
    exams = []
    for category, title in CATEGORIES.items():
        form = exam_forms.get(category) or ExamForm(
            initial=ExamForm.initial_for(results), category=category
        )
        if form.rows:
            exams.append({"category": category, "title": title, "form": form})
    q = request.GET.get("q", "")
    findings = [
        finding_view(f, unit, pain_map)
        for f in PalpationFinding.objects.filter(assessment=assessment)
    ]
    return {
        "patient": patient,
        "assessment": assessment,
        "hands_on": hands_on_gate(patient),
        "pain_map": pain_map,
        "chart": bodymap.chart(marks),
        "marks": [
            {"label": bodymap.region_label(r), "intensity": i, "quality": q_} for r, i, q_ in marks
        ],
        "candidates": candidates_for(
            pain_marks(marks), worse_with(latest_submitted_intake(patient))
        ),
        "q": q,
        "muscle_results": _search(q),
        "findings": findings,
        "found": {f"{v['f'].muscle_id}|{v['f'].trigger_point}|{v['f'].side}" for v in findings},
        "ppt_unit": unit,
        "ppt_units": PPT_UNITS,
        "photos": photo_views(assessment),
        "photo_form": photo_form or PhotoForm(),
        "exams": exams,
        "override_form": override_form or OverrideForm(),
        **elements_context(assessment),
    }


def tap_context(
    request: HttpRequest,
    assessment: Assessment,
    finding: PalpationFinding,
    errors: dict[str, list[str]],
) -> dict[str, Any]:
    """What one palpation tap re-renders: its finding, and the five elements it may move."""
    return {
        "patient": assessment.patient,
        "assessment": assessment,
        "f": finding_view(finding, ppt_unit(request), selectors.pain_map_of(assessment)),
        "f_errors": errors,
        "ppt_unit": ppt_unit(request),
        "ppt_units": PPT_UNITS,
        "override_form": OverrideForm(),
        **elements_context(assessment),
    }
