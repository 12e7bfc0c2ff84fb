"""Printed documents: an HTML template rendered to PDF by WeasyPrint, fully offline.

Letters and reports extend ``reports/print_base.html``, which carries the clinic's
letterhead and the print stylesheet. Nothing is fetched from the network: the only
resources a document may use are Myomap's own static files and ``data:`` URLs.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

STATIC_PREFIX = "myomap-static:/"


def _offline_fetcher() -> Any:
    """A fetcher that serves Myomap's static files and data URLs, and refuses the rest."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class OfflineFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(STATIC_PREFIX):
                found = finders.find(url.removeprefix(STATIC_PREFIX).lstrip("/"))
                if found:
                    path = found if isinstance(found, str) else found[0]
                    with open(path, "rb") as handle:
                        body = handle.read()
                    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})
            raise ValueError(f"Printed documents may not load {url!r}: only Myomap's own files.")

    return OfflineFetcher(allowed_protocols=("data", STATIC_PREFIX.rstrip(":/")))


def render_pdf(
    template_name: str, context: dict[str, Any], request: HttpRequest | None = None
) -> bytes:
    """Render a template to PDF bytes.

    In the template, refer to static files as ``myomap-static:/<path>`` (the
    ``print_base.html`` stylesheet link does this).
    """
    return html_to_pdf(render_to_string(template_name, context, request=request))


def html_to_pdf(html: str) -> bytes:
    """Draw a rendered document (see ``render_pdf``) as PDF bytes."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=_offline_fetcher())
    pdf: bytes = document.write_pdf()
    return pdf


def file_response(
    body: bytes | str, filename: str, content_type: str, *, inline: bool = False
) -> HttpResponse:
    """An HTTP response carrying a document (a download unless ``inline``), never cached."""
    response = HttpResponse(body, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """An HTTP response carrying a PDF, never cached by the browser."""
    return file_response(pdf, filename, "application/pdf", inline=inline)


WARM_UP = (
    '<html><head><link rel="stylesheet" href="myomap-static:/reports/print.css"></head><body>'
    "<h1>Myomap</h1><p><strong>a</strong> <em>b</em></p><table><tr><td>1</td></tr></table>"
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80" viewBox="0 0 200 80">'
    '<polyline points="0,0 50,40 100,20" fill="none" stroke="#000"/>'
    '<text x="5" y="70" font-size="10">0</text></svg></body></html>'
)
"""A page with what reports hold (the print stylesheet, headings, a table, an SVG chart)."""


def warm_up() -> bytes:
    """Draw ``WARM_UP`` once, so the first document a person asks of this process does not
    pay the renderer's start-up (its fonts and stylesheets: about a second)."""
    return html_to_pdf(WARM_UP)
