"""``access_intake``: the door to a client's intake, for pages and the API."""

from __future__ import annotations

from django.http import HttpRequest

from myomap.clinics.models import User
from myomap.intake.models import Intake
from myomap.patients.access import access_patient, client_row

INTAKE_RELATED = ("patient", "clinic")
"""The rows every caller of the door gets with an intake."""


def access_intake(
    user: User,
    patient_id: int,
    intake_id: int,
    *,
    request: HttpRequest | None = None,
    lock: bool = False,
) -> Intake:
    """The client's intake if ``user`` may see it (clinical: 403 for the front desk);
    404 for another clinic's client or another client's intake."""
    patient = access_patient(user, patient_id, request=request, clinical=True, what="intake")
    return client_row(
        Intake.objects.select_related(*INTAKE_RELATED), lock=lock, pk=intake_id, patient=patient
    )
