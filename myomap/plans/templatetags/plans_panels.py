"""Panels the plans app adds to the client page, and helpers for its templates."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField, Form

from myomap.assessments.selectors import latest_assessment
from myomap.plans import selectors
from myomap.plans.services import USES
from myomap.screening.gate import page_gate
from myomap_core.planning import DEFAULT_SESSION_MINUTES, SESSION_LENGTHS, Technique, step_budget

register = template.Library()


@register.inclusion_tag("plans/_plan_card.html", takes_context=True)
def plan_card(context: template.Context, patient: Any) -> dict[str, Any]:
    plan = selectors.active_plan(patient)
    data: dict[str, Any] = {
        "patient": patient,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "plan": plan,
        "gate": page_gate(patient),
        "assessment": latest_assessment(patient),
        "session_lengths": SESSION_LENGTHS,
        "chosen_minutes": plan.session_minutes if plan is not None else DEFAULT_SESSION_MINUTES,
    }
    if plan is not None:
        steps = selectors.core_steps(plan)
        coverage = selectors.coverage(plan, steps)
        data.update(
            steps=len(steps),
            minutes=round(selectors.minutes(plan, steps)),
            step_budget=step_budget(plan.session_minutes),
            uncovered=[c.element.label for c in coverage if not c.covered],
            covered=sum(1 for c in coverage if c.covered),
            elements=len(coverage),
        )
    return data


PARAMETER_FIELDS = (
    "pressure_unit",
    "pressure_min_kg",
    "pressure_max_kg",
    "contact",
    "hold_s",
    "repetitions",
    "duration_s",
    "contract_s",
    "body_position",
)


@register.filter
def step_field_names(form: Form) -> list[str]:
    """The fields ``_step_fields.html`` shows: side and technique when editing, then the
    parameters."""
    lead = [n for n in ("side", "technique") if n in form.fields and "muscle_id" not in form.fields]
    names = [n for n in PARAMETER_FIELDS if n in form.fields]
    shown = getattr(form, "technique_shown", "")
    if shown in {t.value for t in Technique}:
        # Editing: only the parameters the step's technique reads (and any refused one).
        uses = USES[Technique(shown)]
        names = [n for n in names if n in uses or form[n].errors]
    return lead + names


@register.filter
def bound(form: Form, name: str) -> BoundField:
    return form[name]


@register.filter
def invalid_widget(field: BoundField, focus: str = "") -> str:
    """The field's widget, marked invalid when it has an error; ``focus`` names the field
    that gets ``autofocus`` (the first refused one, so a refusal is never off-screen)."""
    attrs: dict[str, str | bool] = (
        {"aria-invalid": "true", "aria-describedby": f"{field.auto_id}-error"}
        if field.errors
        else {}
    )
    if focus and field.name == focus:
        attrs["autofocus"] = True
    return field.as_widget(attrs=attrs)


@register.filter
def first_error(form: Form) -> str:
    """The name of the form's first field with an error ("" when none)."""
    if not form.is_bound:
        return ""
    return next((name for name in form.fields if form.errors.get(name)), "")
