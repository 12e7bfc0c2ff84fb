"""``access_session``: the door to a client's treatment session, for pages and the API."""

from __future__ import annotations

from django.http import HttpRequest

from myomap.clinics.models import User
from myomap.patients.access import access_patient, client_row
from myomap.sessions.models import TreatmentSession

SESSION_RELATED = ("patient", "clinic", "therapist", "plan")
"""The rows every caller of the door gets with a session."""


def access_session(
    user: User,
    patient_id: int,
    session_id: int,
    *,
    request: HttpRequest | None = None,
    lock: bool = False,
    what: str = "treatment session",
) -> TreatmentSession:
    """The client's session if ``user`` may see it (clinical: 403 for the front desk);
    404 for another clinic's client or another client's session."""
    patient = access_patient(user, patient_id, request=request, clinical=True, what=what)
    return client_row(
        TreatmentSession.objects.select_related(*SESSION_RELATED),
        lock=lock,
        pk=session_id,
        patient=patient,
    )
