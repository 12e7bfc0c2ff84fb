"""Pages of the plans app: propose a plan, the plan page and its in-place edits.
Thin: services write, selectors read; every form works without JavaScript, and with HTMX the
steps, time and coverage are replaced in place."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest
from myomap.patients.access import access_patient
from myomap.plans.access import access_plan, access_plan_step
from myomap.plans.forms import ProposeForm, StepAddForm, StepEditForm
from myomap.plans.models import Plan, PlanStep
from myomap.plans.page import page_context
from myomap.plans.services import (
    plan_pressure_unit_set,
    plan_propose,
    plan_step_add,
    plan_step_move,
    plan_step_remove,
    plan_step_update,
)
from myomap_core import planning
from myomap_core.errors import DomainError, DomainErrors
from myomap_core.knowledge import load_knowledge_base

CLINICIANS = (Role.OWNER, Role.THERAPIST)
BODY = "plans/detail.html#plan-body"


def _url(plan: Plan, anchor: str = "") -> str:
    url = reverse("plans:detail", args=[plan.patient_id, plan.pk])
    return f"{url}#{anchor}" if anchor else url


def _error(form: StepAddForm | StepEditForm, exc: DomainError | ValidationError) -> None:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return
    for item in exc.errors if isinstance(exc, DomainErrors) else (exc,):
        form.add_error(item.field if item.field in form.fields else None, item.message)


def _answer(
    request: ClinicRequest,
    plan: Plan,
    anchor: str,
    status: int = 200,
    message: str = "",
    **forms: Any,
) -> HttpResponse:
    """After an edit: the refreshed part of the page (HTMX), or the page itself."""
    if message and not request.htmx:
        messages.success(request, message)
    if request.htmx:
        # HTMX leaves error answers unswapped; the refusal is shown in the part itself.
        return render(request, BODY, page_context(request, plan, **forms))
    if status != 200:
        return render(
            request,
            "plans/detail.html",
            page_context(request, plan, **forms),
            status=status,
        )
    return redirect(_url(plan, anchor))


@clinic_member(*CLINICIANS)
def propose(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, request=request, clinical=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if patient.is_archived:
        messages.error(request, "Restore the client from the archive before planning treatment.")
        return redirect("chart:client", patient.pk)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        lengths = ", ".join(str(m) for m in planning.SESSION_LENGTHS)
        value = request.POST.get("session_minutes", "")[:20]
        return HttpResponseBadRequest(
            f"session_minutes: must be one of {lengths} minutes (got {value!r}).",
            content_type="text/plain; charset=utf-8",
        )
    minutes = form.cleaned_data["session_minutes"]
    try:
        plan = plan_propose(
            actor=request.user,
            patient=patient,
            session_minutes=minutes,
            origin=Origin.of(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("chart:client", args=[patient.pk]) + "#plan-card")
    messages.success(request, "Plan proposed. Check each step, then start the session.")
    return redirect("plans:detail", patient.pk, plan.pk)


@clinic_member(*CLINICIANS)
def detail(request: ClinicRequest, patient_id: int, plan_id: int) -> HttpResponse:
    plan = access_plan(request.user, patient_id, plan_id, request=request)
    context = page_context(request, plan)
    if request.htmx and "q" in request.GET:
        return render(request, "plans/detail.html#muscle-results", context)
    return render(request, "plans/detail.html", context)


@clinic_member(*CLINICIANS)
def step_add(request: ClinicRequest, patient_id: int, plan_id: int) -> HttpResponse:
    plan = access_plan(
        request.user, patient_id, plan_id, request=request, what="treatment plan steps"
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    muscle = None
    with contextlib.suppress(DomainError):
        muscle = load_knowledge_base().muscle(request.POST.get("muscle_id", "")[:60])
    form = StepAddForm(request.POST, muscle=muscle, auto_id="add-%s")
    if muscle is None:
        form.add_error(None, "Choose a muscle from the search first.")
    elif form.is_valid():
        try:
            step = plan_step_add(
                actor=request.user,
                plan=plan,
                data=form.values(),
                origin=Origin.of(request),
            )
        except (DomainError, ValidationError) as exc:
            _error(form, exc)
        else:
            return _answer(request, plan, f"step-{step.pk}", message=f"Step {step.order} added.")
    return _answer(request, plan, "add", status=400, add_form=form)


@clinic_member(*CLINICIANS)
def step_update(
    request: ClinicRequest, patient_id: int, plan_id: int, plan_step_id: int
) -> HttpResponse:
    step = access_plan_step(request.user, patient_id, plan_id, plan_step_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    plan = step.plan
    form = StepEditForm(request.POST, auto_id=f"s{step.pk}-%s")
    if form.is_valid():
        try:
            plan_step_update(
                actor=request.user,
                step=step,
                changes=form.values(),
                origin=Origin.of(request),
            )
        except (DomainError, ValidationError) as exc:
            _error(form, exc)
        else:
            return _answer(request, plan, f"step-{step.pk}", message=f"Step {step.order} changed.")
    return _answer(request, plan, f"step-{step.pk}", status=400, edit_forms={step.pk: form})


@clinic_member(*CLINICIANS)
def step_remove(
    request: ClinicRequest, patient_id: int, plan_id: int, plan_step_id: int
) -> HttpResponse:
    step = access_plan_step(request.user, patient_id, plan_id, plan_step_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    plan = step.plan
    try:
        plan_step_remove(actor=request.user, step=step, origin=Origin.of(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return _answer(request, plan, "steps")
    return _answer(request, plan, "steps", message="Step removed.")


@clinic_member(*CLINICIANS)
def step_move(
    request: ClinicRequest, patient_id: int, plan_id: int, plan_step_id: int
) -> HttpResponse:
    step = access_plan_step(request.user, patient_id, plan_id, plan_step_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    plan = step.plan
    direction = request.POST.get("direction", "")
    target = {"up": step.order - 1, "down": step.order + 1}.get(direction)
    if target is None:
        try:
            target = int(request.POST.get("position", ""))
        except ValueError:
            target = step.order
    count = PlanStep.objects.filter(plan=plan).count()
    target = max(1, min(target, count))
    try:
        plan_step_move(
            actor=request.user,
            step=step,
            position=target,
            origin=Origin.of(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return _answer(request, plan, f"step-{step.pk}")


@clinic_member(Role.OWNER)
def pressure_unit(request: ClinicRequest) -> HttpResponse:
    """The owner sets the unit the clinic types plan pressures in (kg or lb)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        plan_pressure_unit_set(
            actor=request.user,
            unit=request.POST.get("pressure_unit", "")[:10],
            origin=Origin.of(request),
        )
    except DomainError as exc:
        return HttpResponseBadRequest(
            f"{exc.field}: {exc.message} (got {exc.value!r}).",
            content_type="text/plain; charset=utf-8",
        )
    messages.success(request, "Plan pressures are now typed in " + request.POST["pressure_unit"])
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("patients:list")
    return redirect(target)
