"""Health check and the home page."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the database reachable, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def home(request: HttpRequest) -> HttpResponse:
    """Therapists land on Today, the front desk on the clinic's day calendar."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    if getattr(user, "clinic_id", None) is None:
        return redirect("patients:list")
    return redirect("appointments:today" if user.is_clinician else "appointments:day")
