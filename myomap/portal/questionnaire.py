"""The client's questionnaires on a private link (/q/): welcome, one screen at a time with
autosave, review, submit. Unknown, expired, revoked and completed links look alike."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from myomap.clinics.models import User
from myomap.common.audit import Origin
from myomap.common.links import completed_by_token, link_opened, link_visitor
from myomap.outcomes.forms import ItemsForm, Screen, initial_from, screens
from myomap.outcomes.models import QuestionnaireLink
from myomap.outcomes.services import (
    LinkClosed,
    LinkIncomplete,
    link_find,
    link_save_answers,
    link_submit,
)
from myomap.portal.unavailable import link_unavailable
from myomap_core import outcomes as core


def _link_screens(link: QuestionnaireLink) -> list[Screen]:
    return [s for i in link.instruments for s in screens(core.instrument(i))]


def _answered(link: QuestionnaireLink, screen: Screen) -> bool:
    given = link.draft.get(str(screen.instrument.id), {})
    return any(item.id in given for item in screen.items)


def _resume_slug(link: QuestionnaireLink) -> str:
    for screen in _link_screens(link):
        if not _answered(link, screen):
            return screen.slug
    return "review"


@never_cache
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    link = link_find(token)
    if link is None:
        return link_unavailable(request, "questionnaire")
    actor = link_visitor(request, link)
    link_opened(link, request=request, obj=link, what="the private questionnaire link", actor=actor)
    context = {
        "link": link,
        "clinic": link.private.clinic,
        "patient": link.private.patient,
        "specs": [core.instrument(i) for i in link.instruments],
        "resume_url": reverse("portal:questionnaire_screen", args=[token, _resume_slug(link)]),
        "resuming": _resume_slug(link) != _link_screens(link)[0].slug,
        "screen_count": len(_link_screens(link)),
    }
    return render(request, "portal/questionnaire/welcome.html", context)


@never_cache
def questionnaire_screen(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    link = link_find(token)
    if link is None:
        if slug == "done":
            return _q_done(request, token)
        return link_unavailable(request, "questionnaire")
    actor = link_visitor(request, link)
    if slug == "review":
        return _q_review(request, link, token, actor)
    all_screens = _link_screens(link)
    index = next((n for n, s in enumerate(all_screens) if s.slug == slug), None)
    if index is None:
        return redirect("portal:questionnaire_screen", token, _resume_slug(link))
    screen = all_screens[index]
    instrument = str(screen.instrument.id)
    autosave = request.GET.get("autosave") == "1"
    context: dict[str, Any] = {
        "link": link,
        "clinic": link.private.clinic,
        "patient": link.private.patient,
        "screen": screen,
        "step_number": index + 1,
        "step_count": len(all_screens),
        "previous": all_screens[index - 1] if index > 0 else None,
        "autosave_url": request.path + "?autosave=1",
        "screen_count_in_instrument": len(screens(screen.instrument)),
    }
    if request.method != "POST":
        initial = initial_from(link.draft.get(instrument, {}), screen.items)
        context["form"] = ItemsForm(items=screen.items, initial=initial)
        return render(request, "portal/questionnaire/screen.html", context)
    form = ItemsForm(request.POST, items=screen.items)
    context["form"] = form
    if not form.is_valid():
        if autosave:
            return JsonResponse({"saved": False, "errors": form.errors}, status=400)
        return render(request, "portal/questionnaire/screen.html", context, status=400)
    try:
        link_save_answers(
            link=link,
            instrument=instrument,
            item_ids=[i.id for i in screen.items],
            answers=form.answers(),
        )
    except LinkClosed:
        return link_unavailable(request, "questionnaire")
    if autosave:
        return JsonResponse({"saved": True})
    if "back" in request.POST and index > 0:
        return redirect("portal:questionnaire_screen", token, all_screens[index - 1].slug)
    following = all_screens[index + 1].slug if index + 1 < len(all_screens) else "review"
    return redirect("portal:questionnaire_screen", token, following)


def _q_review(
    request: HttpRequest, link: QuestionnaireLink, token: str, actor: User | None
) -> HttpResponse:
    all_screens = _link_screens(link)
    parts: list[dict[str, Any]] = []
    for instrument in link.instruments:
        spec = core.instrument(instrument)
        given = link.draft.get(instrument, {})
        own = [s for s in all_screens if s.instrument.id == spec.id]
        answerable = [i for i in spec.items if i.kind != "tick"]
        open_screens = [
            s for s in own if not _answered(link, s) and any(i.kind != "tick" for i in s.items)
        ]
        parts.append(
            {
                "spec": spec,
                "answered": sum(1 for i in answerable if i.id in given),
                "total": len(answerable),
                "ticked": sum(1 for i in spec.items if i.kind == "tick" and given.get(i.id)),
                "tick_only": not answerable,
                "open": [
                    {
                        "title": s.title,
                        "url": reverse("portal:questionnaire_screen", args=[token, s.slug]),
                    }
                    for s in open_screens
                ],
                "first_url": reverse("portal:questionnaire_screen", args=[token, own[0].slug]),
            }
        )
    context: dict[str, Any] = {
        "link": link,
        "clinic": link.private.clinic,
        "patient": link.private.patient,
        "parts": parts,
        "previous_url": reverse("portal:questionnaire_screen", args=[token, all_screens[-1].slug]),
    }
    if request.method != "POST":
        return render(request, "portal/questionnaire/review.html", context)
    try:
        link_submit(link=link, actor=actor, origin=Origin.of(request))
    except LinkClosed:
        return link_unavailable(request, "questionnaire")
    except LinkIncomplete as exc:
        context["problems"] = [
            {"spec": core.instrument(i), "message": e.message, "part": p}
            for i, e in exc.errors.items()
            for p in parts
            if str(p["spec"].id) == i
        ]
        return render(request, "portal/questionnaire/review.html", context, status=400)
    return redirect("portal:questionnaire_screen", token, "done")


def _q_done(request: HttpRequest, token: str) -> HttpResponse:
    rows = QuestionnaireLink.objects.select_related("private__patient", "private__clinic")
    link = completed_by_token(rows, token)
    if link is None:
        return link_unavailable(request, "questionnaire")
    return render(request, "portal/questionnaire/done.html", {"clinic": link.private.clinic})
