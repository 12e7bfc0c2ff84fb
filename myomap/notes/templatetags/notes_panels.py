"""Panels the notes app adds to the client page."""

from __future__ import annotations

from typing import Any

from django import template

from myomap.notes.selectors import notes_of, status_label

register = template.Library()

RECENT = 5


@register.inclusion_tag("notes/_notes_card.html", takes_context=True)
def notes_card(context: template.Context, patient: Any) -> dict[str, Any]:
    """The client's recent SOAP notes with their status (draft, signed, amended)."""
    notes = list(notes_of(patient)[: RECENT + 1])
    return {
        "patient": patient,
        "request": context.get("request"),
        "rows": [(note, status_label(note)) for note in notes[:RECENT]],
        "more": len(notes) > RECENT,
        "drafts": sum(1 for note in notes if not note.is_signed),
    }


@register.inclusion_tag("notes/_chain_check.html")
def chain_check_status(clinic: Any) -> dict[str, Any]:
    """The latest nightly check of the clinic's signed notes: a warning while it failed."""
    from myomap.notes.models import NoteChainCheck

    check = NoteChainCheck.objects.filter(clinic=clinic).order_by("-checked_at", "-id").first()
    return {"check": check}
