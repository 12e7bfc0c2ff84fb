"""The outcomes endpoints of the JSON API: a client's scores and status; recording a response."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from myomap.common.audit import Origin
from myomap.common.request import clinic_user
from myomap.outcomes import selectors
from myomap.outcomes.models import OutcomeResponse
from myomap.outcomes.schemas import OutcomesOut, ResponseIn, ResponseOut
from myomap.outcomes.services import response_record
from myomap.patients.access import access_patient
from myomap_core.errors import DomainError

router = Router(tags=["outcomes"])


def response_json(r: OutcomeResponse) -> dict[str, Any]:
    return {
        "id": r.pk,
        "instrument": r.instrument,
        "score": r.score_value,
        "display": r.score_display,
        "band": r.band or None,
        "band_label": r.band_label or None,
        "answered": r.answered,
        "skipped": list(r.skipped),
        "subscores": dict(r.subscores),
        "session_number": r.session_number,
        "taken_at": r.taken_at,
        "filled_by_client": r.filled_by_client,
        "answers": dict(r.answers),
    }


@router.get("/clients/{patient_id}/outcomes", response=OutcomesOut)
def client_outcomes(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    """Every scored questionnaire of the client (oldest first) and the progress status."""
    patient = access_patient(
        clinic_user(request), patient_id, request=request, clinical=True, what="outcome measures"
    )
    progress = selectors.progress_of(patient, with_charts=False)
    status = None
    if progress.status is not None:
        st = progress.status
        status = {
            "status": str(st.status),
            "label": st.label,
            "explanation": st.explanation,
            "flag": st.flag,
            "sessions": st.sessions,
            "reassess_in_weeks": st.reassess_in_weeks,
            "next_step": progress.plan,
            "changes": [
                {
                    "instrument": str(c.instrument),
                    "baseline": c.baseline,
                    "now": c.now,
                    "points": c.points,
                    "percent": c.percent,
                    "important": c.important,
                    "worse": c.worse,
                    "level": c.level,
                    "reliable": c.reliable,
                    "caveat": c.caveat,
                    "explanation": c.explanation,
                }
                for c in st.changes
            ],
        }
    return {"status": status, "responses": [response_json(r) for r in progress.responses]}


@router.post("/clients/{patient_id}/outcomes", response={201: ResponseOut})
def record_response(
    request: HttpRequest, patient_id: int, payload: ResponseIn
) -> Status[dict[str, Any]]:
    """Score and store one questionnaire. An answer the instrument cannot take is refused
    (400) with ``field`` naming the item, e.g. ``answers.pain_intensity``."""
    user = clinic_user(request)
    patient = access_patient(
        user, patient_id, request=request, clinical=True, what="outcome measures"
    )
    try:
        response = response_record(
            actor=user,
            patient=patient,
            instrument=payload.instrument,
            answers=payload.answers,
            session_number=payload.session_number,
            origin=Origin.of(request),
        )
    except DomainError as exc:
        field = exc.field
        if field not in ("instrument", "session_number", "patient", "answers"):
            field = f"answers.{field}"
        raise DomainError(exc.message, field=field, value=exc.value) from None
    return Status(201, response_json(response))
