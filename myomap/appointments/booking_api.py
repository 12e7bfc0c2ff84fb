"""Booking requests through the API: list the waiting ones, book one, decline one. Same
services and errors as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from myomap.appointments.access import access_booking_request
from myomap.appointments.api import appointment_json
from myomap.appointments.booking_models import BookingRequest
from myomap.appointments.booking_requests import (
    booking_request_book,
    booking_request_decline,
    waiting_requests,
)
from myomap.common.audit import Origin
from myomap.common.request import clinic_request, clinic_user
from myomap.patients.access import access_patient_list

router = Router(tags=["booking requests"])
ONE = "/clients/{patient_id}/booking-requests/{request_id}"


def request_json(r: BookingRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "patient_id": r.patient_id,
        "patient": r.patient.full_name,
        "type_id": r.type_id,
        "type": r.type.name,
        "therapist_id": r.therapist_id,
        "starts_at": r.starts_at.isoformat(),
        "ends_at": r.ends_at.isoformat(),
        "note": r.note,
        "status": r.status,
        "appointment_id": r.appointment_id,
        "reason": r.reason,
        "created_at": r.created_at.isoformat(),
    }


class DeclineIn(Schema):
    reason: str = Field("", max_length=300)


@router.get("/booking-requests", response=list[dict[str, Any]])
def booking_requests_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The clinic's waiting booking requests, oldest first. The clients listed are recorded
    as read."""
    rows = waiting_requests(clinic_request(request).clinic.pk)
    listed = list({r.patient_id: r.patient for r in rows}.values())
    access_patient_list(clinic_user(request), listed, request=request)
    return [request_json(r) for r in rows]


def _post_only(action: str) -> Any:
    """A GET on a POST-only route: the door first (404 to an outsider), then 405."""

    def view(request: HttpRequest, patient_id: int, request_id: int) -> Any:
        access_booking_request(clinic_user(request), patient_id, request_id, request=request)
        return Status(
            405, {"error": {"code": "method_not_allowed", "message": "Use POST.", "field": None}}
        )

    view.__name__ = f"booking_request_{action}_get"
    return view


for _action in ("book", "decline"):
    router.get(
        f"{ONE}/{_action}",
        response={405: dict[str, Any]},
        url_name=f"booking_request_{_action}_get",
    )(_post_only(_action))


@router.post(f"{ONE}/book", response={201: dict[str, Any]})
def booking_request_book_api(request: HttpRequest, patient_id: int, request_id: int) -> Any:
    """Book the slot asked for (every booking rule holds; the usual confirmation is sent).
    422 when it is no longer free, naming the next free slots; 422 when already answered."""
    actor = clinic_user(request)
    asked = access_booking_request(actor, patient_id, request_id, request=request)
    appointment = booking_request_book(
        actor=actor,
        request=asked,
        origin=Origin.of(request),
    )
    return Status(201, appointment_json(appointment))


@router.post(f"{ONE}/decline", response=dict[str, Any])
def booking_request_decline_api(
    request: HttpRequest, patient_id: int, request_id: int, payload: DeclineIn
) -> Any:
    """Decline the request with an optional reason (kept for the record); the client is told
    by email, without the reason."""
    actor = clinic_user(request)
    asked = access_booking_request(actor, patient_id, request_id, request=request)
    declined = booking_request_decline(
        actor=actor,
        request=asked,
        reason=payload.reason,
        origin=Origin.of(request),
    )
    return request_json(declined)
