"""The client's private check-in link: the visit's check-in answered ahead, on a phone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from myomap.common.audit import Origin
from myomap.common.links import link_opened, link_visitor
from myomap.portal.unavailable import link_unavailable
from myomap.sessions.models import RESPONSES, SORENESS
from myomap.sessions.payload import checkin_data
from myomap.sessions.selectors import checkin_questions
from myomap.sessions.services import checkin_first_visit, checkin_from_link, checkin_link_find
from myomap_core.errors import DomainError


@never_cache
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    link = checkin_link_find(token)
    if link is None:
        return link_unavailable(request)
    actor = link_visitor(request, link)
    patient = link.private.patient
    error = None
    if request.method == "POST":
        try:
            checkin_from_link(
                link=link, data=checkin_data(request.POST), actor=actor, origin=Origin.of(request)
            )
        except DomainError as exc:
            error = exc
        else:
            return redirect("portal:checkin_done")
    else:
        link_opened(link, request=request, obj=link, what="the check-in link", actor=actor)
    context = {
        "clinic": link.private.clinic,
        "patient": patient,
        "link": link,
        "error": error,
        "scale": range(11),
        "first_visit": checkin_first_visit(patient, None),
        "checkin_questions": checkin_questions(patient),
        "responses": RESPONSES,
        "soreness_choices": SORENESS,
    }
    return render(request, "portal/checkin.html", context, status=400 if error else 200)


def checkin_done(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/checkin_done.html")
