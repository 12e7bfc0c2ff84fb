"""Template helpers for drawing the pain body map."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django import template

from myomap.bodymap import QUALITIES, ChartRegion

register = template.Library()

# Pale amber (0) to deep red (10); text on the chart never sits on these fills.
INTENSITY_COLOURS = (
    "#fdf0d5", "#fde6c4", "#fbd3a0", "#f8bd7e", "#f6a35c", "#ef8446",
    "#e46637", "#d94e2b", "#bd3a22", "#a42a19", "#8e1b12",
)  # fmt: skip


@register.filter
def intensity_colour(value: int | None) -> str:
    if value is None:
        return ""
    return INTENSITY_COLOURS[max(0, min(10, int(value)))]


@register.filter
def unmarked_outline(regions: Iterable[ChartRegion]) -> str:
    """The borders of every unmarked region as one SVG path (each region's path is absolute,
    so they join as they are): the same drawing in print, one node where a PDF renderer
    would otherwise style and draw each region on its own."""
    return " ".join(r.path for r in regions if r.intensity is None)


@register.simple_tag
def intensity_colours_json() -> str:
    return json.dumps(INTENSITY_COLOURS)


@register.simple_tag
def qualities_json() -> str:
    return json.dumps(dict(QUALITIES))


@register.filter
def quality_label(value: str) -> str:
    return dict(QUALITIES).get(value, value)


@register.simple_tag
def intensity_range() -> range:
    return range(11)


@register.filter
def words(value: object) -> str:
    """An enum value or id as plain words: ``flat_and_pincer`` -> ``flat and pincer``."""
    return str(getattr(value, "value", value)).replace("_", " ")
