"""The practice set-up endpoints under ``/api/v1/practice``: appointment types, locations and
rooms, working hours, blocks and the reminder policy. The same services, rules and roles as
the set-up pages; a refusal is 422 naming the field and the value, another clinic's row 404."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from myomap.appointments import selectors, setup_selectors
from myomap.appointments.models import AppointmentType, Block, Location, Room, WorkingHours
from myomap.appointments.reminders import policy_of
from myomap.appointments.setup_services import (
    block_create,
    block_remove,
    hours_add,
    hours_remove,
    location_create,
    location_update,
    policy_update,
    room_create,
    room_update,
    type_create,
    type_update,
)
from myomap.clinics.models import Clinic, Role, User
from myomap.common.audit import Origin
from myomap.common.request import clinic_request, clinic_user

router = Router(tags=["practice set-up"])


def _owner(request: HttpRequest) -> User:
    user = clinic_user(request)
    if user.role != Role.OWNER:
        raise PermissionDenied("Only the clinic owner changes this.")
    return user


def _row(model: type[Any], clinic: Clinic, pk: int, name: str, **more: Any) -> Any:
    found = model.objects.filter(pk=pk, clinic=clinic, **more).first() if 0 < pk < 2**63 else None
    if found is None:
        raise Http404(f"{name}: no {name.removesuffix('_id')} {pk} in this clinic.")
    return found


def _therapist(clinic: Clinic, pk: int) -> User:
    found = next((t for t in selectors.therapists_of(clinic) if t.pk == pk), None)
    if found is None:
        raise Http404(f"therapist_id: no therapist {pk} in this clinic.")
    return found


def type_json(k: AppointmentType) -> dict[str, Any]:
    return {"id": k.pk, "name": k.name, "minutes": k.minutes,
            "buffer_minutes": k.buffer_minutes, "colour": k.colour, "active": k.active,
            "online": k.online}  # fmt: skip


def span_json(h: WorkingHours) -> dict[str, Any]:
    return {"id": h.pk, "therapist_id": h.therapist_id, "location_id": h.location_id,
            "weekday": h.weekday, "start": h.start.strftime("%H:%M"),
            "end": h.end.strftime("%H:%M")}  # fmt: skip


def block_json(b: Block) -> dict[str, Any]:
    return {"id": b.pk, "therapist_id": b.therapist_id, "starts_at": b.starts_at.isoformat(),
            "ends_at": b.ends_at.isoformat(), "reason": b.reason}  # fmt: skip


def _booked(rows: list[Any]) -> list[dict[str, Any]]:
    return [{"id": a.pk, "patient_id": a.patient_id, "starts_at": a.starts_at.isoformat()}
            for a in rows]  # fmt: skip


# -- appointment types ----------------------------------------------------------------------


class TypeIn(Schema):
    id: int | None = None
    name: str = Field(..., max_length=60)
    minutes: int
    buffer_minutes: int = 0
    colour: str = Field(..., max_length=7)
    active: bool = True
    online: str = Field("", max_length=10, description="no, returning or everyone")


@router.get("/types", response=list[dict[str, Any]])
def practice_types(request: HttpRequest) -> list[dict[str, Any]]:
    """Every appointment type of the clinic, active first."""
    return [type_json(k) for k in setup_selectors.all_types(clinic_request(request).clinic)]


@router.post("/types", response={200: dict[str, Any], 201: dict[str, Any]})
def practice_type_save(request: HttpRequest, payload: TypeIn) -> Any:
    """Add a type (no ``id``) or change one (5–480 min, buffer 0–120, a palette colour)."""
    user = _owner(request)
    data = payload.dict(exclude={"id"})
    if payload.id is None:
        data.pop("active")
        return Status(201, type_json(type_create(actor=user, origin=Origin.of(request), **data)))
    kind = _row(AppointmentType, clinic_request(request).clinic, payload.id, "id")
    return type_json(type_update(actor=user, kind=kind, origin=Origin.of(request), **data))


# -- locations and rooms --------------------------------------------------------------------


class PlaceIn(Schema):
    id: int | None = None
    name: str = Field(..., max_length=80)
    address: str = Field("", max_length=500)
    active: bool = True


class RoomIn(Schema):
    id: int | None = None
    location_id: int | None = None
    name: str = Field(..., max_length=80)
    active: bool = True


@router.get("/locations", response=list[dict[str, Any]])
def practice_locations(request: HttpRequest) -> list[dict[str, Any]]:
    """The clinic's locations, each with its rooms."""
    return [
        {"id": p.pk, "name": p.name, "address": p.address, "active": p.active,
         "rooms": [{"id": r.pk, "name": r.name, "active": r.active} for r in p.rooms.all()]}
        for p in setup_selectors.places(clinic_request(request).clinic)
    ]  # fmt: skip


