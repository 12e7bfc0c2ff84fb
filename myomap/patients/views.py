"""Client list, registration, the client page, edit, archive and restore."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest
from myomap.intake import bodymap
from myomap.intake.models import IntakeLink, PainMap
from myomap.intake.selectors import latest_submitted_intake, worse_with
from myomap.knowledge.candidates import candidates_for
from myomap.patients.access import access_patient
from myomap.patients.forms import PatientForm, PatientSearchForm
from myomap.patients.models import Patient
from myomap.patients.page import KINDS, chart_summary, timeline_kinds, timeline_page
from myomap.patients.selectors import patient_list_for_clinic
from myomap.patients.services import (
    patient_archive,
    patient_create,
    patient_restore,
    patient_update,
)
from myomap_core.pain import pain_marks

PAGE_SIZE = 25


@clinic_member()
def patient_list(request: ClinicRequest) -> HttpResponse:
    form = PatientSearchForm(request.GET or None)
    q, archived = "", False
    if form.is_valid():
        q, archived = form.cleaned_data["q"], form.cleaned_data["archived"]
    patients = patient_list_for_clinic(clinic=request.clinic, q=q, archived=archived)
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "q": q, "archived": archived}
    if request.htmx:
        return render(request, "patients/list.html#results", context)
    return render(request, "patients/list.html", context)


@clinic_member()
def patient_new(request: ClinicRequest) -> HttpResponse:
    form = PatientForm(request.POST or None, clinic=request.clinic)
    if request.method == "POST":
        if form.is_valid():
            patient = patient_create(
                actor=request.user,
                data=form.cleaned_data,
                origin=Origin.of(request),
            )
            messages.success(request, f"{patient.full_name} is registered.")
            return redirect("patients:detail", patient.pk)
        return render(request, "patients/form.html", {"form": form}, status=400)
    return render(request, "patients/form.html", {"form": form})


@clinic_member()
def patient_edit(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, request=request)
    form = PatientForm(request.POST or None, instance=patient, clinic=request.clinic)
    if request.method == "POST":
        if form.is_valid():
            patient_update(
                actor=request.user,
                patient=patient,
                data=form.cleaned_data,
                origin=Origin.of(request),
            )
            messages.success(request, "Client details saved.")
            return redirect("patients:detail", patient.pk)
        patient.refresh_from_db()
        return render(request, "patients/form.html", {"form": form, "patient": patient}, status=400)
    return render(request, "patients/form.html", {"form": form, "patient": patient})


@clinic_member()
def patient_detail(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, request=request)
    clinical = request.user.is_clinician
    context: dict[str, object] = {
        "patient": patient,
        "clinical": clinical,
        "links": IntakeLink.objects.filter(patient=patient).select_related("intake")[:5],
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
        return render(request, "patients/detail.html#painmap", context)
    return render(request, "patients/detail.html", context)


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
    pain_map = PainMap.objects.prefetch_related("marks").get(pk=ids[index])
    marks = bodymap.marks_of(pain_map)
    return {
        "candidates": candidates_for(
            pain_marks(marks), worse_with(latest_submitted_intake(pain_map.patient))
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


@clinic_member(Role.OWNER, Role.THERAPIST, Role.FRONT_DESK)
def patient_archive_view(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    patient_archive(actor=request.user, patient=patient, origin=Origin.of(request))
    messages.success(
        request, f"{patient.full_name} is archived. Nothing was deleted; restore at any time."
    )
    return redirect("patients:detail", patient.pk)


@clinic_member()
def patient_restore_view(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    patient_restore(actor=request.user, patient=patient, origin=Origin.of(request))
    messages.success(request, f"{patient.full_name} is restored.")
    return redirect("patients:detail", patient.pk)
