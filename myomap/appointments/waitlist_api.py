"""The waitlist endpoints: list (with the freed and next free slots that fit), add,
remove and book. Same services and errors as the pages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from myomap.appointments import waitlist_selectors
from myomap.appointments.access import access_waitlist_entry
from myomap.appointments.api import _aware, _one_of, appointment_json
from myomap.appointments.models import AppointmentType, Room
from myomap.appointments.waitlist import waitlist_add, waitlist_book, waitlist_remove
from myomap.appointments.waitlist_models import WaitlistEntry
from myomap.clinics.models import Role, User
from myomap.common.audit import Origin
from myomap.common.request import clinic_request, clinic_user
from myomap.patients.access import access_patient, access_patient_list

router = Router(tags=["waitlist"])
ONE = "/clients/{patient_id}/waitlist/{entry_id}"


def _fit_json(fit: waitlist_selectors.Fit) -> dict[str, Any]:
    return {
        "entry_id": fit.entry.pk,
        "patient_id": fit.entry.patient_id,
        "starts_at": fit.starts_at.isoformat(),
        "therapist_id": fit.therapist.pk,
    }


def entry_json(
    e: WaitlistEntry, fits: list[waitlist_selectors.Fit] | None = None
) -> dict[str, Any]:
    return {
        "id": e.pk,
        "patient_id": e.patient_id,
        "patient": e.patient.full_name,
        "therapist_id": e.therapist_id,
        "type_id": e.type_id,
        "type": e.type.name,
        "windows": e.windows_label,
        "first_day": e.first_day.isoformat(),
        "last_day": e.last_day.isoformat() if e.last_day else None,
        "notes": e.notes,
        "status": e.status,
        "appointment_id": e.appointment_id,
        "created_at": e.created_at.isoformat(),
        "remove_reason": e.remove_reason,
        "next_slots": [_fit_json(f) for f in fits or []],
    }


class WaitlistIn(Schema):
    patient_id: int
    type_id: int
    windows: str = Field(..., max_length=400)
    first_day: date | None = None
    therapist_id: int | None = None
    last_day: date | None = None
    notes: str = Field("", max_length=500)


class RemoveIn(Schema):
    reason: str = Field(..., max_length=200)


class WaitBookIn(Schema):
    starts_at: datetime
    therapist_id: int | None = None
    room_id: int | None = None


@router.get("/waitlist", response=dict[str, Any])
def waitlist_list(request: HttpRequest) -> dict[str, Any]:
    """Waiting entries, oldest first (the order slots are offered in), each with its next
    free slots that fit; and the slots cancellations freed in the next eight weeks with
    the entries that fit each. The clients listed are recorded as read."""
    clinic = clinic_request(request).clinic
    now = timezone.now()
    rows = waitlist_selectors.waiting_with_slots(clinic, now=now)
    freed = waitlist_selectors.freed_slots(
        clinic, now, now + timedelta(days=waitlist_selectors.AHEAD_DAYS), now=now
    )
    listed = list({r.entry.patient_id: r.entry.patient for r in rows}.values())
    access_patient_list(clinic_user(request), listed, request=request)
    return {
        "order": "oldest entry first",
        "entries": [entry_json(r.entry, r.fits) for r in rows],
        "freed": [
            {
                "therapist_id": s.therapist.pk,
                "starts_at": s.starts_at.isoformat(),
                "ends_at": s.ends_at.isoformat(),
                "appointment_id": s.appointment.pk,
                "freed_by": s.how,
                "fits": [_fit_json(f) for f in s.fits],
            }
            for s in freed
        ],
    }


@router.post("/waitlist", response={201: dict[str, Any]})
def waitlist_add_api(request: HttpRequest, payload: WaitlistIn) -> Any:
    """Put a client on the waitlist; ``windows`` as ``Mon Wed 08:00-12:00; Fri
    13:00-17:00`` (local time); ``first_day`` defaults to today in the clinic. 422 names
    the field."""
    clinic = clinic_request(request).clinic
    patient = access_patient(
        clinic_user(request), payload.patient_id, request=request, what="waitlist"
    )
    entry = waitlist_add(
        actor=clinic_user(request),
        patient=patient,
        type=_one_of(AppointmentType, clinic, payload.type_id, "type_id"),
        therapist=_one_of(
            User,
            clinic,
            payload.therapist_id,
            "therapist_id",
            role__in=(Role.THERAPIST, Role.OWNER),
        ),
        windows=payload.windows,
        first_day=payload.first_day or clinic.today(),
        last_day=payload.last_day,
        notes=payload.notes,
        origin=Origin.of(request),
    )
    return Status(201, entry_json(entry))


def _post_only(action: str) -> Any:
    """A GET on a POST-only route: the door first (404 to an outsider), then 405."""

    def view(request: HttpRequest, patient_id: int, entry_id: int) -> Any:
        access_waitlist_entry(clinic_user(request), patient_id, entry_id, request=request)
        return Status(
            405, {"error": {"code": "method_not_allowed", "message": "Use POST.", "field": None}}
        )

    view.__name__ = f"waitlist_{action}_get"
    return view


for _action in ("remove", "book"):
    router.get(
        f"{ONE}/{_action}", response={405: dict[str, Any]}, url_name=f"waitlist_{_action}_get"
    )(_post_only(_action))


@router.post(f"{ONE}/remove", response=dict[str, Any])
def waitlist_remove_api(
    request: HttpRequest, patient_id: int, entry_id: int, payload: RemoveIn
) -> Any:
    """Take an entry off the waitlist with a reason (kept, never deleted)."""
    entry = access_waitlist_entry(clinic_user(request), patient_id, entry_id, request=request)
    removed = waitlist_remove(
        actor=clinic_user(request),
        entry=entry,
        reason=payload.reason,
        origin=Origin.of(request),
    )
    entry.status, entry.remove_reason = removed.status, removed.remove_reason
    return entry_json(entry)


@router.post(f"{ONE}/book", response={201: dict[str, Any]})
def waitlist_book_api(
    request: HttpRequest, patient_id: int, entry_id: int, payload: WaitBookIn
) -> Any:
    """Book the entry at ``starts_at`` (through the same booking rules as
    ``POST /appointments``); the entry becomes booked. 422 names the field (a time outside
    the client's wanted times, an overlap, a time outside the working hours)."""
    clinic = clinic_request(request).clinic
    entry = access_waitlist_entry(clinic_user(request), patient_id, entry_id, request=request)
    appointment = waitlist_book(
        actor=clinic_user(request),
        entry=entry,
        starts_at=_aware(payload.starts_at, "starts_at"),
        therapist=_one_of(
            User,
            clinic,
            payload.therapist_id,
            "therapist_id",
            role__in=(Role.THERAPIST, Role.OWNER),
        ),
        room=_one_of(Room, clinic, payload.room_id, "room_id"),
        origin=Origin.of(request),
    )
    return Status(201, appointment_json(appointment))
