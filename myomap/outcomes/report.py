"""The progress report for a physician or insurer: what the printed document says."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from myomap.clinics.models import User
from myomap.intake.models import IntakeStatus
from myomap.outcomes import selectors
from myomap.outcomes.findings import findings_of
from myomap.patients.models import Patient
from myomap.screening.models import Screening
from myomap.sessions.models import SessionStatus, StepStatus, TreatmentSession
from myomap_core.knowledge import load_knowledge_base


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
    """The latest safety screening decision."""
    latest = Screening.objects.filter(patient=patient).order_by("-created_at", "-id").first()
    if latest is None:
        return None
    return {"decision": latest.get_decision_display(), "date": latest.created_at}


def _sessions(patient: Patient) -> list[dict[str, Any]]:
    """Finished treatment sessions: date, what was treated, pain at the start and the end."""
    kb = load_knowledge_base()
    rows = []
    finished = (
        TreatmentSession.objects.filter(patient=patient, status=SessionStatus.FINISHED)
        .prefetch_related("steps")
        .order_by("number")
    )
    for session in finished:
        treated: list[str] = []
        for step in session.steps.all():
            if step.status != StepStatus.DONE:
                continue
            name = kb.muscle(step.muscle_id).name
            where = f"{name} ({step.side})" if step.side else name
            if where not in treated:
                treated.append(where)
        rows.append(
            {
                "number": session.number,
                "date": session.started_at,
                "treated": treated,
                "pain_before": session.pain_before,
                "pain_after": session.pain_after,
            }
        )
    return rows


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
