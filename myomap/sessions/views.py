"""Pages of the sessions app: start, the guide beside the table, its taps, finish, and the
session's summary. Thin: services write, selectors read."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.common.audit import Origin
from myomap.common.bad_input import BadInput, checked_json
from myomap.patients.access import access_patient
from myomap.plans.models import Plan
from myomap.screening.gate import TreatmentBlocked, treatment_gate
from myomap.sessions import selectors
from myomap.sessions.models import SessionEvent, TreatmentSession
from myomap.sessions.payload import bad_index, parse_events, summary_json
from myomap.sessions.services import (
    SessionClosed,
    session_events_record,
    session_finish,
    session_start,
)
from myomap_core.errors import DomainError
from myomap_core.session import DISCOMFORT_MAX, Event, EventKind

CLINICIANS = (Role.OWNER, Role.THERAPIST)


def _session(
    request: HttpRequest, patient_id: int, session_id: int, what: str = "treatment session"
) -> TreatmentSession:
    patient = access_patient(
        request.user,  # type: ignore[arg-type]
        patient_id,
        request=request,
        clinical=True,
        what=what,
    )
    return get_object_or_404(
        TreatmentSession.objects.select_related("patient", "clinic", "therapist", "plan"),
        pk=session_id,
        patient=patient,
    )


def after_finish_url(session: TreatmentSession) -> str:
    """The session's note (drafted there if there is none yet)."""
    return reverse("notes:session_note", args=[session.patient_id, session.pk])


@clinic_member(*CLINICIANS)
def session_start_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, request=request, clinical=True)  # type: ignore[arg-type]
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    plan = None
    if request.POST.get("plan"):
        plan = get_object_or_404(Plan, pk=request.POST["plan"], patient=patient)
    try:
        session = session_start(
            actor=request.user,  # type: ignore[arg-type]
            patient=patient,
            plan=plan,
            origin=Origin.of(request),
        )
    except TreatmentBlocked as exc:
        messages.error(request, str(exc))
        return redirect("patients:detail", patient.pk)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("patients:detail", patient.pk)
    return redirect("sessions:guide", patient.pk, session.pk)


def _stage(request: HttpRequest, count: int, summary: Any, session: TreatmentSession) -> int:
    """Which panel the guide opens on: 0 = pain before, 1..n = steps, n + 1 = the end."""
    asked = request.GET.get("step", "")
    if asked.isdigit() and 0 <= int(asked) <= count + 1:
        return int(asked)
    if session.is_finished:
        return count + 1
    if summary.pain_before is None and not SessionEvent.objects.filter(session=session).exists():
        return 0
    return summary.current_step if summary.current_step is not None else count + 1


@never_cache
@clinic_member(*CLINICIANS)
def guide(request: HttpRequest, patient_id: int, session_id: int) -> HttpResponse:
    session = _session(request, patient_id, session_id, "session guide")
    steps = [selectors.step_view(s) for s in selectors.steps_of(session)]
    summary = selectors.summary_of(session)
    stage = _stage(request, len(steps), summary, session)
    current = steps[stage - 1] if 1 <= stage <= len(steps) else None
    gate = treatment_gate(session.patient)
    context = {
        "patient": session.patient,
        "session": session,
        "steps": steps,
        "summary": summary,
        "stage": stage,
        "end_stage": len(steps) + 1,
        "current": current,
        "chart": selectors.chart_for(current),
        "gate": gate,
        "precautions": selectors.precautions_view(gate),
        "state": selectors.guide_state(session, steps),
        "scale": range(11),
        "discomfort_max": DISCOMFORT_MAX,
        "after_finish_url": after_finish_url(session),
        "last_warning": summary.ease_off_warnings[-1] if summary.ease_off_warnings else None,
    }
    return render(request, "sessions/guide.html", context)


