"""The sessions endpoints of the JSON API: the same services as the guide."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema, Status

from myomap.common.audit import Origin
from myomap.common.request import clinic_user
from myomap.patients.access import access_patient
from myomap.plans.models import Plan
from myomap.sessions import selectors
from myomap.sessions.access import access_session
from myomap.sessions.models import CheckIn, CheckInVia, TreatmentSession
from myomap.sessions.payload import parse_events, summary_json
from myomap.sessions.services import (
    CheckInRequired,
    SessionAlreadyOpen,
    SessionClosed,
    SessionOnHold,
    checkin_record,
    open_session_of,
    session_events_record,
    session_finish,
    session_start,
    session_stop_for_safety,
)

router = Router(tags=["sessions"])
BASE = "/clients/{patient_id}/sessions"


class StartIn(Schema):
    plan_id: int | None = None


class EventsIn(Schema):
    events: list[dict[str, Any]]


class CheckInIn(Schema):
    pain_now: Any = None
    response: str | None = None
    soreness: str | None = None
    changes: str = ""
    safety: dict[str, str] = {}
    none_of_these: bool = False


class StopIn(Schema):
    note: str = ""


def _hold(session: TreatmentSession, exc: SessionOnHold) -> Status[dict[str, Any]]:
    return Status(409, {"error": selectors.hold_json(session, exc.gate)})


def _visit_checkin(session: TreatmentSession) -> CheckIn | None:
    return CheckIn.objects.filter(session=session).select_related("screening").first()


def checkin_json(checkin: CheckIn) -> dict[str, Any]:
    return {
        "id": checkin.pk,
        "patient_id": checkin.patient_id,
        "session_id": checkin.session_id,
        "pain_now": checkin.pain_now,
        "response": checkin.response or None,
        "soreness": checkin.soreness or None,
        "changes": checkin.changes,
        "safety": checkin.safety,
        "answers_changed": checkin.answers_changed,
        "screening": selectors.screening_json(checkin.screening),
        "via": checkin.via,
        "created_at": checkin.created_at.isoformat(),
    }


def _error(status: int, code: str, message: str) -> Status[dict[str, Any]]:
    return Status(status, {"error": {"code": code, "message": message, "field": None}})


def session_json(session: TreatmentSession) -> dict[str, Any]:
    summary = selectors.summary_of(session)
    steps = selectors.step_views(session, summary)
    return {
        "id": session.pk,
        "patient_id": session.patient_id,
        "number": session.number,
        "status": session.status,
        "plan_id": session.plan_id,
        "started_at": session.started_at.isoformat(),
        "finished_at": session.finished_at.isoformat() if session.finished_at else None,
        "pain_before": session.pain_before,
        "pain_after": session.pain_after,
        "stopped_at": session.stopped_at.isoformat() if session.stopped_at else None,
        "stop_reason": session.stop_reason or None,
        "stop_advice": session.stop_advice or None,
        "checkin": checkin_json(visit) if (visit := _visit_checkin(session)) else None,
        "steps": [
            {
                "order": v.step.order,
                "muscle_id": v.step.muscle_id,
                "muscle": v.muscle,
                "trigger_point": v.step.trigger_point or None,
                "side": v.step.side or None,
                "technique": v.step.technique,
                "pressure_kg": [v.step.pressure_min_kg, v.step.pressure_max_kg]
                if v.step.pressure_min_kg is not None
                else None,
                "contact": v.step.contact or None,
                "timer_s": v.timer_s,
                "status": v.step.status,
                "discomfort": v.step.discomfort_readings,
                "discomfort_max": v.step.discomfort_max,
                "ease_off_count": v.step.ease_off_count,
                "released": v.step.released,
                "outcome": v.outcome or None,
                "holds": list(v.done.holds) if v.done else [],
                "twitch": v.step.twitch,
                "referral_reproduced": v.step.referral_reproduced,
                "hold_s_total": v.step.hold_s_total,
            }
            for v in steps
        ],
        "summary": summary_json(summary),
    }


@router.get(BASE, response=list[dict[str, Any]])
def list_sessions(request: HttpRequest, patient_id: int) -> list[dict[str, Any]]:
    """The client's sessions, latest first (without their steps)."""
    patient = access_patient(
        clinic_user(request), patient_id, request=request, clinical=True, what="treatment sessions"
    )
    return [
        {
            "id": s.pk,
            "number": s.number,
            "status": s.status,
            "started_at": s.started_at.isoformat(),
            "pain_before": s.pain_before,
            "pain_after": s.pain_after,
        }
        for s in selectors.sessions_of(patient)
    ]


@router.post(BASE, response={200: dict[str, Any], 201: dict[str, Any], 409: dict[str, Any]})
def start_session(
    request: HttpRequest, patient_id: int, payload: StartIn | None = None
) -> Status[dict[str, Any]]:
    """Start the client's next session from the plan (the active plan if none is named).
    403 with the reason when the safety screening holds treatment. Starting again while a
    session is open returns it (200); another plan while one is open is refused (409, with
    the open session)."""
    patient = access_patient(
        clinic_user(request), patient_id, request=request, clinical=True, what="treatment sessions"
    )
    plan = None
    if payload is not None and payload.plan_id is not None:
        plan = get_object_or_404(Plan, pk=payload.plan_id, patient=patient)
    was_open = open_session_of(patient)
    try:
        session = session_start(
            actor=clinic_user(request),
            patient=patient,
            plan=plan,
            origin=Origin.of(request),
        )
    except SessionAlreadyOpen as exc:
        return Status(
            409,
            {
                "error": {"code": "session_open", "message": str(exc), "field": None},
                "open_session": {
                    "id": exc.session.pk,
                    "number": exc.session.number,
                    "url": reverse("sessions:guide", args=[patient.pk, exc.session.pk]),
                },
            },
        )
    return Status(200 if was_open is not None else 201, session_json(session))


