"""The plans endpoints of the JSON API: the same services and selectors as the pages.

A refused step answers 400 with the shared error shape, ``field`` naming the value at fault
(``hold_s``, ``pressure_max_kg``, ``technique``...); nothing is stored. A client whose
treatment must wait answers 403 with the reason.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from myomap.common.audit import Origin
from myomap.common.request import clinic_user
from myomap.patients.access import access_patient
from myomap.plans import selectors
from myomap.plans.access import access_plan, access_plan_step
from myomap.plans.models import Plan, PlanStep
from myomap.plans.page import lb
from myomap.plans.services import (
    plan_propose,
    plan_step_add,
    plan_step_move,
    plan_step_remove,
    plan_step_update,
)
from myomap_core import planning

router = Router(tags=["plans"])
BASE = "/clients/{patient_id}/plans"
STEPS = BASE + "/{plan_id}/steps"


class ProposeIn(Schema):
    assessment_id: int | None = Field(None, description="Default: the latest assessment.")
    session_minutes: int = Field(
        planning.DEFAULT_SESSION_MINUTES,
        description="One of " + ", ".join(str(m) for m in planning.SESSION_LENGTHS) + " minutes.",
    )


class StepIn(Schema):
    """A step to add. Parameters left out come from the knowledge base for the muscle and
    technique, within the screening's precautions."""

    muscle_id: str
    trigger_point: str = ""
    side: str = Field("", description='"left", "right" or "" (both sides / midline)')
    technique: str = "ischemic_compression"
    pressure_min_kg: float | None = None
    pressure_max_kg: float | None = None
    contact: str | None = None
    hold_s: int | None = None
    repetitions: int | None = None
    duration_s: int | None = None
    body_position: str | None = None
    contract_s: int | None = None
    reason: str = ""
    order: int | None = Field(None, description="Place in the plan (1 = first); default last.")


class StepPatch(Schema):
    """Only the fields given change. ``order`` moves the step."""

    trigger_point: str | None = None
    side: str | None = None
    technique: str | None = None
    pressure_min_kg: float | None = None
    pressure_max_kg: float | None = None
    contact: str | None = None
    hold_s: int | None = None
    repetitions: int | None = None
    duration_s: int | None = None
    body_position: str | None = None
    contract_s: int | None = None
    order: int | None = None


def step_out(row: PlanStep) -> dict[str, Any]:
    return {
        "id": row.pk,
        "order": row.order,
        "muscle_id": row.muscle_id,
        "trigger_point": row.trigger_point or None,
        "side": row.side or None,
        "technique": row.technique,
        "pressure_min_kg": row.pressure_min_kg,
        "pressure_max_kg": row.pressure_max_kg,
        "pressure_lb": (
            [float(lb(row.pressure_min_kg)), float(lb(row.pressure_max_kg))]
            if row.pressure_min_kg is not None and row.pressure_max_kg is not None
            else None
        ),
        "contact": row.contact or None,
        "hold_s": row.hold_s,
        "repetitions": row.repetitions,
        "duration_s": row.duration_s,
        "body_position": row.body_position,
        "contract_s": row.contract_s,
        "minutes": row.minutes,
        "elements": row.elements,
        "reasons": row.reasons,
        "source": row.source or None,
        "added_by_therapist": row.added_by_therapist,
    }


def plan_out(plan: Plan) -> dict[str, Any]:
    """The plan with its steps, total time and coverage as they stand now."""
    rows = selectors.steps_of(plan)
    steps = [selectors.core_step(r) for r in rows]
    coverage = selectors.coverage(plan, steps)
    return {
        "id": plan.pk,
        "patient_id": plan.patient_id,
        "status": plan.status,
        "assessment_id": plan.assessment_id,
        "screening_id": plan.screening_id,
        "created_at": plan.created_at.isoformat(),
        "chronic": plan.chronic,
        "course": {
            "initial_sessions": plan.initial_sessions,
            "sessions_per_week": plan.sessions_per_week,
            "review_at_session": plan.review_at_session,
            "maintenance_every_weeks": plan.maintenance_every_weeks,
            "reasons": (plan.proposal.get("course") or {}).get("reasons", []),
        },
        "session_minutes": plan.session_minutes,
        "total_minutes": round(selectors.minutes(plan, steps), 1),
        "steps": [step_out(r) for r in rows],
        "coverage": [
            {
                "element": str(c.element),
                "rating": c.rating,
                "steps": [rows[i].order for i in c.step_indexes if i < len(rows)],
                "covered": c.covered,
                "note": c.note,
            }
            for c in coverage
        ],
        "left_out": plan.proposal.get("left_out", []),
        "precautions_applied": plan.proposal.get("precautions_applied", []),
        "suggestions": plan.proposal.get("suggestions", []),
    }


