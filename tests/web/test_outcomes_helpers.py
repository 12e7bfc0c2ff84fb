"""Shared builders for the outcomes tests: histories of scored responses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from myomap.outcomes.models import OutcomeResponse
from myomap.outcomes.services import response_record

ODI_SECTIONS = (
    "pain_intensity",
    "personal_care",
    "lifting",
    "walking",
    "sitting",
    "standing",
    "sleeping",
    "sex_life",
    "social_life",
    "travelling",
)


def odi_answers(*values: int | None) -> dict[str, Any]:
    """Ten section values in form order; None leaves the section out (skipped)."""
    return {s: v for s, v in zip(ODI_SECTIONS, values, strict=True) if v is not None}


def odi_for_percent(percent: int) -> dict[str, Any]:
    """All ten sections answered, summing to ``percent`` / 2 (percent even, 0-100)."""
    total = percent // 2
    values = [min(5, max(0, total - 5 * i)) for i in range(10)]
    return odi_answers(*values)


def history(
    therapist: Any, patient: Any, rows: list[tuple[int, str, dict[str, Any]]], *, days_ago: int
) -> list[OutcomeResponse]:
    """Record (session, instrument, answers) rows, a week apart, starting ``days_ago``."""
    made = []
    start = timezone.now() - timedelta(days=days_ago)
    for session, instrument, answers in rows:
        made.append(
            response_record(
                actor=therapist,
                patient=patient,
                instrument=instrument,
                answers=answers,
                session_number=session,
                taken_at=start + timedelta(days=7 * session),
            )
        )
    return made