@router.post("/locations", response={200: dict[str, Any], 201: dict[str, Any]})
def practice_location_save(request: HttpRequest, payload: PlaceIn) -> Any:
    """Add a location (no ``id``), or rename or (de)activate one."""
    user = _owner(request)
    origin = Origin.of(request)
    if payload.id is None:
        made = location_create(actor=user, name=payload.name, address=payload.address,
                               origin=origin)  # fmt: skip
        return Status(201, {"id": made.pk, "name": made.name, "active": made.active})
    row = _row(Location, clinic_request(request).clinic, payload.id, "id")
    row = location_update(actor=user, location=row, name=payload.name, active=payload.active,
                          origin=origin)  # fmt: skip
    return {"id": row.pk, "name": row.name, "active": row.active}


@router.post("/rooms", response={200: dict[str, Any], 201: dict[str, Any]})
def practice_room_save(request: HttpRequest, payload: RoomIn) -> Any:
    """Add a room at a location (no ``id``), or rename or (de)activate one."""
    user = _owner(request)
    clinic = clinic_request(request).clinic
    origin = Origin.of(request)
    if payload.id is None:
        location = _row(Location, clinic, payload.location_id or 0, "location_id")
        made = room_create(actor=user, location=location, name=payload.name, origin=origin)
        return Status(201, {"id": made.pk, "name": made.name, "active": made.active})
    row = _row(Room, clinic, payload.id, "id")
    row = room_update(actor=user, room=row, name=payload.name, active=payload.active,
                      origin=origin)  # fmt: skip
    return {"id": row.pk, "name": row.name, "active": row.active}


# -- working hours --------------------------------------------------------------------------


class SpanIn(Schema):
    therapist_id: int
    location_id: int
    weekday: int = Field(..., ge=0, le=6)
    start: time
    end: time


class RemoveIn(Schema):
    id: int


def _may_edit_hours(user: User, therapist: User) -> None:
    if not (user.role == Role.OWNER or (user.role == Role.THERAPIST and user.pk == therapist.pk)):
        raise PermissionDenied("Only the owner, or the therapist themselves, edit hours.")


@router.get("/hours", response=dict[str, Any])
def practice_hours(request: HttpRequest, therapist_id: int | None = None) -> dict[str, Any]:
    """A therapist's weekly spans (the user's own without ``therapist_id``) and their future
    bookings outside them."""
    clinic = clinic_request(request).clinic
    therapist = _therapist(clinic, therapist_id or clinic_user(request).pk)
    spans = [s for row in setup_selectors.hours_week(therapist) for s in row.spans]
    outside = setup_selectors.outside_hours(therapist, zone=clinic.zone, spans=spans)
    return {"spans": [span_json(s) for s in spans], "outside_hours": _booked(outside)}


