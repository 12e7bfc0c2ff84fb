"""The note's PDF: letterhead, the client's identifiers, the note as it reads now, the
signature, the fingerprint, every amendment and a legend of the abbreviations it uses.

A signed note's PDF is kept in ``var/note-pdfs/`` (owner-only), named by the digest of the
document's HTML: the same signed text, amendments, identifiers and letterhead give the same
file, so it is rendered once; any change (an amendment, a corrected name) gives a new one.
A draft is rendered on each request and never kept.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string

from myomap.notes.models import SECTION_LABELS, SECTIONS, NoteAmendment, SoapNote
from myomap.notes.selectors import current_text
from myomap.reports.pdf import render_pdf
from myomap_core.abbreviations import abbreviations_used

TEMPLATE = "notes/pdf.html"


def cache_dir() -> Path:
    """Where signed notes' PDFs are kept: ``var/note-pdfs``, readable by the owner only."""
    folder = Path(settings.VAR_DIR) / "note-pdfs"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def note_pdf_context(note: SoapNote) -> dict[str, Any]:
    """What the note's PDF shows (the sections as amended, and each amendment)."""
    # Prefetched once here, or by a caller printing many notes (kept, not fetched again).
    prefetch_related_objects(
        [note],
        Prefetch("amendments", NoteAmendment.objects.select_related("author")),
    )
    text = current_text(note)
    amendments: list[dict[str, Any]] = [
        {"amendment": a, "sections": a.sections} for a in note.amendments.all()
    ]
    written = [*text.values(), *(t for item in amendments for _, t in item["sections"])]
    return {
        "note": note,
        "patient": note.patient,
        "clinic": note.clinic,
        "session": note.session,
        "sections": [
            {"label": SECTION_LABELS[s], "lines": [ln for ln in text[s].splitlines() if ln.strip()]}
            for s in SECTIONS
        ],
        "amendments": amendments,
        "legend": abbreviations_used("\n".join(written)),
    }


def note_pdf(note: SoapNote) -> bytes:
    """The note as a PDF; a signed note's from the cache when its content has not changed.

    Call it outside any write transaction: rendering takes a second or two.
    """
    context = note_pdf_context(note)
    if not note.is_signed:
        return render_pdf(TEMPLATE, context)
    html = render_to_string(TEMPLATE, context)
    digest = hashlib.sha256(html.encode()).hexdigest()
    path = cache_dir() / f"note-{note.pk}-{digest}.pdf"
    if path.exists():
        return path.read_bytes()
    pdf = render_pdf(TEMPLATE, context)
    _keep(path, pdf)
    for stale in path.parent.glob(f"note-{note.pk}-*.pdf"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return pdf


def pdf_filename(note: SoapNote) -> str:
    """The PDF's file name: the session and whether it is signed, no client name."""
    return f"note-session-{note.session.number}{'' if note.is_signed else '-draft'}.pdf"


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
