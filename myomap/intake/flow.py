"""One intake flow, two doors: the therapist's pages and the client's private link.

The section pages, autosave and submit behave the same for both; only the URLs, the page
frame and who is recorded as the author differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from myomap import bodymap
from myomap.clinics.models import User
from myomap.common.audit import Origin
from myomap.intake.forms import SECTION_BY_SLUG, SECTIONS, Section, section_after, section_before
from myomap.intake.models import Intake, PainMap
from myomap.intake.selectors import places_named
from myomap.intake.services import (
    BODY_MAP,
    NO_PAIN,
    IntakeClosed,
    IntakeIncomplete,
    SectionInvalid,
    intake_errors,
    intake_section_save,
    intake_submit,
    pain_map_save_for_intake,
)


@dataclass(frozen=True)
class Flow:
    intake: Intake
    actor: User | None
    section_url: Callable[[str], str]
    done_url: str
    frame: str  # the base template the pages extend
    for_client: bool


def _pain_map(intake: Intake) -> PainMap | None:
    return PainMap.objects.filter(intake=intake).prefetch_related("marks").first()


def _context(flow: Flow, section: Section, **extra: Any) -> dict[str, Any]:
    errors = intake_errors(flow.intake)
    steps = [
        {
            "slug": s.slug,
            "title": s.title,
            "url": flow.section_url(s.slug),
            "current": s.slug == section.slug,
            "done": s.slug not in errors and (s.form is None or s.slug in flow.intake.answers),
        }
        for s in SECTIONS
    ]
    return {
        "flow": flow,
        "intake": flow.intake,
        "patient": flow.intake.patient,
        "section": section,
        "steps": steps,
        "step_number": [s.slug for s in SECTIONS].index(section.slug) + 1,
        "step_count": len(SECTIONS),
        "previous": section_before(section.slug),
        "next": section_after(section.slug),
        "autosave_url": flow.section_url(section.slug) + "?autosave=1",
        "qualities": bodymap.QUALITIES,
        "no_pain": (flow.intake.answers.get(BODY_MAP) or {}).get(NO_PAIN) is True,
        **extra,
    }


def section_page(request: HttpRequest, flow: Flow, slug: str) -> HttpResponse:
    section = SECTION_BY_SLUG.get(slug)
    if section is None:
        return redirect(flow.section_url(SECTIONS[0].slug))
    if flow.intake.is_submitted:
        return redirect(flow.done_url)
    origin = Origin.of(request)
    autosave = request.GET.get("autosave") == "1"

    if section.form is None:
        return _bodymap_page(request, flow, section, origin, autosave)

    form_class = section.form
    stored = flow.intake.answers.get(slug, {})
    if request.method != "POST":
        form = form_class(initial=stored)
        return render(request, "intake/section.html", _context(flow, section, form=form))

    form = form_class(data=request.POST)
    try:
        intake_section_save(
            intake=flow.intake, slug=slug, data=request.POST, actor=flow.actor, origin=origin
        )
    except IntakeClosed:
        return redirect(flow.done_url)
    except SectionInvalid as exc:
        if autosave:
            return JsonResponse({"saved": False, "errors": exc.errors}, status=400)
        form.is_valid()  # the bound form names the fields that are too long
        context = _context(flow, section, form=form)
        return render(request, "intake/section.html", context, status=400)
    if autosave:
        return JsonResponse({"saved": True})
    going_back = "back" in request.POST
    if going_back and (before := section_before(slug)):
        return redirect(flow.section_url(before.slug))
    if not form.is_valid():
        return render(
            request, "intake/section.html", _context(flow, section, form=form), status=400
        )
    if slug == "consent":
        return _submit(request, flow, section, form)
    following = section_after(slug)
    return redirect(flow.section_url(following.slug if following else "consent"))


def _bodymap_page(
    request: HttpRequest, flow: Flow, section: Section, origin: Origin, autosave: bool
) -> HttpResponse:
    if request.method != "POST":
        saved = bodymap.marks_of(_pain_map(flow.intake))
        context = _context(
            flow,
            section,
            chart=bodymap.chart(saved),
            named_places=places_named(flow.intake, (r for r, _, _ in saved)),
        )
        return render(request, "intake/section.html", context)
    marks, errors = bodymap.parse_marks(request.POST)
    if errors:
        if autosave:
            return JsonResponse({"saved": False, "errors": errors}, status=400)
        views = bodymap.chart(bodymap.marks_from_post(request.POST))
        context = _context(flow, section, chart=views, map_errors=sorted(errors.values()))
        return render(request, "intake/section.html", context, status=400)
    try:
        pain_map_save_for_intake(
            intake=flow.intake,
            marks=marks,
            actor=flow.actor,
            origin=origin,
            no_pain=request.POST.get(NO_PAIN) == "1",
        )
    except IntakeClosed:
        return redirect(flow.done_url)
    if autosave:
        return JsonResponse({"saved": True, "marked": len(marks)})
    if "back" in request.POST:
        return redirect(flow.section_url(SECTIONS[0].slug))
    following = section_after(section.slug)
    return redirect(flow.section_url(following.slug if following else "consent"))


def _submit(request: HttpRequest, flow: Flow, section: Section, form: Any) -> HttpResponse:
    try:
        intake_submit(intake=flow.intake, actor=flow.actor, origin=Origin.of(request))
    except IntakeClosed:
        return redirect(flow.done_url)
    except IntakeIncomplete as exc:
        missing = [
            {"title": SECTION_BY_SLUG[slug].title, "url": flow.section_url(slug), "errors": errs}
            for slug, errs in exc.errors.items()
        ]
        context = _context(flow, section, form=form, incomplete=missing)
        return render(request, "intake/section.html", context, status=400)
    return redirect(flow.done_url)


def first_open_section(intake: Intake) -> str:
    """Where to resume: the first section not done, the body map included. A section is
    done when its required answers are given (a half-filled one is not); the body map when
    something is marked or the client said there is no pain to mark today."""
    errors = intake_errors(intake)
    for s in SECTIONS:
        if s.slug in errors or (s.form is not None and s.slug not in intake.answers):
            return s.slug
    return SECTIONS[-1].slug


def answers_for_display(intake: Intake) -> list[dict[str, Any]]:
    """Each answered section with (question, answer) pairs in readable words."""
    shown = []
    for section in SECTIONS:
        if section.form is None or section.slug == "consent":
            continue
        stored = intake.answers.get(section.slug, {})
        relevant = getattr(section.form, "relevant_answers", None)
        if relevant is not None:
            stored = relevant(stored)  # follow-ups only where their question was answered yes
        rows = []
        for name, field in section.form.base_fields.items():
            value = stored.get(name)
            if value in (None, "", []):
                continue
            choices = dict(getattr(field, "choices", []) or [])
            if isinstance(value, list):
                text = ", ".join(str(choices.get(v, v)) for v in value)
            else:
                text = str(choices.get(value, value))
            rows.append({"label": field.label, "value": text})
        shown.append({"slug": section.slug, "title": section.title, "rows": rows})
    return shown
