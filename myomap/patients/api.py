"""Clients through the API: the same services and selectors as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Status
from ninja.params.functions import Query

from myomap.common.audit import Origin
from myomap.common.request import clinic_request, clinic_user
from myomap.patients.access import access_patient, access_patient_list
from myomap.patients.models import Patient
from myomap.patients.schemas import PatientIn, PatientOut
from myomap.patients.selectors import patient_likely_duplicates, patient_list_for_clinic
from myomap.patients.services import patient_create

router = Router(tags=["clients"])

MAX_OFFSET = 1_000_000
"""Far beyond any clinic's list; larger numbers are refused rather than sent to the database."""


@router.get("", response=list[PatientOut])
def list_clients(
    request: HttpRequest,
    q: str = Query("", max_length=100),
    archived: bool = False,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> list[Patient]:
    """A page of the clinic's clients; the read is recorded in the audit log."""
    member = clinic_request(request)
    patients = patient_list_for_clinic(clinic=member.clinic, q=q, archived=archived)
    page = list(patients[offset : offset + limit])
    return access_patient_list(member.user, page, request=request, q=q, offset=offset)


@router.post("", response={201: PatientOut})
def create_client(request: HttpRequest, payload: PatientIn) -> Status[Patient]:
    member = clinic_request(request)
    user = member.user
    data = payload.dict()
    if (
        not data.pop("allow_duplicate")
        and patient_likely_duplicates(
            clinic=member.clinic,
            first_name=payload.first_name,
            last_name=payload.last_name,
            date_of_birth=payload.date_of_birth,
        ).exists()
    ):
        raise ValidationError(
            {
                "allow_duplicate": [
                    "A client with the same name and date of birth exists; "
                    "send allow_duplicate=true if this is a different person."
                ]
            }
        )
    return Status(201, patient_create(actor=user, data=data, origin=Origin.of(request)))


@router.get("/{patient_id}", response=PatientOut)
def get_client(request: HttpRequest, patient_id: int) -> Patient:
    return access_patient(clinic_user(request), patient_id, request=request)
