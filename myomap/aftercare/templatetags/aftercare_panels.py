"""Panels the aftercare app adds to the client page, and the citation filter of its sheets."""

from __future__ import annotations

from typing import Any

from django import template

from myomap.aftercare import selectors
from myomap_core.knowledge import load_knowledge_base

register = template.Library()


@register.inclusion_tag("aftercare/_homecare_card.html", takes_context=True)
def homecare_card(context: template.Context, patient: Any) -> dict[str, Any]:
    """The latest aftercare sheet and how the home program is kept up (clinical only)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    clinical = bool(context.get("clinical")) and bool(getattr(user, "is_clinician", False))
    data: dict[str, Any] = {"patient": patient, "request": request, "clinical": clinical}
    if clinical:
        sheet = selectors.latest_sheet(patient)
        data["sheet"] = sheet
        if sheet is not None:
            data["adherence"] = selectors.adherence(sheet)
            data["open_links"] = selectors.open_links(sheet)
    return data


@register.filter
def cite(source_id: str) -> str:
    """``[seed000]`` for a reference, ``[ours]`` for Myomap's own choice."""
    source = load_knowledge_base().sources.get(source_id)
    return "[ours]" if source is not None and source.ours else f"[{source_id}]"
