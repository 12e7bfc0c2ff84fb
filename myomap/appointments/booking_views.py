"""The front desk's booking requests: the waiting list, book one, decline one. Thin: the
services in ``booking_requests`` write and read."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from myomap.appointments.access import access_booking_request
from myomap.appointments.booking_requests import (
    booking_request_book,
    booking_request_decline,
    waiting_requests,
)
from myomap.appointments.views import _errors
from myomap.clinics.access import clinic_member
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest


def _page(
    request: ClinicRequest, *, errors: list[str] | None = None, status: int = 200
) -> HttpResponse:
    rows = waiting_requests(request.clinic.pk)
    return render(
        request, "appointments/requests.html", {"rows": rows, "errors": errors or []}, status=status
    )


@clinic_member()
def requests_page(request: ClinicRequest) -> HttpResponse:
    """The clinic's waiting booking requests, oldest first."""
    return _page(request)


@clinic_member()
def request_book(request: ClinicRequest, patient_id: int, request_id: int) -> HttpResponse:
    """Book the slot a client asked for (every booking rule holds)."""
    asked = access_booking_request(request.user, patient_id, request_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])  # after the door: an outsider gets 404
    try:
        appointment = booking_request_book(
            actor=request.user,
            request=asked,
            origin=Origin.of(request),
        )
    except ValidationError as exc:
        return _page(request, errors=_errors(exc), status=409)
    messages.success(request, f"Booked {asked.patient.full_name}; the confirmation is on its way.")
    return redirect("appointments:detail", appointment.patient_id, appointment.pk)


@clinic_member()
def request_decline(request: ClinicRequest, patient_id: int, request_id: int) -> HttpResponse:
    """Decline a request; the client is told by email."""
    asked = access_booking_request(request.user, patient_id, request_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])  # after the door: an outsider gets 404
    try:
        booking_request_decline(
            actor=request.user,
            request=asked,
            reason=request.POST.get("reason", ""),
            origin=Origin.of(request),
        )
    except ValidationError as exc:
        return _page(request, errors=_errors(exc), status=400)
    messages.success(request, f"Declined {asked.patient.full_name}'s request.")
    return redirect("appointments:requests")
