"""The appointments endpoints: list and book, one appointment and its changes, and the free
slots (``/availability``). Same services and errors as the pages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from myomap.appointments import selectors
from myomap.appointments.access import access_appointment
from myomap.appointments.courses import series_book
from myomap.appointments.models import Appointment, AppointmentType, Room
from myomap.appointments.services import (
    appointment_book,
    appointment_cancel,
    appointment_mark,
    appointment_move,
)
from myomap.clinics.models import Clinic, Role, User
from myomap.common.audit import Origin
from myomap.common.request import clinic_request, clinic_user
from myomap.patients.access import access_patient, access_patient_list
from myomap.plans.models import Plan

router = Router(tags=["appointments"])
ONE = "/clients/{patient_id}/appointments/{appointment_id}"
MAX_DAYS = 62


def appointment_json(a: Appointment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "patient_id": a.patient_id,
        "patient": a.patient.full_name,
        "therapist_id": a.therapist_id,
        "therapist": a.therapist.display_name,
        "room_id": a.room_id,
        "type_id": a.type_id,
        "type": a.type.name,
        "starts_at": a.starts_at.isoformat(),
        "ends_at": a.ends_at.isoformat(),
        "status": a.status,
        "outside_hours": a.outside_hours,
        "desk_notes": a.desk_notes,
        "cancel_reason": a.cancel_reason,
        "session_id": a.session_id,
    }


def _one_of(model: type[Any], clinic: Clinic, pk: int | None, name: str, **more: Any) -> Any:
    if pk is None:
        return None
    if not 0 < pk < 2**63:
        raise ValidationError({name: f"No {name} {pk} in this clinic."})
    found = model.objects.filter(pk=pk, clinic=clinic, **more).first()
    if found is None:
        raise ValidationError({name: f"No {name} {pk} in this clinic."})
    return found


def _aware(value: datetime, name: str) -> datetime:
    if timezone.is_naive(value):
        raise ValidationError({name: f"{value.isoformat()} needs a time zone offset."})
    return value


class BookIn(Schema):
    patient_id: int
    therapist_id: int
    type_id: int
    starts_at: datetime
    room_id: int | None = None
    desk_notes: str = Field("", max_length=1000)
    override_hours: bool = False


class MoveIn(Schema):
    starts_at: datetime
    therapist_id: int | None = None
    room_id: int | None = None
    override_hours: bool = False


class CancelIn(Schema):
    reason: str = Field(..., max_length=200)


class StatusIn(Schema):
    status: str = Field(..., max_length=30)


@router.get("/appointments", response=list[dict[str, Any]])
def appointments_list(
    request: HttpRequest, date_from: date, days: int = 1, therapist_id: int | None = None
) -> list[dict[str, Any]]:
    """The clinic's appointments from ``date_from`` (local day) for ``days`` days (at most 62),
    optionally of one therapist. The clients listed are recorded as read."""
    clinic = clinic_request(request).clinic
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": f"{days} is not between 1 and {MAX_DAYS}."})
    therapist = _one_of(User, clinic, therapist_id, "therapist_id")
    start, end = selectors.day_bounds(clinic, selectors.check_day(date_from, "date_from"), days)
    rows = selectors.appointments_between(clinic, start, end, therapist=therapist)
    patients = list({a.patient_id: a.patient for a in rows}.values())
    access_patient_list(clinic_user(request), patients, request=request)
    return [appointment_json(a) for a in rows]


@router.post("/appointments", response={201: dict[str, Any]})
def appointments_book(request: HttpRequest, payload: BookIn) -> Any:
    """Book one appointment; 422 names the field (an overlap, a time outside the hours
    without ``override_hours``, an archived client, another clinic's therapist)."""
    clinic = clinic_request(request).clinic
    patient = access_patient(
        clinic_user(request), payload.patient_id, request=request, what="booking"
    )
    therapist = _one_of(User, clinic, payload.therapist_id, "therapist_id")
    appointment = appointment_book(
        actor=clinic_user(request),
        patient=patient,
        therapist=therapist,
        type=_one_of(AppointmentType, clinic, payload.type_id, "type_id"),
        room=_one_of(Room, clinic, payload.room_id, "room_id"),
        starts_at=_aware(payload.starts_at, "starts_at"),
        desk_notes=payload.desk_notes,
        override_hours=payload.override_hours,
        origin=Origin.of(request),
    )
    return Status(201, appointment_json(appointment))


class SeriesIn(Schema):
    patient_id: int
    therapist_id: int
    type_id: int
    rrule: str = Field(..., max_length=500)
    starts_at: datetime
    plan_id: int | None = None
    room_id: int | None = None
    override_hours: bool = False


@router.post("/appointments/series", response={201: dict[str, Any]})
def appointments_series(request: HttpRequest, payload: SeriesIn) -> Any:
    """Book a series: ``rrule`` (RFC 5545, with COUNT or UNTIL, at most 52 visits) from
    ``starts_at`` (its local wall-clock time in the clinic is kept for every visit). Booked
    whole or not at all; 422 names the field (a clash names the visit's date)."""
    clinic = clinic_request(request).clinic
    patient = access_patient(
        clinic_user(request), payload.patient_id, request=request, what="booking"
    )
    plan = None
    if payload.plan_id is not None:
        if 0 < payload.plan_id < 2**63:
            plan = Plan.objects.filter(pk=payload.plan_id, patient=patient).first()
        if plan is None:
            raise ValidationError({"plan_id": f"No plan {payload.plan_id} of this client."})
    local = _aware(payload.starts_at, "starts_at").astimezone(clinic.zone)
    series = series_book(
        actor=clinic_user(request),
        patient=patient,
        therapist=_one_of(User, clinic, payload.therapist_id, "therapist_id"),
        type=_one_of(AppointmentType, clinic, payload.type_id, "type_id"),
        rrule=payload.rrule,
        first=selectors.check_day(local.date(), "starts_at"),
        at=local.time().replace(tzinfo=None),
        plan=plan,
        room=_one_of(Room, clinic, payload.room_id, "room_id"),
        override_hours=payload.override_hours,
        origin=Origin.of(request),
    )
    rows = series.occurrences.select_related("patient", "therapist", "type").order_by("starts_at")
    return Status(
        201,
        {
            "id": series.pk,
            "rrule": series.rrule,
            "local_start": series.local_start.isoformat(timespec="minutes"),
            "timezone": series.timezone,
            "plan_id": series.plan_id,
            "appointments": [appointment_json(a) for a in rows],
        },
    )


@router.get(ONE, response=dict[str, Any])
def appointment_detail(request: HttpRequest, patient_id: int, appointment_id: int) -> Any:
    return appointment_json(access_appointment(clinic_user(request), patient_id, appointment_id,
                                               request=request))  # fmt: skip


def _get(request: HttpRequest, patient_id: int, appointment_id: int) -> Appointment:
    return access_appointment(clinic_user(request), patient_id, appointment_id, request=request)


def _post_only(action: str) -> Any:
    """A GET on a POST-only route: the door first (404 to an outsider), then 405."""

    def view(request: HttpRequest, patient_id: int, appointment_id: int) -> Any:
        _get(request, patient_id, appointment_id)
        return Status(
            405, {"error": {"code": "method_not_allowed", "message": "Use POST.", "field": None}}
        )

    view.__name__ = f"appt_{action}_get"
    return view


for _action in ("move", "cancel", "status"):
    router.get(f"{ONE}/{_action}", response={405: dict[str, Any]}, url_name=f"appt_{_action}_get")(
        _post_only(_action)
    )


@router.post(f"{ONE}/move", response=dict[str, Any])
def appointment_move_api(
    request: HttpRequest, patient_id: int, appointment_id: int, payload: MoveIn
) -> Any:
    """Move to another time (and therapist or room); the old time stays in the audit log."""
    appointment = _get(request, patient_id, appointment_id)
    clinic = appointment.clinic
    moved = appointment_move(
        actor=clinic_user(request),
        appointment=appointment,
        starts_at=_aware(payload.starts_at, "starts_at"),
        therapist=_one_of(User, clinic, payload.therapist_id, "therapist_id"),
        room=_one_of(Room, clinic, payload.room_id, "room_id"),
        override_hours=payload.override_hours,
        origin=Origin.of(request),
    )
    return appointment_json(moved)


@router.post(f"{ONE}/cancel", response=dict[str, Any])
def appointment_cancel_api(
    request: HttpRequest, patient_id: int, appointment_id: int, payload: CancelIn
) -> Any:
    """Cancel with a reason; within 24 hours of the start it is a late cancellation."""
    appointment = _get(request, patient_id, appointment_id)
    changed = appointment_cancel(
        actor=clinic_user(request),
        appointment=appointment,
        reason=payload.reason,
        origin=Origin.of(request),
    )
    return appointment_json(changed)


@router.post(f"{ONE}/status", response=dict[str, Any])
def appointment_status_api(
    request: HttpRequest, patient_id: int, appointment_id: int, payload: StatusIn
) -> Any:
    """Mark confirmed, arrived or no-show."""
    appointment = _get(request, patient_id, appointment_id)
    changed = appointment_mark(
        actor=clinic_user(request),
        appointment=appointment,
        status=payload.status,
        origin=Origin.of(request),
    )
    return appointment_json(changed)


@router.get("/availability", response=dict[str, Any])
def availability(
    request: HttpRequest,
    therapist_id: int,
    type_id: int,
    date_from: date | None = None,
    days: int = 56,
    limit: int = 20,
) -> dict[str, Any]:
    """The next free starts of a type with a therapist, computed from the working hours,
    blocks and bookings (with the type's buffer)."""
    clinic = clinic_request(request).clinic
    if not 1 <= days <= 366:
        raise ValidationError({"days": f"{days} is not between 1 and 366."})
    if not 1 <= limit <= 200:
        raise ValidationError({"limit": f"{limit} is not between 1 and 200."})
    therapist = _one_of(
        User, clinic, therapist_id, "therapist_id", role__in=(Role.THERAPIST, Role.OWNER)
    )
    kind = _one_of(AppointmentType, clinic, type_id, "type_id", active=True)
    first = selectors.check_day(date_from or clinic.today(), "date_from")
    slots = selectors.next_free_slots(
        therapist=therapist, kind=kind, first_day=first, days=days, limit=limit
    )
    return {
        "therapist_id": therapist.pk,
        "type_id": kind.pk,
        "minutes": kind.minutes,
        "slots": [
            {
                "starts_at": s.isoformat(),
                "ends_at": (s + timedelta(minutes=kind.minutes)).isoformat(),
            }
            for s in slots
        ],
    }
