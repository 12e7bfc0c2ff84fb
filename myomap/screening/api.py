"""The screening endpoints of the JSON API: ``POST /api/v1/screening`` screens answers
exactly as ``myomap screen FILE.json --json`` does; ``GET /api/v1/screening/questions``
lists the questions as ``myomap screen --questions --json`` does."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from myomap.common.bad_input import checked_json
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
