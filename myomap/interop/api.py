"""The data-out endpoints of the JSON API: a client's record as a FHIR R4 Bundle, and the whole
record as a zip."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from myomap.common.audit import Origin
from myomap.common.request import clinic_user
from myomap.interop.fhir_views import FHIR_JSON, zip_response
from myomap.interop.services import client_fhir_export, client_record_export
from myomap.patients.access import access_patient

router = Router(tags=["data in and out"])


@router.get(
    "/clients/{patient_id}/fhir",
    response={200: dict[str, Any]},
    summary="The client's record as a FHIR R4 Bundle (collection)",
)
def client_fhir(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Every resource in the Bundle passed FHIR R4 validation; the export is audited."""
    user = clinic_user(request)
    patient = access_patient(
        user, patient_id, request=request, clinical=True, what="record (FHIR export)"
    )
    bundle = client_fhir_export(actor=user, patient=patient, origin=Origin.of(request))
    response = HttpResponse(json.dumps(bundle, ensure_ascii=False), FHIR_JSON)
    response["Cache-Control"] = "no-store"
    return response


@router.get(
    "/clients/{patient_id}/record.zip",
    response={200: bytes},
    summary="The client's whole record as a zip: PDF, FHIR Bundle, the rest as JSON, manifest",
    url_name="client_record_zip",
)
def client_record_zip(request: HttpRequest, patient_id: int) -> HttpResponse:
    """``record.pdf``, ``fhir-bundle.json`` (validated), ``beyond-fhir.json`` and
    ``manifest.json`` (SHA-256 of each); the export is audited."""
    user = clinic_user(request)
    patient = access_patient(
        user, patient_id, request=request, clinical=True, what="whole record (zip export)"
    )
    made = client_record_export(actor=user, patient=patient, origin=Origin.of(request))
    return zip_response(made, patient)
