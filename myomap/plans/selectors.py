"""Reads for plans: the active plan, its steps as the planning core's records, coverage and
time, and whether the client's pain is chronic."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from myomap.assessments.selectors import element_profile
from myomap.common.read_once import once_per_page
from myomap.intake.models import Intake
from myomap.patients.models import Patient
from myomap.plans.models import Plan, PlanSettings, PlanStatus, PlanStep, PressureUnit
from myomap.screening.models import Screening
from myomap_core.elements import Element, ElementProfile
from myomap_core.planning import Coverage, Step, Technique, coverage_of, total_minutes

CHRONIC_AFTER = timedelta(days=91)
"""Pain for three months or longer counts as chronic."""


def plans_of(patient: Patient) -> QuerySet[Plan]:
    return Plan.objects.filter(patient=patient).order_by("-created_at", "-id")


@once_per_page
def active_plan(patient: Patient) -> Plan | None:
    """The client's plan in use (with the assessment it answers), or None."""
    return plans_of(patient).filter(status=PlanStatus.ACTIVE).select_related("assessment").first()


def steps_of(plan: Plan) -> list[PlanStep]:
    return list(PlanStep.objects.filter(plan=plan).order_by("order", "id"))


def core_step(step: PlanStep) -> Step:
    """A stored step as the planning core's record (which validates it)."""
    pressure = (
        (step.pressure_min_kg, step.pressure_max_kg)
        if step.pressure_min_kg is not None and step.pressure_max_kg is not None
        else None
    )
    return Step(
        muscle_id=step.muscle_id,
        trigger_point=step.trigger_point or None,
        side=step.side or None,
        technique=Technique(step.technique),
        pressure_kg=pressure,
        contact=step.contact or None,
        hold_s=step.hold_s,
        repetitions=step.repetitions,
        duration_s=step.duration_s,
        position=step.body_position,
        contract_s=step.contract_s,
        elements=tuple(Element(e) for e in step.elements),
        reasons=tuple(step.reasons),
        source=step.source,
    )


def core_steps(plan: Plan) -> list[Step]:
    return [core_step(s) for s in steps_of(plan)]


def profile_of(plan: Plan) -> ElementProfile | None:
    """The five-element profile of the assessment the plan answers (as it stands now)."""
    assessment = plan.assessment
    if assessment is None:
        return None
    return element_profile(assessment)


def coverage(plan: Plan, steps: Sequence[Step] | None = None) -> tuple[Coverage, ...]:
    steps = core_steps(plan) if steps is None else steps
    return coverage_of(steps, profile_of(plan))


def minutes(plan: Plan, steps: Sequence[Step] | None = None) -> float:
    steps = core_steps(plan) if steps is None else steps
    return total_minutes(steps)


def _onset(intake: Intake) -> date | None:
    raw = (intake.answers.get("complaint") or {}).get("onset_date") or ""
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        return None


def chronic_reason(patient: Patient) -> str | None:
    """Why the client's pain counts as chronic (three months or longer), or None.

    From the latest intake's onset date, or the screening's answer that back pain has
    lasted over three months.
    """
    for intake in Intake.objects.filter(patient=patient).order_by("-created_at", "-id"):
        onset = _onset(intake)
        if onset is None:
            continue
        asked = intake.submitted_at or intake.created_at or timezone.now()
        if timezone.localtime(asked).date() - onset >= CHRONIC_AFTER:
            return f"Pain since {onset:%-d %b %Y} (intake): three months or longer."
        break
    screening = Screening.objects.filter(patient=patient).first()
    if screening is not None and screening.answers.get("back_pain_over_3_months") in (
        True,
        "yes",
    ):
        return "Back pain for over three months (safety screening)."
    return None


def pressure_unit(clinic_id: int) -> str:
    """The unit the clinic's plan editor takes pressures in ("kg" unless set to "lb")."""
    row = PlanSettings.objects.filter(clinic_id=clinic_id).first()
    return row.pressure_unit if row is not None else str(PressureUnit.KG)
