"""The JSON API at /api/v1/ (OpenAPI at /api/v1/docs). Errors share one shape:
``{"error": {"code": ..., "message": ..., "field": ...}}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from myomap.aftercare.api import router as aftercare_router
from myomap.apitokens.auth import TokenAuth
from myomap.appointments.api import router as appointments_router
from myomap.appointments.booking_api import router as booking_router
from myomap.appointments.setup_api import router as practice_router
from myomap.appointments.waitlist_api import router as waitlist_router
from myomap.assessments.api import router as assessments_router
from myomap.common.bad_input import BadInput, CheckedJSONParser
from myomap.intake.api import router as intake_router
from myomap.interop.api import router as interop_router
from myomap.knowledge.api import router as knowledge_router
from myomap.notes.api import router as notes_router
from myomap.outcomes.api import router as outcomes_router
from myomap.patients.api import router as patients_router
from myomap.plans.api import router as plans_router
from myomap.screening.api import router as screening_router
from myomap.screening.gate import TreatmentBlocked
from myomap.sessions.api import router as sessions_router
from myomap_core.errors import DomainError

ERROR_RESPONSES: dict[str, str] = {
    "400": "Refused by a clinical rule, or a query parameter holds a control character; "
    "the message says why.",
    "401": "Not logged in, or the API token is wrong, expired or revoked.",
    "403": "Logged in, but this account may not do this (a role without clinical rights, a "
    "missing CSRF token on a cookie session, or a read-only token on a write).",
    "404": "No such record in your clinic (another clinic's records look missing too).",
    "409": "The record changed or was locked (for example a signed note) meanwhile.",
    "413": "The request body is larger than the limit.",
    "422": "A field is missing or has a bad value; `error.field` names it.",
}
"""The error statuses any operation can answer, all in the one error shape."""

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"type": ["string", "null"]},
            },
        }
    },
}


class MyomapAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists, for every operation, each error status it can
    answer, with the shared error shape."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                    )
        return schema


api = MyomapAPI(
    title="Myomap API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
    parser=CheckedJSONParser(),
    description=(
        "Clients, intake, pain maps, safety screening, assessments, outcome measures and the "
        "clinical knowledge queries of Myomap."
    ),
)


def error(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, "field": field}}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error(request, 400, "invalid", str(exc), exc.field)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    # With a union (e.g. a name or an object), report the branch that was nearly right.
    type_errors = {"string_type", "int_type", "model_type", "dict_type", "model_attributes_type"}
    specific = [e for e in exc.errors if e.get("type") not in type_errors]
    first = (specific or exc.errors or [{}])[0]
    loc = [
        str(p)
        for p in first.get("loc", [])
        if p not in ("body", "query", "path", "payload", "str", "int")
        and not (isinstance(p, str) and p[:1].isupper())
    ]
    field = ".".join(loc) or None
    return error(
        request, 422, "invalid", f"{field or 'request'}: {first.get('msg', 'invalid value')}", field
    )


@api.exception_handler(DjangoValidationError)
def on_model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "message_dict"):
        field, messages = next(iter(exc.message_dict.items()))
        return error(request, 422, "invalid", f"{field}: {messages[0]}", field)
    return error(request, 422, "invalid", "; ".join(exc.messages))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(TreatmentBlocked)
def on_treatment_blocked(request: HttpRequest, exc: TreatmentBlocked) -> HttpResponse:
    return api.create_response(request, {"error": exc.as_json()}, status=403)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, "forbidden", str(exc) or "Not allowed.")


@api.exception_handler(BadInput)
def on_bad_input(request: HttpRequest, exc: BadInput) -> HttpResponse:
    code = "too_large" if exc.status == 413 else "invalid"
    return error(request, exc.status, code, f"{exc.field}: {exc.message}", exc.field)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, BadInput):  # ninja wraps what its body parser raises
        return on_bad_input(request, exc.__cause__)
    codes = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 413: "too_large"}
    return error(request, exc.status_code, codes.get(exc.status_code, "invalid"), str(exc))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = str(exc) if exc.message != "Unauthorized" else ""
    return error(request, 401, "unauthenticated", message or "Log in first.")


api.add_router("/clients", patients_router)
api.add_router("", intake_router)
api.add_router("", knowledge_router)
api.add_router("", screening_router)
api.add_router("", assessments_router)
api.add_router("", outcomes_router)
api.add_router("", plans_router)
api.add_router("", sessions_router)
api.add_router("", notes_router)
api.add_router("", aftercare_router)
api.add_router("", appointments_router)
api.add_router("", waitlist_router)
api.add_router("", booking_router)
api.add_router("/practice", practice_router)


api.add_router("", interop_router)
