"""Demo SOAP notes: Maria Lopez's finished sessions, each signed; one carries an amendment.

Runs after the sessions demo; when the demo clinic has no finished sessions it does nothing.
``load_demo(clinic)`` is idempotent: it does nothing when the clinic has notes already.
"""

from __future__ import annotations

from django.db import transaction

from myomap.clinics.models import Clinic
from myomap.common.audit import Origin
from myomap.notes.models import SoapNote
from myomap.notes.services import note_amend, note_draft, note_sign
from myomap.sessions.models import SessionStatus, TreatmentSession

ORIGIN = Origin(path="(demo loader)")


@transaction.atomic
def load_demo(clinic: Clinic) -> bool:
    """Sign a note for each of Maria's finished sessions; amend the first. True if added."""
    if SoapNote.objects.filter(clinic=clinic).exists():
        return False
    sessions = list(
        TreatmentSession.objects.filter(
            clinic=clinic,
            patient__first_name="Maria",
            patient__last_name="Lopez",
            status=SessionStatus.FINISHED,
        )
        .select_related("therapist", "patient")
        .order_by("number")
    )
    if not sessions:
        return False
    signed = []
    for session in sessions:
        note = note_draft(actor=session.therapist, session=session, origin=ORIGIN)
        signed.append(note_sign(actor=session.therapist, note=note, origin=ORIGIN))
    first = signed[0]
    note_amend(
        actor=first.session.therapist,
        note=first,
        reason="Check-in completed after the client called the next day",
        text={
            "subjective": (
                first.subjective
                + " By phone the next day: slight soreness in the low back that evening, "
                "gone by the morning; slept through the night."
            )
        },
        origin=ORIGIN,
    )
    return True
