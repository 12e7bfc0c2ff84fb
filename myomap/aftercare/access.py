"""``access_sheet``: the door to a session's aftercare sheet and home program, for pages and
the API."""

from __future__ import annotations

from django.http import HttpRequest

from myomap.aftercare.models import AftercareSheet
from myomap.clinics.models import User
from myomap.patients.access import access_patient, client_row

SHEET_RELATED = ("patient", "clinic", "session")
"""The rows every caller of the door gets with a sheet."""


def access_sheet(
    user: User,
    patient_id: int,
    aftercare_session_id: int,
    *,
    request: HttpRequest | None = None,
    lock: bool = False,
    what: str = "home program",
) -> AftercareSheet:
    """The aftercare sheet of the client's session ``aftercare_session_id`` if ``user`` may
    see it (clinical: 403 for the front desk); 404 for another clinic's client, another
    client's session or a session without a sheet yet."""
    patient = access_patient(user, patient_id, request=request, clinical=True, what=what)
    return client_row(
        AftercareSheet.objects.select_related(*SHEET_RELATED),
        lock=lock,
        session_id=aftercare_session_id,
        patient=patient,
    )
