"""The aftercare endpoints of the JSON API: a session's aftercare sheet and home care adherence."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

from myomap.aftercare import selectors
from myomap.aftercare.models import AftercareSheet
from myomap.aftercare.services import aftercare_for_session
from myomap.common.audit import Origin
from myomap.common.request import clinic_user
from myomap.sessions.access import access_session

router = Router(tags=["aftercare"])


@router.get("/clients/{patient_id}/sessions/{session_id}/aftercare", response=dict[str, Any])
def session_aftercare(request: HttpRequest, patient_id: int, session_id: int) -> dict[str, Any]:
    """The aftercare sheet of a finished session: general instructions, warning signs,
    self-care per treated muscle, posture advice, the home program and the sources.

    Made on first request from the session (as the sheet page does) and kept unchanged after.
    """
    session = access_session(
        clinic_user(request), patient_id, session_id, request=request, what="aftercare sheet"
    )
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
    session = access_session(
        clinic_user(request), patient_id, session_id, request=request, what="aftercare sheet"
    )
    sheet = AftercareSheet.objects.filter(session=session).first()
    if sheet is None:
        raise Http404("This session has no aftercare sheet yet.")
    return selectors.adherence_json(sheet)
