"""Pages for a client's record going out (the FHIR download, the whole record as a zip) and
coming in (the owner's upload)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest
from myomap.interop.fhir_bundle import FhirInvalid
from myomap.interop.record_export import RecordZip
from myomap.interop.services import client_fhir_export, client_record_export, fhir_import
from myomap.patients.access import access_patient
from myomap.patients.models import Patient
from myomap.reports.pdf import file_response

FHIR_JSON = "application/fhir+json"
CLINICIANS = (Role.OWNER, Role.THERAPIST)
MAX_BUNDLE_BYTES = 50 * 1024 * 1024


def download_name(patient: Patient, kind: str, suffix: str) -> str:
    """``<kind>-<last name>-<date>.<suffix>``, safe in a Content-Disposition header."""
    last = "".join(c for c in patient.last_name.lower() if c.isalnum()) or "client"
    return f"{kind}-{last}-{timezone.localdate():%Y-%m-%d}.{suffix}"


@clinic_member(*CLINICIANS)
def client_fhir(request: ClinicRequest, patient_id: int) -> HttpResponse:
    """The client's record as a FHIR R4 Bundle, downloaded as a file."""
    patient = access_patient(
        request.user,
        patient_id,
        request=request,
        clinical=True,
        what="record (FHIR export)",
    )
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    bundle = client_fhir_export(
        actor=request.user,
        patient=patient,
        origin=Origin.of(request),
    )
    body = json.dumps(bundle, ensure_ascii=False, indent=1)
    return file_response(body, download_name(patient, "fhir-record", "json"), FHIR_JSON)


def zip_response(made: RecordZip, patient: Patient) -> HttpResponse:
    """The whole-record zip as a download, never cached."""
    name = download_name(patient, "client-record", "zip")
    return file_response(made.data, name, "application/zip")


@clinic_member(*CLINICIANS)
def client_record_zip(request: ClinicRequest, patient_id: int) -> HttpResponse:
    """The client's whole record (PDF, FHIR Bundle, the rest as JSON, manifest) as a zip."""
    patient = access_patient(
        request.user,
        patient_id,
        request=request,
        clinical=True,
        what="whole record (zip export)",
    )
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    made = client_record_export(
        actor=request.user,
        patient=patient,
        origin=Origin.of(request),
    )
    return zip_response(made, patient)


@clinic_member(Role.OWNER)
def import_fhir(request: ClinicRequest) -> HttpResponse:
    """The owner uploads a client's FHIR Bundle; all of it comes in, or nothing."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "GET":
        return render(request, "interop/import_fhir.html", {})
    upload = request.FILES.get("bundle")
    if upload is None:
        error = "bundle: choose the FHIR file to import."
    elif upload.size is not None and upload.size > MAX_BUNDLE_BYTES:
        error = f"bundle: {upload.name} is larger than {MAX_BUNDLE_BYTES // 2**20} MB."
    else:
        try:
            result = fhir_import(
                clinic=request.clinic,
                data=upload.read(),
                actor=request.user,
                origin=Origin.of(request),
            )
        except FhirInvalid as exc:
            error = f"{upload.name}: {exc}"
        else:
            messages.success(
                request,
                f"Imported {result.patient.full_name} from {result.source_clinic}: "
                f"{result.pain_maps} pain maps, {result.responses} questionnaires, "
                f"{result.documents} signed documents.",
            )
            return redirect("chart:client", result.patient.pk)
    return render(request, "interop/import_fhir.html", {"error": error}, status=400)
