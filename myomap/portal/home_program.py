"""The client's home program on a private link (/h/): the aftercare sheet and a tick per item
and day. Unknown, expired and revoked links look alike."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from myomap.aftercare import selectors
from myomap.aftercare.services import home_link_find, home_mark_done, home_mark_undo
from myomap.common.audit import Origin
from myomap.common.links import link_opened, link_visitor
from myomap.portal.unavailable import link_unavailable
from myomap_core.errors import DomainError


def _parse_mark(value: str) -> tuple[date, bool] | None:
    day_text, _, done = value.partition("|")
    try:
        return date.fromisoformat(day_text), done == "1"
    except ValueError:
        return None


@never_cache
def home_program(request: HttpRequest, token: str) -> HttpResponse:
    link = home_link_find(token)
    if link is None:
        return link_unavailable(request, "home program")
    actor = link_visitor(request, link)
    sheet = link.sheet
    error = ""
    if request.method == "POST":
        item_id = request.POST.get("item", "")
        parsed = _parse_mark(request.POST.get("mark", ""))
        try:
            if parsed is None:
                raise DomainError("choose a day", field="day")
            day, done = parsed
            if done:
                home_mark_done(
                    sheet=sheet,
                    item_id=item_id,
                    day=day,
                    link=link,
                    actor=actor,
                    origin=Origin.of(request),
                )
            else:
                home_mark_undo(
                    sheet=sheet, item_id=item_id, day=day, actor=actor, origin=Origin.of(request)
                )
        except DomainError as exc:
            error = exc.message[:1].upper() + exc.message[1:] + "."
        else:
            return redirect(reverse("portal:home_program", args=[token]) + f"#item-{item_id}")
    else:
        link_opened(link, request=request, obj=link, what="the home program link", actor=actor)
    context = {
        "link": link,
        "clinic": link.private.clinic,
        "patient": link.private.patient,
        "session": sheet.session,
        "sheet": sheet,
        "c": sheet.content,
        "grid": selectors.program_grid(sheet),
        "adherence": selectors.adherence(sheet),
        "error": error,
    }
    return render(request, "portal/home_program.html", context, status=400 if error else 200)
