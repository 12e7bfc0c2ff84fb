"""The aftercare endpoints of the JSON API: a session's aftercare sheet and home care adherence."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from myomap.aftercare import selectors
from myomap.aftercare.models import AftercareSheet
from myomap.aftercare.services import aftercare_for_session
from myomap.common.audit import Origin
from myomap.patients.access import access_patient
from myomap.sessions.models import TreatmentSession

router = Router(tags=["aftercare"])


def _session(request: HttpRequest, patient_id: int, session_id: int) -> TreatmentSession:
    user = request.user
    if getattr(user, "clinic_id", None) is None:
        raise PermissionDenied("This account does not belong to a clinic.")
    patient = access_patient(
        user,  # type: ignore[arg-type]
        patient_id,
        request=request,
        clinical=True,
        what="aftercare sheet",
    )
    return get_object_or_404(TreatmentSession, pk=session_id, patient=patient)


@router.get("/clients/{patient_id}/sessions/{session_id}/aftercare", response=dict[str, Any])
def session_aftercare(request: HttpRequest, patient_id: int, session_id: int) -> dict[str, Any]:
    """The aftercare sheet of a finished session: general instructions, warning signs,
    self-care per treated muscle, posture advice, the home program and the sources.

    Made on first request from the session (as the sheet page does) and kept unchanged after.
    """
    session = _session(request, patient_id, session_id)
    sheet = aftercare_for_session(
        actor=request.user,  # type: ignore[arg-type]
        session=session,
        origin=Origin.of(request),
    )
    return {
        "id": sheet.pk,
        "session_id": session.pk,
        "session_number": session.number,
        "created_at": sheet.created_at.isoformat(),
        **sheet.content,
    }


@router.get(
    "/clients/{patient_id}/sessions/{session_id}/homecare/adherence", response=dict[str, Any]
)
def homecare_adherence(request: HttpRequest, patient_id: int, session_id: int) -> dict[str, Any]:
    """Home program days done over the last 7 days (since the sheet), overall and per item."""
    session = _session(request, patient_id, session_id)
    sheet = AftercareSheet.objects.filter(session=session).first()
    if sheet is None:
        raise Http404("This session has no aftercare sheet yet.")
    return selectors.adherence_json(sheet)
