"""The one page for a private link that does not open. Unknown, expired, revoked and
completed links look alike, so a token reveals nothing about the link it is not."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

WHY = {
    "form": "The link may have expired, been replaced by a newer one, or the form may already "
    "be complete.",
    "questionnaire": "The link may have expired or been withdrawn, or the questionnaire may "
    "already be sent.",
    "home program": "The link may have expired or been withdrawn.",
}
"""What the link would have opened -> the reasons it may not."""


def link_unavailable(request: HttpRequest, what: str = "form") -> HttpResponse:
    """The 404 page of a private link that opens nothing; ``what`` is a key of ``WHY``."""
    return render(request, "portal/unavailable.html", {"what": what, "why": WHY[what]}, status=404)
