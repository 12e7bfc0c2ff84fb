"""Pages of the sessions app: start, the guide beside the table, its taps, finish, and the
session's summary. Thin: services write, selectors read."""

from __future__ import annotations

import uuid
from typing import Any, cast

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
from myomap.common.request import ClinicRequest
from myomap.patients.access import access_patient
from myomap.plans.models import Plan
from myomap.screening.gate import treatment_gate
from myomap.sessions import selectors
from myomap.sessions.access import access_session
from myomap.sessions.models import (
    RESPONSES,
    SORENESS,
    CheckIn,
    CheckInLink,
    CheckInVia,
    SessionEvent,
    TreatmentSession,
)
from myomap.sessions.payload import bad_index, checkin_data, parse_events, summary_json
from myomap.sessions.services import (
    CheckInRequired,
    SessionAlreadyOpen,
    SessionClosed,
    SessionOnHold,
    checkin_first_visit,
    checkin_link_create,
    checkin_link_revoke,
    checkin_record,
    session_events_record,
    session_finish,
    session_start,
    session_stop_for_safety,
)
from myomap_core.errors import DomainError
from myomap_core.session import DISCOMFORT_MAX, Event, EventKind

CLINICIANS = (Role.OWNER, Role.THERAPIST)


def after_finish_url(session: TreatmentSession) -> str:
    """The session's note (drafted there if there is none yet)."""
    return reverse("notes:session_note", args=[session.patient_id, session.pk])


