"""The progress report for a physician or insurer: what the printed document says."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils import timezone

from myomap.clinics.models import User
from myomap.intake.models import IntakeStatus
from myomap.outcomes import selectors
from myomap.outcomes.findings import findings_of
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


def report_context(patient: Patient, *, author: User, ppt_unit: str = "kg_cm2") -> dict[str, Any]:
    progress = selectors.progress_of(patient)
    return {
        "clinic": patient.clinic,
        "patient": patient,
        "author": author,
        "today": timezone.localdate(),
        "complaint": _complaint(patient),
        "screening": _screening(patient),
        "sessions": _sessions(patient),
        "progress": progress,
        "findings": findings_of(patient, unit=ppt_unit),
    }