def _form_event(request: HttpRequest, session: TreatmentSession) -> Event:
    """One tap posted by a plain form (the guide without its script)."""
    data = request.POST
    last = SessionEvent.objects.filter(session=session).aggregate(s=Max("seq"))["s"] or 0
    step = data.get("step", "")
    value = data.get("value", "")
    try:
        number = float(value) if value else None
    except ValueError:
        raise DomainError("must be a number", field="value", value=value) from None
    return Event(
        event_id=str(uuid.uuid4()),
        seq=last + 1,
        kind=data.get("kind", ""),  # type: ignore[arg-type]
        step=int(step) if step.isdigit() else None,
        value=number,
        at=timezone.now(),
        text=data.get("text", "")[:500],
    )


def _error(status: int, code: str, message: str, field: str | None = None,
           index: int | None = None) -> JsonResponse:  # fmt: skip
    return JsonResponse(
        {"error": {"code": code, "message": message, "field": field, "index": index}},
        status=status,
    )


@clinic_member(*CLINICIANS)
def events(request: HttpRequest, patient_id: int, session_id: int) -> HttpResponse:
    """A batch of taps as JSON (from the guide's queue), or one tap from a plain form."""
    session = _session(request, patient_id, session_id, "session guide")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    as_json = request.content_type == "application/json"
    try:
        if as_json:
            try:
                data = checked_json(request)
            except BadInput as exc:
                return _error(exc.status, "invalid", f"{exc.field}: {exc.message}", exc.field)
            except ValueError:
                return _error(400, "invalid", "The body is not JSON.")
            batch = parse_events(data)
        else:
            batch = [_form_event(request, session)]
        recorded = session_events_record(
            session=session,
            events=batch,
            actor=request.user,  # type: ignore[arg-type]
            origin=Origin.of(request),
        )
    except SessionClosed as exc:
        if as_json:
            return _error(409, "finished", str(exc))
        messages.error(request, str(exc))
        return redirect("sessions:detail", session.patient_id, session.pk)
    except DomainError as exc:
        if as_json:
            return _error(400, "invalid", str(exc), exc.field, bad_index(exc))
        messages.error(request, exc.message)
        return redirect("sessions:guide", session.patient_id, session.pk)
    if as_json:
        return JsonResponse(
            {
                "accepted": list(recorded.accepted),
                "duplicates": list(recorded.duplicates),
                "summary": summary_json(recorded.summary),
            }
        )
    tapped = batch[0]
    url = reverse("sessions:guide", args=[session.patient_id, session.pk])
    stays = {EventKind.STEP_STARTED, EventKind.DISCOMFORT, EventKind.TWITCH,
             EventKind.REFERRAL_REPRODUCED, EventKind.EASED_OFF, EventKind.TIMER_DONE}  # fmt: skip
    if tapped.kind in stays and tapped.step is not None:
        url += f"?step={tapped.step}"
    elif tapped.kind is EventKind.PAIN_AFTER:
        url += f"?step={session.steps.count() + 1}"
    return redirect(url)


@clinic_member(*CLINICIANS)
def finish(request: HttpRequest, patient_id: int, session_id: int) -> HttpResponse:
    session = _session(request, patient_id, session_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    pain_after = request.POST.get("pain_after", "")
    value = int(pain_after) if pain_after.isdigit() and int(pain_after) <= 10 else None
    try:
        session_finish(
            actor=request.user,  # type: ignore[arg-type]
            session=session,
            pain_after=value,
            origin=Origin.of(request),
        )
    except (DomainError, ValidationError) as exc:
        messages.error(request, str(exc))
        return redirect("sessions:guide", session.patient_id, session.pk)
    messages.success(request, f"Session {session.number} finished.")
    return redirect(after_finish_url(session))


@clinic_member(*CLINICIANS)
def detail(request: HttpRequest, patient_id: int, session_id: int) -> HttpResponse:
    session = _session(request, patient_id, session_id)
    steps = [selectors.step_view(s) for s in selectors.steps_of(session)]
    summary = selectors.summary_of(session)
    context = {
        "patient": session.patient,
        "session": session,
        "steps": steps,
        "summary": summary,
        "log": selectors.log_in_words(session),
        "ease_off_total": summary.ease_off_count,
    }
    return render(request, "sessions/detail.html", context)
