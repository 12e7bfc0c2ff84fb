"""``access_note``: the door to a client's SOAP note, for pages and the API."""

from __future__ import annotations

from django.http import HttpRequest

from myomap.clinics.models import User
from myomap.notes.models import SoapNote
from myomap.patients.access import access_patient, client_row

NOTE_RELATED = ("patient", "clinic", "session", "signed_by", "drafted_by")
"""The rows every caller of the door gets with a note."""


def access_note(
    user: User,
    patient_id: int,
    note_id: int,
    *,
    request: HttpRequest | None = None,
    lock: bool = False,
) -> SoapNote:
    """The client's note if ``user`` may see it (clinical: 403 for the front desk);
    404 for another clinic's client or another client's note."""
    patient = access_patient(user, patient_id, request=request, clinical=True, what="SOAP note")
    return client_row(
        SoapNote.objects.select_related(*NOTE_RELATED), lock=lock, pk=note_id, patient=patient
    )
