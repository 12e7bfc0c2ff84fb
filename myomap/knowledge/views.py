"""Live referral candidates for the body map, and the trigger-point atlas: its index and
search, and each muscle's page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from myomap import bodymap
from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.common.request import ClinicRequest
from myomap.knowledge.atlas_search import MAX_QUERY, body_areas, search
from myomap.knowledge.candidates import candidates_for, pattern_of
from myomap_core import atlas
from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.knowledge.records import Muscle

CLINICIANS = (Role.OWNER, Role.THERAPIST)


@require_POST
@clinic_member(*CLINICIANS)
def candidates(request: ClinicRequest) -> HttpResponse:
    """The ranked candidates for the body map posted with the form (an HTMX fragment)."""
    marks, errors = bodymap.parse_marks(request.POST)
    context = {"candidates": candidates_for(marks) if not errors else [], "errors": errors}
    return render(request, "knowledge/_candidates.html", context)


@require_GET
def resolve_region(request: HttpRequest) -> JsonResponse:
    """The body map's search box: ``?q=inside of the right ankle`` -> the region ids to mark.

    Open to the client's private intake link as well as to staff: it reads anatomy only,
    never anyone's record. An unknown or ambiguous phrase is a 422 with the choices."""
    query = " ".join(request.GET.get("q", "").split())
    if not query or len(query) > MAX_QUERY:
        return JsonResponse(
            {"field": "q", "message": f"Type a place on the body (up to {MAX_QUERY} characters)."},
            status=422,
        )
    try:
        ids = atlas.resolve_region(query)
    except DomainError as exc:
        message = (
            f"“{query}” could be more than one place. Which one?"
            if isinstance(exc, atlas.AmbiguousRegion)
            else f"“{query}” is not a place on the chart we know."
        )
        return JsonResponse(
            {"field": "q", "message": message, "suggestions": list(exc.suggestions)}, status=422
        )
    return JsonResponse(
        {"regions": list(ids), "labels": [atlas.region(r).label for r in ids]},
    )


@clinic_member(*CLINICIANS)
def atlas_index(request: ClinicRequest) -> HttpResponse:
    """Every muscle by body area; ``?q=`` finds a muscle by name or the muscles that refer
    pain to a region named in any wording."""
    query = request.GET.get("q", "").strip()
    context = {"areas": body_areas(), "query": query, "found": search(query) if query else None}
    return render(request, "knowledge/atlas.html", context)


def trigger_point_marks(muscle: Muscle, side: str) -> list[tuple[str, str]]:
    """(region id, label) of each of the muscle's trigger points on ``side``."""
    marks = []
    for tp in muscle.trigger_points:
        a = atlas.area(tp.area)
        marks.append((f"{a.id}_{side}" if a.sided else a.id, tp.label))
    return marks


@clinic_member(*CLINICIANS)
def muscle_page(request: ClinicRequest, muscle_id: str) -> HttpResponse:
    kb = load_knowledge_base()
    try:
        muscle = kb.muscle(muscle_id)
    except DomainError:
        raise Http404("No such muscle.") from None
    side = request.GET.get("side", "left")
    if side not in ("left", "right"):
        side = "left"
    pattern = pattern_of(muscle.id, (side,))
    chart = bodymap.chart(pattern=pattern, points=trigger_point_marks(muscle, side))
    context = {
        "muscle": muscle,
        "kb": kb,
        "side": side,
        "chart": chart,
        "sources": [(ref, kb.sources[ref.ref]) for ref in muscle.sources],
        "related": kb.related(muscle.id),
    }
    return render(request, "knowledge/muscle.html", context)
