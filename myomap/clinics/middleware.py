"""Show times in the clinic's own time zone."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class ClinicTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        clinic = getattr(user, "clinic", None) if user and user.is_authenticated else None
        if clinic is not None:
            timezone.activate(clinic.zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            # The thread serves the next request, task or test: no zone carries over.
            timezone.deactivate()
