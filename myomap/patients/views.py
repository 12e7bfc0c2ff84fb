"""Client list, registration, edit, archive and restore (the client page is the chart's)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest
from myomap.patients.access import access_patient
from myomap.patients.forms import PatientForm, PatientSearchForm
from myomap.patients.models import Patient
from myomap.patients.selectors import patient_list_for_clinic
from myomap.patients.services import (
    patient_archive,
    patient_create,
    patient_restore,
    patient_update,
)

PAGE_SIZE = 25


@clinic_member()
def patient_list(request: ClinicRequest) -> HttpResponse:
    form = PatientSearchForm(request.GET or None)
    q, archived = "", False
    if form.is_valid():
        q, archived = form.cleaned_data["q"], form.cleaned_data["archived"]
    refused = form.is_bound and not form.is_valid()
    patients = (
        Patient.objects.none()
        if refused
        else patient_list_for_clinic(clinic=request.clinic, q=q, archived=archived)
    )
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "q": q, "archived": archived}
    status = 400 if refused else 200
    if request.htmx:
        return render(request, "patients/list.html#results", context, status=status)
    return render(request, "patients/list.html", context, status=status)


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
            return redirect("chart:client", patient.pk)
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
            return redirect("chart:client", patient.pk)
        patient.refresh_from_db()
        return render(request, "patients/form.html", {"form": form, "patient": patient}, status=400)
    return render(request, "patients/form.html", {"form": form, "patient": patient})


@clinic_member(Role.OWNER, Role.THERAPIST, Role.FRONT_DESK)
def patient_archive_view(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    patient_archive(actor=request.user, patient=patient, origin=Origin.of(request))
    messages.success(
        request, f"{patient.full_name} is archived. Nothing was deleted; restore at any time."
    )
    return redirect("chart:client", patient.pk)


@clinic_member()
def patient_restore_view(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    patient_restore(actor=request.user, patient=patient, origin=Origin.of(request))
    messages.success(request, f"{patient.full_name} is restored.")
    return redirect("chart:client", patient.pk)
