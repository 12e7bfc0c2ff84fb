"""Filters every template may use without loading them (registered as builtins)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def width_class(percent: object) -> str:
    """``pct-N``: a bar's width as a class (0–100, clamped), since the Content-Security-Policy
    allows no style attributes."""
    try:
        value = round(float(str(percent)))
    except (TypeError, ValueError):
        value = 0
    return f"pct-{max(0, min(100, value))}"
