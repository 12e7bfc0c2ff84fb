"""Demo records for the aftercare app.

Maria Lopez gets the aftercare sheet of her latest finished session, a private home program
link and a week of home program days, some of them ticked off. Nothing happens when she has
no finished session (the sessions demo runs first) or already has a sheet for it.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from myomap.aftercare.models import AftercareSheet
from myomap.aftercare.services import aftercare_for_session, home_link_create, home_mark_done
from myomap.clinics.models import Clinic, Role, User
from myomap.common.audit import Origin
from myomap.patients.models import Patient
from myomap.sessions.models import SessionStatus, TreatmentSession

ORIGIN = Origin(path="(demo loader)")
SKIPPED_DAYS = (2, 5)
"""Days ago on which Maria did nothing, so adherence reads like a real week."""


@transaction.atomic
def load_demo(clinic: Clinic) -> bool:
    """Add Maria Lopez's aftercare sheet and home program; True when something was created."""
    patient = Patient.objects.filter(clinic=clinic, first_name="Maria", last_name="Lopez").first()
    if patient is None or patient.is_archived:
        return False
    session = (
        TreatmentSession.objects.filter(patient=patient, status=SessionStatus.FINISHED)
        .order_by("-finished_at", "-number")
        .first()
    )
    if session is None or AftercareSheet.objects.filter(session=session).exists():
        return False
    therapist = (
        User.objects.filter(pk=session.therapist_id).first()
        or User.objects.filter(clinic=clinic, role=Role.THERAPIST).order_by("id").first()
    )
    if therapist is None:
        return False
    sheet = aftercare_for_session(actor=therapist, session=session, origin=ORIGIN)
    made = session.finished_at or session.started_at
    AftercareSheet.objects.filter(pk=sheet.pk).update(created_at=made)
    sheet.refresh_from_db()
    link, _token = home_link_create(actor=therapist, sheet=sheet, origin=ORIGIN)
    today = clinic.today()
    for back in range(7):
        day = today - timedelta(days=back)
        if day < sheet.start_date or back in SKIPPED_DAYS:
            continue
        for item in sheet.items:
            item_id = str(item["id"])
            if day < sheet.first_day(item) or (item_id.startswith("press.") and back % 2):
                continue  # self-compression from the day after, on alternate days only
            home_mark_done(sheet=sheet, item_id=item_id, day=day, link=link, origin=ORIGIN)
    return True
