"""Panels the screening app adds to the client page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("screening/_screening_banner.html", takes_context=True)
def screening_banner(context: template.Context, patient: Any) -> dict[str, Any]:
    return {
        "patient": patient,
        "request": context.get("request"),
        "clinical": context.get("clinical"),
    }


@register.inclusion_tag("screening/_screening_card.html", takes_context=True)
def screening_card(context: template.Context, patient: Any) -> dict[str, Any]:
    return {
        "patient": patient,
        "request": context.get("request"),
        "clinical": context.get("clinical"),
    }