@clinic_member(*CLINICIANS)
def session_start_view(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, request=request, clinical=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    plan = None
    if request.POST.get("plan"):
        plan = get_object_or_404(Plan, pk=request.POST["plan"], patient=patient)
    try:
        session = session_start(
            actor=request.user,
            patient=patient,
            plan=plan,
            origin=Origin.of(request),
        )
    except SessionAlreadyOpen as exc:
        messages.error(request, str(exc))
        return redirect("sessions:guide", patient.pk, exc.session.pk)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("chart:client", patient.pk)
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
def guide(request: ClinicRequest, patient_id: int, session_id: int) -> HttpResponse:
    session = access_session(
        request.user, patient_id, session_id, request=request, what="session guide"
    )
    summary = selectors.summary_of(session)
    steps = selectors.step_views(session, summary)
    stage = _stage(request, len(steps), summary, session)
    current = steps[stage - 1] if 1 <= stage <= len(steps) else None
    gate = treatment_gate(session.patient)
    hold = selectors.hold_of(session, gate)
    visit = CheckIn.objects.filter(session=session).first()
    context = {
        "hold": selectors.hold_json(session, hold) if hold is not None else None,
        "visit_checkin": selectors.checkin_view(visit),
        "needs_checkin": visit is None and session.is_open,
        "first_visit": checkin_first_visit(session.patient, session),
        "checkin_questions": selectors.checkin_questions(session.patient),
        "responses": RESPONSES,
        "soreness_choices": SORENESS,
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
        kind=cast(EventKind, data.get("kind", "")),  # Event checks it
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
def events(request: ClinicRequest, patient_id: int, session_id: int) -> HttpResponse:
    """A batch of taps as JSON (from the guide's queue), or one tap from a plain form."""
    session = access_session(
        request.user, patient_id, session_id, request=request, what="session guide"
    )
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
            actor=request.user,
            origin=Origin.of(request),
        )
    except SessionClosed as exc:
        if as_json:
            return _error(409, "finished", str(exc))
        messages.error(request, str(exc))
        return redirect("sessions:detail", session.patient_id, session.pk)
    except SessionOnHold as exc:
        if as_json:
            return JsonResponse({"error": selectors.hold_json(session, exc.gate)}, status=409)
        messages.error(request, str(exc))
        return redirect("sessions:guide", session.patient_id, session.pk)
    except CheckInRequired as exc:
        if as_json:
            return _error(409, "checkin_required", str(exc))
        messages.error(request, str(exc))
        return redirect("sessions:guide", session.patient_id, session.pk)
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
def finish(request: ClinicRequest, patient_id: int, session_id: int) -> HttpResponse:
    session = access_session(request.user, patient_id, session_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    pain_after = request.POST.get("pain_after", "")
    value = int(pain_after) if pain_after.isdigit() and int(pain_after) <= 10 else None
    try:
        session_finish(
            actor=request.user,
            session=session,
            pain_after=value,
            origin=Origin.of(request),
        )
    except (DomainError, ValidationError, SessionOnHold, SessionClosed) as exc:
        messages.error(request, str(exc))
        return redirect("sessions:guide", session.patient_id, session.pk)
    messages.success(request, f"Session {session.number} finished.")
    return redirect(after_finish_url(session))


@clinic_member(*CLINICIANS)
def detail(request: ClinicRequest, patient_id: int, session_id: int) -> HttpResponse:
    session = access_session(request.user, patient_id, session_id, request=request)
    summary = selectors.summary_of(session)
    steps = selectors.step_views(session, summary)
    context = {
        "patient": session.patient,
        "session": session,
        "steps": steps,
        "summary": summary,
        "log": selectors.log_in_words(session),
        "ease_off_total": summary.ease_off_count,
        "visit_checkin": selectors.checkin_view(CheckIn.objects.filter(session=session).first()),
    }
    return render(request, "sessions/detail.html", context)


@clinic_member(*CLINICIANS)
def checkin(request: ClinicRequest, patient_id: int, session_id: int) -> HttpResponse:
    """The visit's check-in on the tablet, before any step."""
    session = access_session(
        request.user, patient_id, session_id, request=request, what="session check-in"
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        checkin_record(
            actor=request.user,
            patient=session.patient,
            session=session,
            data=checkin_data(request.POST),
            via=CheckInVia.TABLET,
            origin=Origin.of(request),
        )
    except SessionClosed as exc:
        messages.error(request, str(exc))
        return redirect("sessions:detail", session.patient_id, session.pk)
    except DomainError as exc:
        messages.error(request, f"Check-in not saved: {exc}")
        return redirect("sessions:guide", session.patient_id, session.pk)
    return redirect("sessions:guide", session.patient_id, session.pk)


@never_cache
@clinic_member(*CLINICIANS)
def status(request: ClinicRequest, patient_id: int, session_id: int) -> HttpResponse:
    """What the open guide polls: is treatment on hold, and why."""
    session = access_session(
        request.user, patient_id, session_id, request=request, what="session status"
    )
    return JsonResponse(selectors.status_json(session))


@clinic_member(*CLINICIANS)
def stop(request: ClinicRequest, patient_id: int, session_id: int) -> HttpResponse:
    """Stop the session for safety; the note then says so."""
    session = access_session(request.user, patient_id, session_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        session_stop_for_safety(
            actor=request.user,
            session=session,
            note=request.POST.get("note", ""),
            origin=Origin.of(request),
        )
    except SessionClosed as exc:
        messages.error(request, str(exc))
        return redirect("sessions:detail", session.patient_id, session.pk)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("sessions:guide", session.patient_id, session.pk)
    messages.success(request, f"Session {session.number} stopped for safety.")
    return redirect(after_finish_url(session))


@clinic_member(*CLINICIANS)
def checkin_link_new(request: ClinicRequest, patient_id: int) -> HttpResponse:
    """A private link on which the client answers the check-in before the visit."""
    patient = access_patient(request.user, patient_id, request=request, clinical=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        link, token = checkin_link_create(
            actor=request.user,
            patient=patient,
            origin=Origin.of(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message.capitalize() + ".")
        return redirect("chart:client", patient.pk)
    url = request.build_absolute_uri(reverse("portal:checkin", args=[token]))
    return render(
        request, "sessions/checkin_link.html", {"patient": patient, "link": link, "url": url}
    )


@clinic_member(*CLINICIANS)
def checkin_link_revoke_view(
    request: ClinicRequest, patient_id: int, checkin_link_id: int
) -> HttpResponse:
    patient = access_patient(request.user, patient_id, request=request, clinical=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    link = get_object_or_404(
        CheckInLink.objects.select_related("private__patient", "private__clinic"),
        pk=checkin_link_id,
        private__patient=patient,
    )
    checkin_link_revoke(actor=request.user, link=link, origin=Origin.of(request))
    messages.success(request, "The check-in link was revoked; it no longer opens.")
    return redirect("chart:client", patient.pk)
