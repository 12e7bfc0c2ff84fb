"""The client asks for another visit on their private appointment link.

The page lists the types the clinic offers online to this client and, for the type chosen,
the next free slots; the client picks one and may add a short note. Nothing is reserved: the
clinic answers by email. Unknown, revoked, cancelled and past links get the same "not
available" page as the appointment page.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from myomap.appointments.booking_requests import (
    NOTE_LENGTH,
    booking_request_create,
    offered_types,
    offers,
)
from myomap.common.audit import Origin
from myomap.portal.appointment import link_and_visitor
from myomap.portal.unavailable import link_unavailable


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 10 else None


@never_cache
def booking(request: HttpRequest, token: str) -> HttpResponse:
    found = link_and_visitor(request, token)
    if found is None:
        return link_unavailable(request)
    link, actor = found
    types = offered_types(link.private.patient)
    context: dict[str, object] = {
        "clinic": link.private.clinic,
        "types": types,
        "note_length": NOTE_LENGTH,
    }
    status = 200
    if request.method == "POST":
        data = request.POST
        try:
            starts_at = datetime.fromisoformat(data.get("slot", "").split("|", 1)[-1])
        except ValueError:
            starts_at = None
        therapist_id = _int(data.get("slot", "").split("|", 1)[0])
        type_id = _int(data.get("type", ""))
        try:
            if type_id is None:
                raise ValidationError({"type": f"{data.get('type', '')[:20]!r} is not a type."})
            if starts_at is None or therapist_id is None or timezone.is_naive(starts_at):
                raise ValidationError({"slot": f"{data.get('slot', '')[:60]!r} is not a slot."})
            asked = booking_request_create(
                link=link,
                type_id=type_id,
                therapist_id=therapist_id,
                starts_at=starts_at,
                note=data.get("note", ""),
                actor=actor,
                origin=Origin.of(request),
            )
        except ValidationError as exc:
            context["errors"] = [m for ms in exc.message_dict.values() for m in ms]
            status = 400
        else:
            local = asked.starts_at.astimezone(link.private.clinic.zone)
            context["sent"] = f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"
            return render(request, "portal/booking.html", context)
    chosen = next(
        (
            t
            for t in types
            if t.pk == _int(request.GET.get("type", "") or request.POST.get("type", ""))
        ),
        None,
    )
    if chosen is None and len(types) == 1:
        chosen = types[0]
    if chosen is not None:
        zone = link.private.clinic.zone
        context["chosen"] = chosen
        context["slots"] = [
            {
                "value": f"{o.therapist.pk}|{o.starts_at.isoformat()}",
                "label": f"{o.starts_at.astimezone(zone):%a %d %b, %H:%M}",
                "who": o.therapist.first_name or o.therapist.display_name,
            }
            for o in offers(chosen)
        ]
    return render(request, "portal/booking.html", context, status=status)
