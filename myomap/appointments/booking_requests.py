"""Booking requests: what a client may ask for on their private link, and the front desk's
answer.

A client sees the free slots of the types the clinic offers online (``AppointmentType.online``:
a type for returning clients only, or for everyone), computed by the same free-slot search the
front desk uses, and asks for one. Nothing is reserved: booking it goes through
``appointment_book`` with every rule of the calendar, and its confirmation message is the one
every booking sends. A decline is told to the client by email, naming only the clinic and the
time. The client's own words are never in a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from myomap.appointments.booking_models import BookingRequest, RequestStatus
from myomap.appointments.models import Appointment, AppointmentType, Online, Status
from myomap.appointments.reminder_models import AppointmentLink
from myomap.appointments.selectors import next_free_slots, therapists_of
from myomap.appointments.services import appointment_book
from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.patients.models import Patient
from myomap.sessions.models import SessionStatus, TreatmentSession

CLIENT = "client (private link)"
WAITING_AT_MOST = 3
"""Requests a client may have waiting at once."""
DAYS_AHEAD = 28
SLOTS_SHOWN = 12
SCANNED = 400
"""Free starts read per therapist (every quarter hour) before one per visit length is kept."""
NOTE_LENGTH = 300


@dataclass(frozen=True)
class Offer:
    """A free slot a client may ask for."""

    therapist: User
    starts_at: datetime


def is_returning(patient: Patient) -> bool:
    """Has the client had a visit: a completed appointment or a finished session."""
    return (
        Appointment.objects.filter(patient=patient, status=Status.COMPLETED).exists()
        or TreatmentSession.objects.filter(patient=patient, status=SessionStatus.FINISHED).exists()
    )


def offered_types(patient: Patient) -> list[AppointmentType]:
    """The types ``patient`` may ask for: offered online, and to new clients if they are one."""
    allowed = [Online.EVERYONE] + ([Online.RETURNING] if is_returning(patient) else [])
    return list(
        AppointmentType.objects.filter(clinic=patient.clinic, active=True, online__in=allowed)
    )


def offers(kind: AppointmentType, *, now: datetime | None = None) -> list[Offer]:
    """The next free slots for ``kind`` with any therapist, soonest first, one per visit's
    length for each therapist (09:00, 10:15, ... rather than every quarter hour)."""
    clinic = kind.clinic
    now = now or timezone.now()
    first_day = timezone.localdate(now, clinic.zone)
    step = timedelta(minutes=kind.minutes + kind.buffer_minutes)
    found: list[Offer] = []
    for therapist in therapists_of(clinic):
        last: datetime | None = None
        for start in next_free_slots(
            therapist=therapist,
            kind=kind,
            first_day=first_day,
            days=DAYS_AHEAD,
            limit=SCANNED,
            now=now,
        ):
            if last is None or start >= last + step:
                found.append(Offer(therapist, start))
                last = start
    found.sort(key=lambda o: (o.starts_at, o.therapist.pk))
    return found[:SLOTS_SHOWN]


def _clean_note(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_LENGTH:
        raise ValidationError({"note": f"Keep the note to {NOTE_LENGTH} characters ({len(note)})."})
    if any(ord(c) < 32 and c not in "\n\t" for c in note):
        raise ValidationError({"note": "The note contains control characters."})
    return note


@transaction.atomic
def booking_request_create(
    *,
    link: AppointmentLink,
    type_id: int,
    therapist_id: int,
    starts_at: datetime,
    note: str = "",
    actor: User | None = None,
    origin: Origin | None = None,
    now: datetime | None = None,
) -> BookingRequest:
    """The client asks for one of the offered slots. Refused, naming the field, for a type not
    offered to them, a slot that is not (or no longer) free, more than three waiting requests,
    an archived client or a note that is too long."""
    patient = Patient.objects.select_for_update().get(pk=link.private.patient_id)
    if patient.is_archived:
        raise ValidationError({"patient": "This client's record is closed."})
    kind = next((t for t in offered_types(patient) if t.pk == type_id), None)
    if kind is None:
        raise ValidationError({"type": f"Appointment type {type_id} is not offered online."})
    note = _clean_note(note)
    waiting = BookingRequest.objects.filter(patient=patient, status=RequestStatus.WAITING).count()
    if waiting >= WAITING_AT_MOST:
        raise ValidationError(
            {"starts_at": f"You already have {waiting} requests waiting for the clinic's answer."}
        )
    offer = next(
        (
            o
            for o in offers(kind, now=now)
            if o.therapist.pk == therapist_id and o.starts_at == starts_at
        ),
        None,
    )
    if offer is None:
        raise ValidationError(
            {"starts_at": f"{starts_at.isoformat()} with therapist {therapist_id} is not free."}
        )
    request = BookingRequest(
        clinic=patient.clinic,
        patient=patient,
        type=kind,
        therapist=offer.therapist,
        starts_at=offer.starts_at,
        ends_at=offer.starts_at + timedelta(minutes=kind.minutes),
        note=note,
        link=link,
    )
    request.full_clean()
    request.save()
    audit_record(
        action=AuditAction.CREATE,
        clinic=patient.clinic,
        actor=actor,
        patient=patient,
        obj=request,
        summary=f"Asked for {kind.name} with {offer.therapist.display_name} on "
        f"{_local(offer.starts_at, request)}",
        origin=origin,
        actor_label="" if actor else CLIENT,
    )
    return request


def _local(moment: datetime, request: BookingRequest) -> str:
    local = moment.astimezone(request.clinic.zone)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M}"


def _lock_waiting(request: BookingRequest) -> BookingRequest:
    locked = BookingRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.WAITING:
        raise ValidationError({"status": f"This request is already {locked.get_status_display()}."})
    return locked


@transaction.atomic
def booking_request_book(
    *, actor: User, request: BookingRequest, origin: Origin | None = None
) -> Appointment:
    """Book the slot asked for through every booking rule; the booking's confirmation tells
    the client. A slot taken meanwhile is refused with the next free slots named."""
    locked = _lock_waiting(request)
    try:
        with transaction.atomic():
            appointment = appointment_book(
                actor=actor,
                patient=locked.patient,
                therapist=locked.therapist,
                type=locked.type,
                starts_at=locked.starts_at,
                desk_notes=f"Asked for online: {locked.note}" if locked.note else "",
                origin=origin,
            )
    except ValidationError as refused:
        others = [o for o in offers(locked.type) if o.starts_at != locked.starts_at][:3]
        later = (
            "; ".join(
                f"{_local(o.starts_at, locked)} with {o.therapist.display_name}" for o in others
            )
            or "none in the next four weeks"
        )
        raise ValidationError(
            {
                "starts_at": f"{_local(locked.starts_at, locked)} can no longer be booked "
                f"({'; '.join(refused.messages)}). Next free: {later}."
            }
        ) from refused
    locked.appointment = appointment
    _answer(locked, RequestStatus.BOOKED, actor, origin, "Booked")
    return appointment


def _answer(
    locked: BookingRequest, status: str, actor: User, origin: Origin | None, verb: str
) -> None:
    """Record the front desk's answer on the locked request, audited."""
    locked.status = status
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.full_clean()
    locked.save()
    audit_record(
        action=AuditAction.UPDATE,
        clinic=locked.clinic,
        actor=actor,
        patient=locked.patient,
        obj=locked,
        origin=origin,
        summary=f"{verb} the online request for {_local(locked.starts_at, locked)}",
    )


