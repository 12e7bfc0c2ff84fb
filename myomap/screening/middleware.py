"""Pages that meet the treatment gate send the clinician to the way forward, not to a 403."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from myomap.screening.gate import TreatmentBlocked


class TreatmentHoldMiddleware:
    """Turn ``TreatmentBlocked`` raised by a page into a redirect to the client's health-check
    page, which says why hands-on work waits and what to do (the API answers it itself)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, TreatmentBlocked) or request.path.startswith("/api/"):
            return None
        back = request.get_full_path() if request.method == "GET" else ""
        referer = request.headers.get("Referer", "")
        if not back and url_has_allowed_host_and_scheme(referer, {request.get_host()}):
            back = referer
        url = reverse("screening:now", args=[exception.patient_id])
        if back:
            url += "?" + urlencode({"next": back.split(request.get_host(), 1)[-1]})
        messages.error(request, "Not done: hands-on work is on hold for this client.")
        if getattr(request, "htmx", False):
            return HttpResponse(status=200, headers={"HX-Redirect": url})
        return HttpResponseRedirect(url)
