"""The client's private intake link: one section per screen, resumable, phone-first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from myomap.clinics.models import User
from myomap.common.links import completed_by_token, link_opened, link_visitor
from myomap.intake.flow import Flow, first_open_section, section_page
from myomap.intake.models import IntakeLink
from myomap.intake.services import intake_link_find
from myomap.portal.unavailable import link_unavailable


def _flow(link: IntakeLink, token: str, actor: User | None) -> Flow:
    return Flow(
        intake=link.intake,
        actor=actor,
        section_url=lambda slug: reverse("portal:section", args=[token, slug]),
        done_url=reverse("portal:done", args=[token]),
        frame="portal/base.html",
        for_client=True,
    )


@never_cache
def intake_start(request: HttpRequest, token: str) -> HttpResponse:
    link = intake_link_find(token)
    if link is None:
        return link_unavailable(request)
    actor = link_visitor(request, link)
    link_opened(link, request=request, obj=link.intake, what="the private intake link", actor=actor)
    resume = first_open_section(link.intake)
    context = {
        "link": link,
        "clinic": link.private.clinic,
        "patient": link.private.patient,
        "resume_url": reverse("portal:section", args=[token, resume]),
        "resuming": bool(link.intake.answers),
    }
    return render(request, "portal/welcome.html", context)


@never_cache
def intake_section(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    link = intake_link_find(token)
    if link is None:
        return link_unavailable(request)
    return section_page(request, _flow(link, token, link_visitor(request, link)), slug)


@never_cache
def intake_done(request: HttpRequest, token: str) -> HttpResponse:
    rows = IntakeLink.objects.select_related("private__patient", "private__clinic")
    link = completed_by_token(rows, token)
    if link is None:
        return link_unavailable(request)
    link_visitor(request, link)
    return render(request, "portal/done.html", {"clinic": link.private.clinic})