@router.get(BASE + "/{session_id}", response=dict[str, Any])
def get_session(request: HttpRequest, patient_id: int, session_id: int) -> dict[str, Any]:
    """The session, its steps with what happened, and the summary of its log."""
    return session_json(
        access_session(clinic_user(request), patient_id, session_id, request=request)
    )


@router.get(BASE + "/{session_id}/events", response=list[dict[str, Any]])
def list_events(request: HttpRequest, patient_id: int, session_id: int) -> list[dict[str, Any]]:
    """The session's log in order."""
    session = access_session(clinic_user(request), patient_id, session_id, request=request)
    return list(selectors.guide_state(session, [])["events"])


@router.post(BASE + "/{session_id}/events", response={200: dict[str, Any], 409: dict[str, Any]})
def post_events(request: HttpRequest, patient_id: int, session_id: int, payload: EventsIn) -> Any:
    """A batch of taps, each with its own UUID. Sending the same batch again is harmless:
    repeats come back under ``duplicates``. 409 when the session is finished."""
    session = access_session(clinic_user(request), patient_id, session_id, request=request)
    batch = parse_events({"events": payload.events})
    try:
        recorded = session_events_record(
            session=session,
            events=batch,
            actor=clinic_user(request),
            origin=Origin.of(request),
        )
    except SessionClosed as exc:
        return _error(409, "finished", str(exc))
    except SessionOnHold as exc:
        return _hold(session, exc)
    except CheckInRequired as exc:
        return _error(409, "checkin_required", str(exc))
    return {
        "accepted": list(recorded.accepted),
        "duplicates": list(recorded.duplicates),
        "summary": summary_json(recorded.summary),
    }


@router.get(BASE + "/{session_id}/finish", response={405: dict[str, Any]})
def finish_get(request: HttpRequest, patient_id: int, session_id: int) -> Any:
    access_session(clinic_user(request), patient_id, session_id, request=request)
    return _error(405, "method_not_allowed", "Finish a session with POST.")


@router.post(BASE + "/{session_id}/finish", response={200: dict[str, Any], 409: dict[str, Any]})
def finish_session(request: HttpRequest, patient_id: int, session_id: int) -> Any:
    """Close the session; its log takes no more taps. Finishing twice changes nothing.
    409 while treatment is on hold (stop it instead) or once it was stopped."""
    session = access_session(clinic_user(request), patient_id, session_id, request=request)
    try:
        session = session_finish(
            actor=clinic_user(request),
            session=session,
            origin=Origin.of(request),
        )
    except SessionOnHold as exc:
        return _hold(session, exc)
    except SessionClosed as exc:
        return _error(409, "stopped", str(exc))
    return session_json(session)


@router.get(BASE + "/{session_id}/status", response=dict[str, Any])
def session_status(request: HttpRequest, patient_id: int, session_id: int) -> dict[str, Any]:
    """Whether treatment is on hold now, why, and what to do (the guide polls this)."""
    return selectors.status_json(
        access_session(clinic_user(request), patient_id, session_id, request=request)
    )


@router.get(BASE + "/{session_id}/checkin", response={405: dict[str, Any]})
def checkin_get(request: HttpRequest, patient_id: int, session_id: int) -> Any:
    access_session(clinic_user(request), patient_id, session_id, request=request)
    return _error(405, "method_not_allowed", "Send the check-in with POST.")


@router.get(BASE + "/{session_id}/stop", response={405: dict[str, Any]})
def stop_get(request: HttpRequest, patient_id: int, session_id: int) -> Any:
    access_session(clinic_user(request), patient_id, session_id, request=request)
    return _error(405, "method_not_allowed", "Stop a session with POST.")


@router.post(BASE + "/{session_id}/checkin", response={201: dict[str, Any], 409: dict[str, Any]})
def post_checkin(request: HttpRequest, patient_id: int, session_id: int, payload: CheckInIn) -> Any:
    """The visit's check-in, before any step. A yes to a safety question runs the screening
    again; 400 names the field of an unknown, contradictory or out-of-range answer."""
    session = access_session(clinic_user(request), patient_id, session_id, request=request)
    try:
        checkin = checkin_record(
            actor=clinic_user(request),
            patient=session.patient,
            session=session,
            data=payload.dict(),
            via=CheckInVia.API,
            origin=Origin.of(request),
        )
    except SessionClosed as exc:
        return _error(409, "finished", str(exc))
    return Status(201, checkin_json(checkin))


@router.post(BASE + "/{session_id}/stop", response={200: dict[str, Any], 409: dict[str, Any]})
def stop_session(
    request: HttpRequest, patient_id: int, session_id: int, payload: StopIn | None = None
) -> Any:
    """Stop the session for safety: the reason, the time and who stopped it are recorded."""
    session = access_session(clinic_user(request), patient_id, session_id, request=request)
    try:
        session = session_stop_for_safety(
            actor=clinic_user(request),
            session=session,
            note=payload.note if payload is not None else "",
            origin=Origin.of(request),
        )
    except SessionClosed as exc:
        return _error(409, "finished", str(exc))
    return session_json(session)
