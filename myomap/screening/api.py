"""The screening endpoints of the JSON API: ``POST /api/v1/screening`` screens answers
exactly as ``myomap screen FILE.json --json`` does; ``GET /api/v1/screening/questions``
lists the questions as ``myomap screen --questions --json`` does; a client's treatment gate
(``GET /clients/{id}/safety``) and health checks asked in the room
(``PUT /clients/{id}/health-checks``)."""

from __future__ import annotations

import difflib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from myomap.common.audit import Origin
from myomap.common.bad_input import checked_json
from myomap.common.request import clinic_user
from myomap.patients.access import access_patient
from myomap.screening.forms import NO, YES, questions_by_id
from myomap.screening.gate import Gate, health_checks_of, treatment_gate
from myomap.screening.services import screening_answers_save
from myomap_core import screening
from myomap_core.screening import ScreeningInputError

router = Router(tags=["screening"])

_EXAMPLE = {
    "age": 52,
    "sex": "female",
    "answers": {"saddle_numbness": False, "anticoagulant": True, "surgery_recent": False},
}
_REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "age": {"type": ["integer", "null"], "minimum": 0, "maximum": 120},
                        "sex": {"enum": ["female", "male", "other", None]},
                        "answers": {
                            "type": "object",
                            "description": "question id -> true | false | number | text; "
                            "missing or null = unknown (never no)",
                            "additionalProperties": {
                                "type": ["boolean", "number", "string", "null"]
                            },
                        },
                    },
                    "additionalProperties": False,
                },
                "example": _EXAMPLE,
            }
        },
    }
}


def _error(
    status: int, message: str, field: str | None, problems: list[dict[str, str]] | None = None
) -> HttpResponse:
    body: dict[str, Any] = {"code": "invalid", "message": message, "field": field}
    if problems is not None:
        body["problems"] = problems
    return HttpResponse(
        json.dumps({"error": body}, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )


@router.post("/screening", response={200: dict[str, Any]}, openapi_extra=_REQUEST_BODY)
def screen(request: HttpRequest) -> Any:
    """Screen intake answers: the decision, every finding (most urgent first), merged
    precautions, the unanswered questions and the rules they could still trigger.

    Bad entries give 422 with ``error.problems`` naming each (unknown question ids with
    the closest ids, wrong types, out-of-range values); a body that is not a JSON object
    gives 400.
    """
    try:
        data = checked_json(request)  # too large, too deep: BadInput, answered as 413/422
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return _error(400, f"request: invalid JSON ({error})", None)
    if not isinstance(data, dict):
        return _error(400, "request: must be a JSON object with age, sex and answers", None)
    try:
        result = screening.screen(screening.parse_input(data))
    except ScreeningInputError as error:
        problems = [{"field": p.field, "message": p.message} for p in error.problems]
        return _error(422, str(error), error.problems[0].field, problems)
    return screening.result_json(result)


@router.get("/screening/questions", response=list[dict[str, Any]])
def screening_questions(request: HttpRequest) -> list[dict[str, Any]]:
    """Every screening question in form order (id, text, type, pathology, source, group,
    follow-up, range and unit)."""
    return [screening.question_json(q) for q in screening.questions()]


class HealthChecksIn(Schema):
    answers: dict[str, bool | float | str | None] = Field(
        ...,
        description='question id -> "yes" | "no" | "unsure" (or true/false), a number or a '
        "text; a missing or null answer is unknown (never no). The answers replace the "
        "client's current health checks.",
    )


def gate_json(gate: Gate) -> dict[str, Any]:
    """Whether hands-on work is allowed now, why, and what it rests on."""
    screening, clearance = gate.screening, gate.clearance
    return {
        "allowed": gate.allowed,
        "hold": gate.hold.value,
        "reason": gate.reason,
        "still_to_ask": list(gate.still_to_ask),
        "decision": gate.decision.value if gate.decision is not None else None,
        "screening": None
        if screening is None
        else {"id": screening.pk, "created_at": screening.created_at.isoformat()},
        "clearance": None
        if clearance is None
        else {"cleared_by": clearance.cleared_by, "cleared_on": clearance.cleared_on.isoformat()},
    }


@router.get("/clients/{patient_id}/safety", response=dict[str, Any])
def safety(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    """The treatment gate for a client: allowed or on hold, why, and what to do."""
    return gate_json(
        treatment_gate(
            access_patient(
                clinic_user(request),
                patient_id,
                request=request,
                clinical=True,
                what="safety screening",
            )
        )
    )


@router.get("/clients/{patient_id}/health-checks", response=dict[str, Any])
def health_checks_get(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    """The client's current health-check answers as stored ("yes" / "no" / "unsure" or the
    value), and the intake they belong to."""
    intake, stored = health_checks_of(
        access_patient(
            clinic_user(request),
            patient_id,
            request=request,
            clinical=True,
            what="safety screening",
        )
    )
    return {"intake_id": intake.pk if intake is not None else None, "answers": stored}


def _form_value(value: bool | float | str | None) -> str | None:
    if value is True:
        return YES
    if value is False:
        return NO
    return None if value is None else str(value)


@router.put(
    "/clients/{patient_id}/health-checks",
    response={200: dict[str, Any], 422: dict[str, Any]},
)
def health_checks_put(request: HttpRequest, patient_id: int, payload: HealthChecksIn) -> Any:
    """Save the client's health-check answers (asked in the room) and screen at once.

    Unknown question ids, values a question does not take and a follow-up answered yes
    under a question answered no give 422 naming the question; nothing is stored then.
    Answers: the treatment gate afterwards, as ``GET .../safety``.
    """
    patient = access_patient(
        clinic_user(request), patient_id, request=request, clinical=True, what="safety screening"
    )
    known = questions_by_id()
    for qid in payload.answers:
        if qid not in known:
            close = ", ".join(difflib.get_close_matches(qid, known, n=3))
            hint = f"; did you mean {close}?" if close else ""
            return _error(422, f"answers.{qid}: unknown question{hint}", f"answers.{qid}")
    data = {k: v for k, v in ((k, _form_value(v)) for k, v in payload.answers.items()) if v}
    try:
        screening_answers_save(
            actor=clinic_user(request),
            patient=patient,
            data=data,
            origin=Origin.of(request),
        )
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        return _error(422, f"answers.{field}: {messages[0]}", f"answers.{field}")
    return gate_json(treatment_gate(patient))
