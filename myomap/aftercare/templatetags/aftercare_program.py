"""Filters of the home program editor."""

from __future__ import annotations

from django import template

from myomap_core.home_program import SafeRange

register = template.Library()

LABELS = {
    "times": "Times",
    "per": "Per",
    "duration_s": "Duration",
    "repetitions": "Repetitions",
    "title": "Title",
    "what": "What the client reads",
    "muscle_id": "Muscle",
    "kind": "Exercise",
    "item_id": "Item",
    "move": "Move",
    "action": "Action",
}


@register.filter
def field_label(field: str) -> str:
    """The form's label of ``field``."""
    return LABELS.get(field, field)


@register.filter
def range_text(safe: SafeRange, field: str) -> str:
    """``30–60`` (or ``1``) for one field of a safe range."""
    bounds = {
        "times": safe.times_per_day,
        "duration_s": safe.duration_s,
        "repetitions": safe.repetitions,
    }.get(field)
    if bounds is None:
        return ""
    low, high = bounds
    return str(low) if low == high else f"{low}–{high}"
