"""``access_plan`` and ``access_plan_step``: the doors to a client's treatment plan."""

from __future__ import annotations

from django.http import HttpRequest

from myomap.clinics.models import User
from myomap.patients.access import access_patient, client_row
from myomap.plans.models import Plan, PlanStep

PLAN_RELATED = ("patient", "clinic", "assessment", "screening")
"""The rows every caller of the door gets with a plan."""


def access_plan(
    user: User,
    patient_id: int,
    plan_id: int,
    *,
    request: HttpRequest | None = None,
    lock: bool = False,
    what: str = "treatment plan",
) -> Plan:
    """The client's plan if ``user`` may see it (clinical: 403 for the front desk);
    404 for another clinic's client or another client's plan."""
    patient = access_patient(user, patient_id, request=request, clinical=True, what=what)
    return client_row(
        Plan.objects.select_related(*PLAN_RELATED), lock=lock, pk=plan_id, patient=patient
    )


def access_plan_step(
    user: User,
    patient_id: int,
    plan_id: int,
    plan_step_id: int,
    *,
    request: HttpRequest | None = None,
    lock: bool = False,
) -> PlanStep:
    """One step of the client's plan, with its plan (as ``access_plan`` gives it)."""
    plan = access_plan(user, patient_id, plan_id, request=request, what="treatment plan step")
    step = client_row(PlanStep.objects.all(), lock=lock, pk=plan_step_id, plan=plan)
    step.plan = plan
    return step