@transaction.atomic
def booking_request_decline(
    *, actor: User, request: BookingRequest, reason: str = "", origin: Origin | None = None
) -> BookingRequest:
    """Decline the request and tell the client by email (the clinic and the time only)."""
    locked = _lock_waiting(request)
    reason = reason.strip()
    if len(reason) > 300 or any(ord(c) < 32 for c in reason):
        raise ValidationError({"reason": "Give a reason of one line, at most 300 characters."})
    locked.reason = reason
    _answer(locked, RequestStatus.DECLINED, actor, origin, "Declined")
    email = locked.patient.email
    if email:
        clinic = locked.clinic
        body = "\n".join(
            [
                "Hello,",
                "",
                f"{clinic.name} could not give you the time you asked for, "
                f"{_local(locked.starts_at, locked)}.",
                "",
                "You can ask for another time on your private appointment link"
                + (f", or call us on {clinic.phone}." if clinic.phone else "."),
                "",
                clinic.name,
            ]
        )
        transaction.on_commit(
            lambda: send_mail(
                subject=f"Your request to {clinic.name}",
                message=body,
                from_email=None,
                recipient_list=[email],
                fail_silently=False,
            )
        )
    return locked


def waiting_requests(clinic_id: int) -> list[BookingRequest]:
    """The clinic's waiting requests, oldest first."""
    return list(
        BookingRequest.objects.filter(clinic_id=clinic_id, status=RequestStatus.WAITING)
        .select_related("patient", "type", "therapist")
        .order_by("created_at", "id")
    )


def waiting_count(clinic_id: int) -> int:
    return BookingRequest.objects.filter(clinic_id=clinic_id, status=RequestStatus.WAITING).count()
