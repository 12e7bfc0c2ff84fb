"""Reads of a client's intake that other pages need."""

from __future__ import annotations

from myomap.intake.models import Intake
from myomap.patients.models import Patient


def latest_submitted_intake(patient: Patient) -> Intake | None:
    """The client's most recently submitted intake, if any."""
    return (
        Intake.objects.filter(patient=patient, submitted_at__isnull=False)
        .order_by("-submitted_at", "-id")
        .first()
    )


def worse_with(intake: Intake | None) -> str:
    """What the client said makes the pain worse ("" when not answered)."""
    if intake is None:
        return ""
    return str(intake.answers.get("complaint", {}).get("worse_with") or "")
