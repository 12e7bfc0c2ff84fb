"""The idle timeout of a signed-in session, kept without a database write on every request.

A session ends ``SESSION_COOKIE_AGE`` seconds (30 minutes) after it was last refreshed. Saving
it on every request (Django's ``SESSION_SAVE_EVERY_REQUEST``) would cost one write transaction
per page view on top of the page's audit row; on SQLite every write takes the database's single
write lock. Instead the session is saved, and its end pushed back, when it was last refreshed
``refresh_every_s()`` seconds ago or more (a minute; a thirtieth of a shorter limit). A
session therefore ends between 29 and 30 minutes after the last request, never later.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REFRESH_KEY = "_myomap_refreshed"
REFRESH_EVERY_S = 60


def refresh_every_s() -> int:
    """A minute, or a thirtieth of a shorter limit, so a session never outlives its limit."""
    return max(1, min(REFRESH_EVERY_S, settings.SESSION_COOKIE_AGE // 30))


class IdleSessionMiddleware:
    """Mark a non-empty session for saving once a minute; SessionMiddleware then saves it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response  # a visitor without a session gets none
        now = int(time.time())
        if now - int(session.get(REFRESH_KEY, 0)) >= refresh_every_s():
            session[REFRESH_KEY] = now
        return response
