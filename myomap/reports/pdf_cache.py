"""Printed documents kept by content: the same HTML gives the same PDF, so it is drawn once.

A document's PDF is kept in a folder of ``var/`` (owner-only), named by the digest of the HTML
it was drawn from. Printing it again with nothing changed reads the file; any change (an
amendment, a new questionnaire, another day's date) gives a new file, and the document's older
files are removed. WeasyPrint needs about a second for a long report; a kept one is read in
milliseconds.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string

from myomap.reports.pdf import html_to_pdf


def folder(name: str) -> Path:
    """``var/<name>``, created readable by the owner only."""
    path = Path(settings.VAR_DIR) / name
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def cached_pdf(
    *,
    kept_in: str,
    document: str,
    template_name: str,
    context: dict[str, Any],
    request: HttpRequest | None = None,
) -> bytes:
    """The PDF of ``template_name`` with ``context``: read from ``var/<kept_in>`` when the
    same HTML was drawn before, otherwise drawn and kept as the one file of ``document``
    (e.g. ``note-12``). Call it outside any write transaction."""
    html = render_to_string(template_name, context, request=request)
    digest = hashlib.sha256(html.encode()).hexdigest()
    path = folder(kept_in) / f"{document}-{digest}.pdf"
    if path.exists():
        return path.read_bytes()
    pdf = html_to_pdf(html)
    _keep(path, pdf)
    for stale in path.parent.glob(f"{document}-*.pdf"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return pdf


def _keep(path: Path, pdf: bytes) -> None:
    """Write ``pdf`` to ``path`` whole (a temporary file renamed), readable by the owner only."""
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pdf)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
