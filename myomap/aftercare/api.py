"""The aftercare endpoints of the JSON API: a session's aftercare sheet and home care adherence."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from myomap.aftercare import selectors
from myomap.aftercare.access import access_sheet
from myomap.aftercare.models import AftercareSheet
from myomap.aftercare.services import (
    aftercare_for_session,
    program_item_add,
    program_item_change,
    program_item_move,
    program_item_remove,
)
from myomap.common.audit import Origin
from myomap.common.request import clinic_user
from myomap.sessions.access import access_session
from myomap_core import home_program as program
from myomap_core.errors import DomainError, DomainErrors

router = Router(tags=["aftercare"])


@router.get("/clients/{patient_id}/sessions/{session_id}/aftercare", response=dict[str, Any])
def session_aftercare(request: HttpRequest, patient_id: int, session_id: int) -> dict[str, Any]:
    """The aftercare sheet of a finished session: general instructions, warning signs,
    self-care per treated muscle, posture advice, the home program and the sources.

    Made on first request from the session (as the sheet page does) and kept unchanged after.
    """
    session = access_session(
        clinic_user(request), patient_id, session_id, request=request, what="aftercare sheet"
    )
    sheet = aftercare_for_session(
        actor=clinic_user(request),
        session=session,
        origin=Origin.of(request),
    )
    return {
        "id": sheet.pk,
        "session_id": session.pk,
        "session_number": session.number,
        "created_at": sheet.created_at.isoformat(),
        **sheet.content,
    }


@router.get(
    "/clients/{patient_id}/sessions/{session_id}/homecare/adherence", response=dict[str, Any]
)
def homecare_adherence(request: HttpRequest, patient_id: int, session_id: int) -> dict[str, Any]:
    """Home program days done over the last 7 days (since the sheet), overall and per item."""
    session = access_session(
        clinic_user(request), patient_id, session_id, request=request, what="aftercare sheet"
    )
    sheet = AftercareSheet.objects.filter(session=session).select_related("clinic").first()
    if sheet is None:
        raise Http404("This session has no aftercare sheet yet.")
    return selectors.adherence_json(sheet)


# The home program the therapist curates ----------------------------------------------------

PROGRAM = "/clients/{patient_id}/sessions/{session_id}/homecare/program"
ITEM = PROGRAM + "/{homecare_item_id}"
ITEM_RESPONSES = {200: dict[str, Any], 422: dict[str, Any]}


class ItemIn(Schema):
    """An item to add: a muscle's ``stretch`` or ``self_compression`` from the knowledge base,
    or a set-aside item back by its kind (``walk``, ``movement_breaks``)."""

    kind: str
    muscle_id: str = ""


class ItemPatch(Schema):
    """Any of: the client-facing words, the dose, a move one place ``up`` or ``down``."""

    title: str | None = None
    what: str | None = None
    times: int | None = None
    per: str | None = None
    duration_s: int | None = None
    repetitions: int | None = None
    move: str | None = None


def _refused(exc: DomainError) -> HttpResponse:
    """422 naming the field and the reason; every field at once for a dose."""
    found = exc.errors if isinstance(exc, DomainErrors) else (exc,)
    body = {
        "code": "invalid",
        "message": str(exc),
        "field": exc.field,
        "problems": [{"field": e.field, "message": e.message} for e in found],
    }
    return HttpResponse(
        json.dumps({"error": body}, ensure_ascii=False, default=str),
        status=422,
        content_type="application/json",
    )


def program_out(sheet: AftercareSheet) -> dict[str, Any]:
    """The program in order (each item with its dose and first day) and the set-aside items."""

    def out(item: dict[str, object]) -> dict[str, object]:
        return {**item, "starts_on": sheet.first_day(item).isoformat()}

    return {
        "session_id": sheet.session_id,
        "items": [out(i) for i in sheet.items],
        "set_aside": [out(i) for i in sheet.set_aside],
    }


@router.get(PROGRAM, response=dict[str, Any])
def homecare_program(request: HttpRequest, patient_id: int, session_id: int) -> dict[str, Any]:
    """The home program as the client sees it, in order, with each item's dose."""
    return program_out(access_sheet(clinic_user(request), patient_id, session_id, request=request))


