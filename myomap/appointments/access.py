"""The doors to one appointment, waitlist entry or booking request, through its client."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from myomap.appointments.booking_models import BookingRequest
from myomap.appointments.models import Appointment
from myomap.appointments.waitlist_models import WaitlistEntry
from myomap.clinics.models import User
from myomap.patients.access import access_patient

RELATED = ("patient", "clinic", "therapist", "room", "room__location", "type", "session")
"""The rows every caller of the door reads with an appointment."""

WAITLIST_RELATED = ("patient", "clinic", "therapist", "type", "appointment")
"""The rows every caller of the waitlist door reads with an entry."""


def access_appointment(
    user: User,
    patient_id: int,
    appointment_id: int,
    *,
    request: HttpRequest | None = None,
    lock: bool = False,
) -> Appointment:
    """The client's appointment if ``user`` may see the client (404 for another clinic's).

    Appointments are administrative: the front desk sees and changes them. ``lock`` takes
    the row for update (inside a transaction only).
    """
    patient = access_patient(user, patient_id, request=request, what="appointment")
    rows = Appointment.objects.select_related(*RELATED)
    if lock:
        rows = rows.select_for_update(of=("self",))
    try:
        return rows.get(pk=appointment_id, patient=patient)
    except (Appointment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such appointment.") from None


def access_waitlist_entry(
    user: User,
    patient_id: int,
    entry_id: int,
    *,
    request: HttpRequest | None = None,
    lock: bool = False,
) -> WaitlistEntry:
    """The client's waitlist entry if ``user`` may see the client (404 for another
    clinic's). Administrative, like appointments: the front desk sees and books it."""
    patient = access_patient(user, patient_id, request=request, what="waitlist entry")
    rows = WaitlistEntry.objects.select_related(*WAITLIST_RELATED)
    if lock:
        rows = rows.select_for_update(of=("self",))
    try:
        return rows.get(pk=entry_id, patient=patient)
    except (WaitlistEntry.DoesNotExist, ValueError, TypeError):
        raise Http404("No such waitlist entry.") from None


REQUEST_RELATED = ("patient", "clinic", "therapist", "type", "appointment")
"""The rows every caller of the booking-request door reads with a request."""


def access_booking_request(
    user: User,
    patient_id: int,
    request_id: int,
    *,
    request: HttpRequest | None = None,
    lock: bool = False,
) -> BookingRequest:
    """The client's booking request if ``user`` may see the client (404 for another
    clinic's). Administrative, like appointments: the front desk books or declines it."""
    patient = access_patient(user, patient_id, request=request, what="booking request")
    rows = BookingRequest.objects.select_related(*REQUEST_RELATED)
    if lock:
        rows = rows.select_for_update(of=("self",))
    try:
        return rows.get(pk=request_id, patient=patient)
    except (BookingRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("No such booking request.") from None
