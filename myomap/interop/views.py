"""Pages for a client's record going out: the FHIR download."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone

from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.common.audit import Origin
from myomap.interop.services import client_fhir_export
from myomap.patients.access import access_patient
from myomap.patients.models import Patient

FHIR_JSON = "application/fhir+json"
CLINICIANS = (Role.OWNER, Role.THERAPIST)


def download_name(patient: Patient, kind: str, suffix: str) -> str:
    """``<kind>-<last name>-<date>.<suffix>``, safe in a Content-Disposition header."""
    last = "".join(c for c in patient.last_name.lower() if c.isalnum()) or "client"
    return f"{kind}-{last}-{timezone.localdate():%Y-%m-%d}.{suffix}"


@clinic_member(*CLINICIANS)
def client_fhir(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The client's record as a FHIR R4 Bundle, downloaded as a file."""
    patient = access_patient(
        request.user,  # type: ignore[arg-type]
        patient_id,
        request=request,
        clinical=True,
        what="record (FHIR export)",
    )
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    bundle = client_fhir_export(
        actor=request.user,  # type: ignore[arg-type]
        patient=patient,
        origin=Origin.of(request),
    )
    response = HttpResponse(json.dumps(bundle, ensure_ascii=False, indent=1), FHIR_JSON)
    response["Content-Disposition"] = (
        f'attachment; filename="{download_name(patient, "fhir-record", "json")}"'
    )
    response["Cache-Control"] = "no-store"
    return response
