"""The therapist's home program editor: remove, add, reword, reorder and set the dose of items."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from myomap.aftercare.access import access_sheet
from myomap.aftercare.models import AftercareSheet
from myomap.aftercare.services import (
    program_item_add,
    program_item_change,
    program_item_move,
    program_item_remove,
)
from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role, User
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest
from myomap_core import home_program as program
from myomap_core.aftercare import ItemKind
from myomap_core.errors import DomainError, DomainErrors
from myomap_core.knowledge.loader import load_knowledge_base

ACTIONS = ("add", "remove", "up", "down", "change")


def _number(data: Any, name: str) -> int | None:
    text = str(data.get(name, "")).strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise DomainError("must be a whole number", field=name, value=text) from None


def dose_from(data: Any) -> program.Dose:
    """The dose a form posted; a missing or garbled number names its field."""
    per = str(data.get("per", "day"))
    if per not in tuple(program.Per):
        raise DomainError("must be day or week", field="per", value=per)
    times = _number(data, "times")
    if times is None:
        raise DomainError("is required", field="times")
    return program.Dose(
        times=times,
        per=program.Per(per),
        duration_s=_number(data, "duration_s"),
        repetitions=_number(data, "repetitions"),
    )


def _act(request: ClinicRequest, sheet: AftercareSheet, action: str, item_id: str) -> None:
    actor: User = request.user
    origin = Origin.of(request)
    post = request.POST
    if action == "add":
        program_item_add(
            actor=actor,
            sheet=sheet,
            kind=post.get("kind", ""),
            muscle_id=post.get("muscle_id", ""),
            origin=origin,
        )
    elif action == "remove":
        program_item_remove(actor=actor, sheet=sheet, item_id=item_id, origin=origin)
    elif action in ("up", "down"):
        program_item_move(
            actor=actor, sheet=sheet, item_id=item_id, direction=action, origin=origin
        )
    elif action == "change":
        program_item_change(
            actor=actor,
            sheet=sheet,
            item_id=item_id,
            title=post.get("title"),
            what=post.get("what"),
            dose=dose_from(post),
            origin=origin,
        )
    else:
        raise DomainError("unknown action", field="action", value=action, suggestions=ACTIONS)


def _errors(exc: DomainError) -> dict[str, str]:
    found = exc.errors if isinstance(exc, DomainErrors) else (exc,)
    return {e.field: e.message[:1].upper() + e.message[1:] + "." for e in found}


def _context(sheet: AftercareSheet, **extra: Any) -> dict[str, Any]:
    kb = load_knowledge_base()
    items = sheet.items
    return {
        "patient": sheet.patient,
        "session": sheet.session,
        "sheet": sheet,
        "items": [
            {
                "item": item,
                "safe": program.SAFE_RANGES[ItemKind(str(item["kind"]))],
                "first_day": sheet.first_day(item),
                "first": i == 0,
                "last": i == len(items) - 1,
            }
            for i, item in enumerate(items)
        ],
        "aside": sheet.set_aside,
        "muscles": sorted(kb.muscles, key=lambda m: m.name),
        "kinds": ((ItemKind.STRETCH, "Stretch"), (ItemKind.SELF_COMPRESSION, "Self-compression")),
        "errors": {},
        "error_item": "",
        "posted": {},
        **extra,
    }


@clinic_member(Role.OWNER, Role.THERAPIST)
def program_page(request: ClinicRequest, patient_id: int, session_id: int) -> HttpResponse:
    """The home program editor; each change is saved at once and shows on the client's page."""
    template = "aftercare/_program.html" if request.htmx else "aftercare/program.html"
    if request.method != "POST":
        sheet = access_sheet(request.user, patient_id, session_id, request=request)
        return render(request, "aftercare/program.html", _context(sheet))
    action, item_id = request.POST.get("action", ""), request.POST.get("item", "")
    try:
        with transaction.atomic():
            sheet = access_sheet(request.user, patient_id, session_id, request=request, lock=True)
            _act(request, sheet, action, item_id)
    except DomainError as exc:
        sheet = access_sheet(request.user, patient_id, session_id, request=request)
        context = _context(
            sheet, errors=_errors(exc), error_item=item_id or "new", posted=request.POST
        )
        # HTMX leaves error answers unswapped; the refusal is shown in the part itself.
        return render(request, template, context, status=200 if request.htmx else 400)
    if request.htmx:
        return render(request, template, _context(sheet, moved=item_id))
    url = reverse("aftercare:program", args=[patient_id, session_id])
    anchor = f"#item-{item_id}" if action != "remove" and item_id else "#program"
    return redirect(url + anchor)
