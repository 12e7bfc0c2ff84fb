"""What the plan page shows, gathered in one place for the views."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from myomap.plans import selectors
from myomap.plans.forms import StepAddForm, StepEditForm
from myomap.plans.models import Plan, PlanStatus, PlanStep
from myomap.plans.services import muscle_label, point_label
from myomap.screening.gate import Gate, treatment_gate
from myomap.screening.selectors import shown_precautions
from myomap_core import planning
from myomap_core.elements import Element
from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.knowledge.records import Muscle
from myomap_core.pressure import KGF_PER_LBF

SEARCH_LIMIT = 10


def lb(kg: float | None) -> str:
    return "" if kg is None else f"{kg / KGF_PER_LBF:.1f}"


def kg(value: float | None) -> str:
    return "" if value is None else f"{round(value, 1):g}"


def search_muscles(q: str) -> list[Muscle]:
    q = q.strip().lower()[:60]
    if not q:
        return []
    hits = [
        m
        for m in load_knowledge_base().muscles
        if q in m.name.lower()
        or q in m.id.replace("_", " ")
        or any(q in a.lower() for a in m.aliases)
    ]
    return sorted(hits, key=lambda m: (not m.name.lower().startswith(q), m.name))[:SEARCH_LIMIT]


def _element_label(value: str) -> str:
    try:
        return Element(value).label
    except ValueError:
        return value.replace("_", " ")


def step_view(
    row: PlanStep, gate: Gate, form: StepEditForm | None = None, unit: str = "kg"
) -> dict[str, Any]:
    """One step as the page shows it, with a warning if today's precautions refuse it."""
    warning = ""
    try:
        planning.check_step(selectors.core_step(row), gate.precautions)
    except DomainError as exc:
        warning = exc.message
    return {
        "row": row,
        "muscle": muscle_label(row.muscle_id),
        "point": point_label(row.muscle_id, row.trigger_point),
        "technique": planning.Technique(row.technique).label,
        "pressure": (
            {
                "min_kg": kg(row.pressure_min_kg),
                "max_kg": kg(row.pressure_max_kg),
                "min_lb": lb(row.pressure_min_kg),
                "max_lb": lb(row.pressure_max_kg),
            }
            if row.pressure_min_kg is not None and row.pressure_max_kg is not None
            else None
        ),
        "elements": [_element_label(e) for e in row.elements],
        "warning": warning,
        "form": form
        or StepEditForm(
            initial=StepEditForm.initial_for(row, unit), unit=unit, auto_id=f"s{row.pk}-%s"
        ),
        "open": form is not None,
    }


def _coverage(plan: Plan, steps: list[Any]) -> list[dict[str, Any]]:
    order = [s["row"].order for s in steps]
    proposed = {
        str(c.get("element")): bool(c.get("covered"))
        for c in plan.proposal.get("coverage", [])
        if isinstance(c, dict)
    }
    out = []
    for c in selectors.coverage(plan, [selectors.core_step(s["row"]) for s in steps]):
        element = str(c.element)
        out.append(
            {
                "element": element,
                "label": c.element.label,
                "rating": c.rating,
                "steps": [order[i] for i in c.step_indexes if i < len(order)],
                "covered": c.covered,
                "note": c.note,
                "lost": not c.covered and proposed.get(element, False),
            }
        )
    return out


def _left_out(plan: Plan) -> list[dict[str, str]]:
    out = []
    for item in plan.proposal.get("left_out", []):
        if not isinstance(item, dict):
            continue
        muscle_id = str(item.get("muscle_id") or "")
        out.append(
            {
                "muscle": muscle_label(muscle_id),
                "point": point_label(muscle_id, str(item.get("trigger_point") or "")),
                "side": str(item.get("side") or ""),
                "reason": str(item.get("reason") or ""),
            }
        )
    return out


def _suggestions(plan: Plan, rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The proposal's suggestions (satellites, chain partners) not yet in the plan."""
    taken = {(s["row"].muscle_id, s["row"].side or "") for s in rows}
    out = []
    for item in plan.proposal.get("suggestions") or []:
        step = item.get("step") if isinstance(item, dict) else None
        if not isinstance(step, dict):
            continue
        key = (str(step.get("muscle_id") or ""), str(step.get("side") or ""))
        if key in taken:
            continue
        out.append(
            {
                "muscle_id": key[0],
                "muscle": str(step.get("muscle") or key[0]),
                "trigger_point": str(step.get("trigger_point") or ""),
                "side": key[1],
                "label": str(step.get("label") or ""),
                "technique": str(step.get("technique") or ""),
                "technique_label": str(step.get("technique_label") or ""),
                "reason": str(item.get("reason") or ""),
            }
        )
    return out


def _course_reasons(plan: Plan) -> list[str]:
    course = plan.proposal.get("course") or {}
    reasons = course.get("reasons", []) if isinstance(course, dict) else []
    return [str(r) for r in reasons]


def body_context(
    plan: Plan,
    gate: Gate,
    *,
    edit_forms: dict[int, StepEditForm] | None = None,
) -> dict[str, Any]:
    """The parts an edit changes: steps, time and coverage."""
    edit_forms = edit_forms or {}
    unit = selectors.pressure_unit(plan.clinic_id)
    steps = [step_view(r, gate, edit_forms.get(r.pk), unit) for r in selectors.steps_of(plan)]
    total = selectors.minutes(plan, [selectors.core_step(s["row"]) for s in steps])
    coverage = _coverage(plan, steps)
    budget = planning.step_budget(plan.session_minutes)
    return {
        "steps": steps,
        "total_minutes": round(total),
        "step_budget": budget,
        "fixed_minutes": planning.fixed_minutes(),
        "over_budget": total > budget,
        "coverage": coverage,
        "uncovered": [c for c in coverage if not c.get("covered")],
        "suggestions": _suggestions(plan, steps),
        "unit": unit,
        "editable": plan.status == PlanStatus.ACTIVE and gate.allowed,
    }


def page_context(
    request: HttpRequest,
    plan: Plan,
    *,
    add_form: StepAddForm | None = None,
    edit_forms: dict[int, StepEditForm] | None = None,
) -> dict[str, Any]:
    patient = plan.patient
    gate = treatment_gate(patient)
    q = request.GET.get("q", "")
    results = [
        {
            "muscle": m,
            "form": StepAddForm(
                muscle=m,
                auto_id=f"add-{m.id}-%s",
                initial={"pressure_unit": selectors.pressure_unit(plan.clinic_id)},
            ),
        }
        for m in search_muscles(q)
    ]
    precautions = shown_precautions(gate.screening) if gate.screening is not None else None
    return {
        "patient": patient,
        "plan": plan,
        "gate": gate,
        "precautions": precautions,
        "applied": plan.proposal.get("precautions_applied", []),
        "course_reasons": _course_reasons(plan),
        "chronic_reason": plan.proposal.get("chronic_reason", ""),
        "left_out": _left_out(plan),
        "start_url": reverse("sessions:start", args=[plan.patient_id]),
        "active": selectors.active_plan(patient),
        "q": q,
        "muscle_results": results,
        "add_form": add_form,
        "cap_lb": lb(precautions.max_pressure_kg) if precautions else "",
        **body_context(plan, gate, edit_forms=edit_forms),
    }
