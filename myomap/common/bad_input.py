"""Input no page or API call may choke on: NUL and control characters, JSON nested too deeply or
too large. Each is refused with a 4xx naming the field, before it reaches a form, a schema or
the database (PostgreSQL refuses NUL in text with an error, SQLite stores it silently)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja.parser import Parser

MAX_JSON_BYTES = 1024 * 1024
"""1 MB: far above any request Myomap's API takes (a session's taps, a questionnaire)."""
MAX_JSON_DEPTH = 32
"""Myomap's deepest request body nests 4 levels; 32 leaves room and stops stack exhaustion."""
ALLOWED_CONTROLS = "\t\n\r"


class BadInput(Exception):
    """A request refused before validation: ``field`` and ``message`` say what and why."""

    def __init__(self, field: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (NUL or another control character), or None."""
    for char in value:
        if char < " " and char not in ALLOWED_CONTROLS:
            return f"contains the control character U+{ord(char):04X}, which is not accepted."
        if char == "\x7f":
            return "contains the control character U+007F, which is not accepted."
    return None


def json_problem(data: Any) -> tuple[str, str] | None:
    """The first field of parsed JSON that nests too deeply or holds unusable text, with why."""
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return path or "body", f"nests more than {MAX_JSON_DEPTH} levels deep."
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                return path or "body", problem
        elif isinstance(value, dict):
            for key, item in value.items():
                key_problem = text_problem(str(key))
                child = f"{path}.{key}" if path else str(key)
                if key_problem:
                    return path or "body", f"a key {key_problem}"
                stack.append((child, item, depth + 1))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                stack.append((f"{path}.{index}" if path else str(index), item, depth + 1))
    return None


def checked_json(request: HttpRequest, empty: bytes = b"null") -> Any:
    """The request's JSON body, or ``BadInput`` when it is too large, nests too deeply or holds
    control characters. Malformed JSON raises ``ValueError`` as ``json.loads`` does."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > MAX_JSON_BYTES:
        raise BadInput("body", f"is larger than {MAX_JSON_BYTES // 1024} KB.", status=413)
    body = request.body or empty
    if len(body) > MAX_JSON_BYTES:
        raise BadInput("body", f"is larger than {MAX_JSON_BYTES // 1024} KB.", status=413)
    try:
        data = json.loads(body)
    except RecursionError:
        raise BadInput("body", f"nests more than {MAX_JSON_DEPTH} levels deep.") from None
    found = json_problem(data)
    if found:
        raise BadInput(*found)
    return data


class CheckedJSONParser(Parser):
    """ninja's JSON parser with limits on size and depth, and no control characters."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return checked_json(request, empty=b"")
        except (UnicodeDecodeError, ValueError) as error:
            raise BadInput("body", f"is not valid JSON ({error}).") from None


class RefuseControlCharactersMiddleware:
    """A query parameter or URL with NUL or another control character gets a 400 naming the
    parameter (JSON under /api/, a short page elsewhere)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = self._problem(request)
        if found is None:
            return self.get_response(request)
        field, problem = found
        message = f"{field}: {problem}"
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"error": {"code": "invalid", "message": message, "field": field}}, status=400
            )
        return HttpResponse(
            f"Bad request. {message}", status=400, content_type="text/plain; charset=utf-8"
        )

    @staticmethod
    def _problem(request: HttpRequest) -> tuple[str, str] | None:
        problem = text_problem(request.path)
        if problem:
            return "path", problem
        for key, values in request.GET.lists():
            for value in [key, *values]:
                problem = text_problem(value)
                if problem:
                    return key, problem
        return None
