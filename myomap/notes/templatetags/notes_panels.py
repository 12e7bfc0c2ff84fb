"""Panels the notes app adds to the client page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("notes/_notes_card.html", takes_context=True)
def notes_card(context: template.Context, patient: Any) -> dict[str, Any]:
    return {"patient": patient, "request": context.get("request")}
