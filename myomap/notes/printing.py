"""The note's PDF: letterhead, the client's identifiers, the note as it reads now, the
signature, the fingerprint, every amendment and a legend of the abbreviations it uses.

A signed note's PDF is kept in ``var/note-pdfs/`` (``myomap.reports.pdf_cache``: owner-only,
named by the digest of the document's HTML): the same signed text, amendments, identifiers and
letterhead give the same file, so it is rendered once; any change (an amendment, a corrected
name) gives a new one. A draft is rendered on each request and never kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects

from myomap.notes.models import SECTION_LABELS, SECTIONS, NoteAmendment, SoapNote
from myomap.notes.selectors import current_text
from myomap.reports.pdf import render_pdf
from myomap.reports.pdf_cache import cached_pdf, folder
from myomap_core.abbreviations import abbreviations_used

TEMPLATE = "notes/pdf.html"


FOLDER = "note-pdfs"


def cache_dir() -> Path:
    """Where signed notes' PDFs are kept: ``var/note-pdfs``, readable by the owner only."""
    return folder(FOLDER)


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
    return cached_pdf(
        kept_in=FOLDER, document=f"note-{note.pk}", template_name=TEMPLATE, context=context
    )


def pdf_filename(note: SoapNote) -> str:
    """The PDF's file name: the session and whether it is signed, no client name."""
    return f"note-session-{note.session.number}{'' if note.is_signed else '-draft'}.pdf"