@router.post("/hours", response={201: dict[str, Any]})
def practice_hours_add(request: HttpRequest, payload: SpanIn) -> Any:
    """Add a span; 422 for an end not after the start or an overlap (any location)."""
    user = clinic_user(request)
    clinic = clinic_request(request).clinic
    therapist = _therapist(clinic, payload.therapist_id)
    _may_edit_hours(user, therapist)
    span = hours_add(
        actor=user,
        therapist=therapist,
        location=_row(Location, clinic, payload.location_id, "location_id"),
        weekday=payload.weekday,
        start=payload.start,
        end=payload.end,
        origin=Origin.of(request),
    )
    return Status(201, span_json(span))


@router.post("/hours/remove", response=dict[str, Any])
def practice_hours_remove(request: HttpRequest, payload: RemoveIn) -> dict[str, Any]:
    """Remove a span; the therapist's future bookings now outside their hours (kept)."""
    user = clinic_user(request)
    clinic = clinic_request(request).clinic
    span = _row(WorkingHours, clinic, payload.id, "id")
    therapist = _therapist(clinic, span.therapist_id)
    _may_edit_hours(user, therapist)
    hours_remove(actor=user, span=span, origin=Origin.of(request))
    return {"outside_hours": _booked(setup_selectors.outside_hours(therapist, zone=clinic.zone))}


# -- blocks ---------------------------------------------------------------------------------


class BlockIn(Schema):
    therapist_id: int
    starts_at: datetime
    ends_at: datetime
    reason: str = Field("", max_length=120)


def _may_block(user: User, therapist_id: int) -> None:
    if user.role == Role.THERAPIST and user.pk != therapist_id:
        raise PermissionDenied("A therapist blocks only their own calendar.")


@router.get("/blocks", response=list[dict[str, Any]])
def practice_blocks(request: HttpRequest) -> list[dict[str, Any]]:
    """The clinic's blocks that have not ended."""
    return [block_json(b) for b in setup_selectors.blocks_ahead(clinic_request(request).clinic)]


@router.post("/blocks", response={201: dict[str, Any]})
def practice_block_add(request: HttpRequest, payload: BlockIn) -> Any:
    """Block a therapist (times with their offset); the bookings it overlaps (kept)."""
    user = clinic_user(request)
    _may_block(user, payload.therapist_id)
    block = block_create(
        actor=user,
        therapist=_therapist(clinic_request(request).clinic, payload.therapist_id),
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        reason=payload.reason,
        origin=Origin.of(request),
    )
    return Status(
        201, block_json(block) | {"overlaps": _booked(setup_selectors.under_block(block))}
    )


@router.post("/blocks/remove", response=dict[str, Any])
def practice_block_remove(request: HttpRequest, payload: RemoveIn) -> dict[str, Any]:
    """Remove a block."""
    user = clinic_user(request)
    block = _row(Block, clinic_request(request).clinic, payload.id, "id")
    _may_block(user, block.therapist_id)
    block_remove(actor=user, block=block, origin=Origin.of(request))
    return {"removed": payload.id}


# -- reminder policy ------------------------------------------------------------------------


class PolicyIn(Schema):
    offsets: str = Field(..., max_length=40)
    cancellation_hours: int
    sms: bool


@router.get("/policy", response=dict[str, Any])
def practice_policy(request: HttpRequest) -> dict[str, Any]:
    """The clinic's reminder policy (the defaults until it sets one)."""
    policy = policy_of(clinic_request(request).clinic)
    return {"offsets": policy.offset_hours, "cancellation_hours": policy.cancellation_hours,
            "sms": policy.sms}  # fmt: skip


@router.post("/policy", response=dict[str, Any])
def practice_policy_save(request: HttpRequest, payload: PolicyIn) -> dict[str, Any]:
    """Set the policy; pending reminders of upcoming appointments are re-planned, sent ones
    are never sent again."""
    _, cancelled, added = policy_update(
        actor=_owner(request), origin=Origin.of(request), **payload.dict()
    )
    return practice_policy(request) | {"reminders_cancelled": cancelled, "reminders_added": added}
