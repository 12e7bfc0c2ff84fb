"""Headers on every response Myomap renders: a Content-Security-Policy and, for anything
that is not a static file, ``Cache-Control: no-store`` (pages and API answers carry patient
data, which must not stay in a browser's or a proxy's cache)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Drawn signatures and the photo editor's canvas are data: and blob: images.
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
"""Only Myomap's own files: no inline script or style, no other origin."""


class SecurityHeadersMiddleware:
    """Adds the policy to every response and ``no-store`` to every one that does not set its
    own caching (static files are served before this, by WhiteNoise, with long caching)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if "Cache-Control" not in response.headers:
            add_never_cache_headers(response)
        return response
