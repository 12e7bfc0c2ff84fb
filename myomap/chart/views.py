"""The client page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from myomap import bodymap
from myomap.chart.page import KINDS, chart_summary, timeline_kinds, timeline_page
from myomap.clinics.access import clinic_member
from myomap.common.request import ClinicRequest
from myomap.intake.models import IntakeLink, PainMap
from myomap.intake.selectors import latest_submitted_intake, pain_map_with_marks, worse_with
from myomap.knowledge.candidates import candidates_for
from myomap.patients.access import access_patient
from myomap.patients.models import Patient
from myomap_core.pain import pain_marks


@clinic_member()
def client_chart(request: ClinicRequest, patient_id: int) -> HttpResponse:
    """The client page: summary, safety, pain map with its ranked muscles, and the timeline."""
    patient = access_patient(request.user, patient_id, request=request)
    clinical = request.user.is_clinician
    context: dict[str, object] = {
        "patient": patient,
        "clinical": clinical,
        "links": IntakeLink.objects.filter(private__patient=patient).select_related(
            "private__patient"
        )[:5],
        "intakes": patient.intakes.all()[:10],
    }
    kind = request.GET.get("kind", "")
    shown, entries = timeline_page(
        patient, clinical=clinical, kind=kind, page=request.GET.get("page")
    )
    context |= {
        "timeline_page": shown,
        "timeline": entries,
        "kind": kind if kind in KINDS else "",
        "kinds": timeline_kinds(clinical=clinical),
        "summary": chart_summary(patient) if clinical else None,
    }
    if clinical:
        context.update(_pain_map_context(request, patient))
    if request.htmx and request.GET.get("map"):
        return render(request, "chart/client.html#painmap", context)
    return render(request, "chart/client.html", context)


def _pain_map_context(request: HttpRequest, patient: Patient) -> dict[str, object]:
    """The selected pain map (latest by default) with links to step to earlier and later ones."""
    ids = list(
        PainMap.objects.filter(patient=patient, marks__isnull=False)
        .distinct()
        .values_list("id", flat=True)
    )
    if not ids:
        return {"pain_map": None}
    try:
        wanted = int(request.GET.get("map", ids[0]))
    except ValueError:
        wanted = ids[0]
    index = ids.index(wanted) if wanted in ids else 0
    pain_map = pain_map_with_marks(ids[index])
    marks = bodymap.marks_of(pain_map)
    return {
        "candidates": candidates_for(
            pain_marks(marks), worse_with(latest_submitted_intake(patient))
        ),
        "pain_map": pain_map,
        "pain_map_position": len(ids) - index,
        "pain_map_count": len(ids),
        "older_map": ids[index + 1] if index + 1 < len(ids) else None,
        "newer_map": ids[index - 1] if index > 0 else None,
        "chart": bodymap.chart(marks),
        "marks": [
            {"label": bodymap.region_label(r), "intensity": i, "quality": q} for r, i, q in marks
        ],
    }
