"""Live referral candidates for the body map, and the muscle reference page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.intake import bodymap
from myomap.knowledge.candidates import candidates_for, pattern_of
from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base

CLINICIANS = (Role.OWNER, Role.THERAPIST)


@require_POST
@clinic_member(*CLINICIANS)
def candidates(request: HttpRequest) -> HttpResponse:
    """The ranked candidates for the body map posted with the form (an HTMX fragment)."""
    marks, errors = bodymap.parse_marks(request.POST)
    context = {"candidates": candidates_for(marks) if not errors else [], "errors": errors}
    return render(request, "knowledge/_candidates.html", context)


@clinic_member(*CLINICIANS)
def muscle_page(request: HttpRequest, muscle_id: str) -> HttpResponse:
    kb = load_knowledge_base()
    try:
        muscle = kb.muscle(muscle_id)
    except DomainError:
        raise Http404("No such muscle.") from None
    side = request.GET.get("side", "left")
    if side not in ("left", "right"):
        side = "left"
    pattern = pattern_of(muscle.id, (side,))
    chart = bodymap.chart(pattern=pattern)
    context = {
        "muscle": muscle,
        "kb": kb,
        "side": side,
        "chart": chart,
        "sources": [(ref, kb.sources[ref.ref]) for ref in muscle.sources],
        "related": kb.related(muscle.id),
    }
    return render(request, "knowledge/muscle.html", context)
