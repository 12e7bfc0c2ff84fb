"""The progress report for a physician or insurer: what the printed document says."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils import timezone

from myomap.clinics.models import User
from myomap.intake import bodymap
from myomap.intake.models import IntakeStatus, PainMap
from myomap.outcomes import selectors
from myomap.patients.models import Patient


def _complaint(patient: Patient) -> dict[str, Any] | None:
    """The main complaint and its history from the latest completed intake."""
    intake = patient.intakes.filter(status=IntakeStatus.SUBMITTED).order_by("-submitted_at").first()
    if intake is None:
        return None
    answers = intake.answers.get("complaint", {})
    goals = intake.answers.get("goals", {})
    return {
        "main": (answers.get("main_complaint") or "").strip(),
        "history": (answers.get("complaint_history") or "").strip(),
        "onset_date": answers.get("onset_date") or "",
        "goals": (goals.get("goals") or "").strip(),
        "date": intake.submitted_at,
    }


def _pain_maps(patient: Patient) -> list[dict[str, Any]]:
    """The first and the latest pain map, as regions with intensity (then and now)."""
    maps = list(
        PainMap.objects.filter(patient=patient, marks__isnull=False)
        .distinct()
        .order_by("recorded_at", "id")
        .prefetch_related("marks")
    )
    chosen = maps[:1] + (maps[-1:] if len(maps) > 1 else [])
    shown = []
    for index, pain_map in enumerate(chosen):
        marks = bodymap.marks_of(pain_map)
        shown.append(
            {
                "title": "First pain map" if index == 0 and len(chosen) > 1 else "Pain map",
                "date": pain_map.recorded_at,
                "regions": [
                    {"label": bodymap.region_label(r), "intensity": i, "quality": q}
                    for r, i, q in sorted(marks, key=lambda m: -m[1])
                ],
            }
        )
    if len(shown) == 2:
        shown[1]["title"] = "Latest pain map"
    return shown


def _screening(patient: Patient) -> dict[str, Any] | None:
    """The latest safety screening decision, when the screening app records one."""
    try:
        model = apps.get_model("screening", "Screening")
    except LookupError:
        return None
    latest = model.objects.filter(patient=patient).order_by("-created_at", "-id").first()
    if latest is None:
        return None
    decision = getattr(latest, "get_decision_display", lambda: str(latest.decision))()
    return {"decision": decision, "date": latest.created_at}


def _sessions(patient: Patient) -> list[Any]:
    """Treatment sessions, when an app records them (none yet)."""
    for model in apps.get_models():
        if model.__name__ == "TreatmentSession" and hasattr(model, "patient"):
            return list(model.objects.filter(patient=patient))
    return []


def report_context(patient: Patient, *, author: User) -> dict[str, Any]:
    progress = selectors.progress_of(patient)
    return {
        "clinic": patient.clinic,
        "patient": patient,
        "author": author,
        "today": timezone.localdate(),
        "complaint": _complaint(patient),
        "pain_maps": _pain_maps(patient),
        "screening": _screening(patient),
        "sessions": _sessions(patient),
        "progress": progress,
    }