@router.post(PROGRAM, response={201: dict[str, Any], 422: dict[str, Any]})
def homecare_item_add(
    request: HttpRequest, patient_id: int, session_id: int, payload: ItemIn
) -> Any:
    """Add an item at the end; 422 naming the field for an unknown muscle or kind, an item
    already in the program, or self-compression the screening rules out."""
    user = clinic_user(request)
    try:
        with transaction.atomic():
            sheet = access_sheet(user, patient_id, session_id, request=request, lock=True)
            program_item_add(
                actor=user,
                sheet=sheet,
                kind=payload.kind,
                muscle_id=payload.muscle_id,
                origin=Origin.of(request),
            )
    except DomainError as exc:
        return _refused(exc)
    return Status(201, program_out(sheet))


@router.get(ITEM, response=dict[str, Any])
def homecare_item(
    request: HttpRequest, patient_id: int, session_id: int, homecare_item_id: str
) -> dict[str, Any]:
    """One item of the program, with its dose and first day; 404 if it is not in it."""
    sheet = access_sheet(clinic_user(request), patient_id, session_id, request=request)
    for item in program_out(sheet)["items"]:
        if item["id"] == homecare_item_id:
            return dict(item)
    raise Http404("No such item in the home program.")


@router.patch(ITEM, response=ITEM_RESPONSES)
def homecare_item_change(
    request: HttpRequest,
    patient_id: int,
    session_id: int,
    homecare_item_id: str,
    payload: ItemPatch,
) -> Any:
    """Reword, set the dose of, or move an item; a dose outside the item's safe range is 422
    naming each field outside it, and nothing is changed."""
    user = clinic_user(request)
    changes = payload.dict(exclude_unset=True)
    try:
        with transaction.atomic():
            sheet = access_sheet(user, patient_id, session_id, request=request, lock=True)
            dose = None
            if {"times", "per", "duration_s", "repetitions"} & changes.keys():
                current = next((i for i in sheet.items if i["id"] == homecare_item_id), None)
                if current is not None:
                    now = program.dose_of(current)
                    per = changes.get("per", now.per.value)
                    if per not in tuple(program.Per):
                        raise DomainError("must be day or week", field="per", value=per)
                    dose = program.Dose(
                        times=changes.get("times", now.times),
                        per=program.Per(per),
                        duration_s=changes.get("duration_s", now.duration_s),
                        repetitions=changes.get("repetitions", now.repetitions),
                    )
            program_item_change(
                actor=user,
                sheet=sheet,
                item_id=homecare_item_id,
                title=changes.get("title"),
                what=changes.get("what"),
                dose=dose,
                origin=Origin.of(request),
            )
            if changes.get("move") is not None:
                program_item_move(
                    actor=user,
                    sheet=sheet,
                    item_id=homecare_item_id,
                    direction=changes["move"],
                    origin=Origin.of(request),
                )
    except DomainError as exc:
        return _refused(exc)
    return Status(200, program_out(sheet))


@router.delete(ITEM, response=ITEM_RESPONSES)
def homecare_item_remove(
    request: HttpRequest, patient_id: int, session_id: int, homecare_item_id: str
) -> Any:
    """Take an item out of the program (it stays set aside; its ticks stay recorded)."""
    user = clinic_user(request)
    try:
        with transaction.atomic():
            sheet = access_sheet(user, patient_id, session_id, request=request, lock=True)
            program_item_remove(
                actor=user, sheet=sheet, item_id=homecare_item_id, origin=Origin.of(request)
            )
    except DomainError as exc:
        return _refused(exc)
    return Status(200, program_out(sheet))