@router.get(BASE, response=list[dict[str, Any]])
def list_plans(request: HttpRequest, patient_id: int) -> list[dict[str, Any]]:
    """The client's plans, newest first: the active one and those it replaced."""
    patient = access_patient(
        clinic_user(request), patient_id, request=request, clinical=True, what="treatment plans"
    )
    return [
        {
            "id": p.pk,
            "status": p.status,
            "created_at": p.created_at.isoformat(),
            "assessment_id": p.assessment_id,
            "steps": p.steps.count(),
        }
        for p in selectors.plans_of(patient)
    ]


@router.post(BASE, response={201: dict[str, Any]})
def propose(request: HttpRequest, patient_id: int, payload: ProposeIn) -> Status[dict[str, Any]]:
    """Propose a plan from the latest (or the given) assessment and the safety screening;
    the client's previous active plan is kept as replaced."""
    patient = access_patient(
        clinic_user(request), patient_id, request=request, clinical=True, what="treatment plans"
    )
    assessment = None
    if payload.assessment_id is not None:
        from myomap.assessments.models import Assessment

        assessment = get_object_or_404(Assessment, pk=payload.assessment_id, patient=patient)
    plan = plan_propose(
        actor=clinic_user(request),
        patient=patient,
        assessment=assessment,
        session_minutes=payload.session_minutes,
        origin=Origin.of(request),
    )
    return Status(201, plan_out(plan))


@router.get(BASE + "/{plan_id}", response=dict[str, Any])
def get_plan(request: HttpRequest, patient_id: int, plan_id: int) -> dict[str, Any]:
    return plan_out(access_plan(clinic_user(request), patient_id, plan_id, request=request))


@router.get(STEPS, response=list[dict[str, Any]])
def list_steps(request: HttpRequest, patient_id: int, plan_id: int) -> list[dict[str, Any]]:
    return [
        step_out(r)
        for r in selectors.steps_of(
            access_plan(clinic_user(request), patient_id, plan_id, request=request)
        )
    ]


@router.post(STEPS, response={201: dict[str, Any]})
def add_step(
    request: HttpRequest, patient_id: int, plan_id: int, payload: StepIn
) -> Status[dict[str, Any]]:
    """Add a step; answers the whole plan with the new step's ``step_id``."""
    plan = access_plan(clinic_user(request), patient_id, plan_id, request=request)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    row = plan_step_add(
        actor=clinic_user(request),
        plan=plan,
        data=data,
        origin=Origin.of(request),
    )
    return Status(201, {**plan_out(plan), "step_id": row.pk})


@router.get(STEPS + "/{plan_step_id}", response=dict[str, Any])
def get_step(
    request: HttpRequest, patient_id: int, plan_id: int, plan_step_id: int
) -> dict[str, Any]:
    return step_out(
        access_plan_step(clinic_user(request), patient_id, plan_id, plan_step_id, request=request)
    )


@router.patch(STEPS + "/{plan_step_id}", response=dict[str, Any])
def patch_step(
    request: HttpRequest, patient_id: int, plan_id: int, plan_step_id: int, payload: StepPatch
) -> dict[str, Any]:
    """Change a step (the same checks as adding one) or move it with ``order``; answers the
    whole plan."""
    step = access_plan_step(
        clinic_user(request), patient_id, plan_id, plan_step_id, request=request
    )
    changes = payload.dict(exclude_unset=True)
    order = changes.pop("order", None)
    if changes:
        step = plan_step_update(
            actor=clinic_user(request),
            step=step,
            changes=changes,
            origin=Origin.of(request),
        )
    if order is not None:
        plan_step_move(
            actor=clinic_user(request),
            step=step,
            position=order,
            origin=Origin.of(request),
        )
    return plan_out(step.plan)


@router.delete(STEPS + "/{plan_step_id}", response=dict[str, Any])
def delete_step(
    request: HttpRequest, patient_id: int, plan_id: int, plan_step_id: int
) -> dict[str, Any]:
    step = access_plan_step(
        clinic_user(request), patient_id, plan_id, plan_step_id, request=request
    )
    plan = step.plan
    plan_step_remove(actor=clinic_user(request), step=step, origin=Origin.of(request))
    return plan_out(plan)
