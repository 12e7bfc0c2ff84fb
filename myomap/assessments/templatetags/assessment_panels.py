"""Panels the assessments app adds to the client page, and helpers for its templates."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField, Form

from myomap.assessments import selectors
from myomap.assessments.selectors import Bar
from myomap.screening.gate import page_gate

register = template.Library()


@register.inclusion_tag("assessments/_assessment_card.html", takes_context=True)
def assessment_card(context: template.Context, patient: Any) -> dict[str, Any]:
    latest = selectors.latest_assessment(patient)
    data: dict[str, Any] = {
        "patient": patient,
        "request": context.get("request"),
        "clinical": context.get("clinical"),
        "csrf_token": context.get("csrf_token"),
        "latest": latest,
        "count": selectors.assessments_of(patient).count(),
        "gate": page_gate(patient),
    }
    if latest is not None:
        profile = selectors.element_profile(latest)
        previous = selectors.previous_assessment(latest)
        data["bars"] = selectors.element_bars(
            profile, selectors.element_profile(previous) if previous else None
        )
        data["previous"] = previous
        data["headlines"] = selectors.headline_findings(latest)
    return data


# --- The five-element chart (server-rendered SVG) -----------------------------------------

CHART = {"width": 340, "height": 190, "top": 16, "bottom": 40, "left": 26, "right": 6}


@register.inclusion_tag("assessments/_element_chart.html")
def element_chart(bars: list[Bar], mini: bool = False, previous: Any = None) -> dict[str, Any]:
    c = dict(CHART)
    if mini:
        c.update(width=260, height=130, top=12, bottom=30, left=18)
    plot_h = c["height"] - c["top"] - c["bottom"]
    group = (c["width"] - c["left"] - c["right"]) / max(len(bars), 1)
    has_prev = any(b.previous is not None for b in bars)
    bar_w = group * (0.34 if has_prev else 0.5)
    shapes = []
    for i, b in enumerate(bars):
        x0 = c["left"] + i * group + group / 2
        cur_x = x0 + (0 if has_prev else -bar_w / 2)
        entry: dict[str, Any] = {
            "bar": b,
            "cx": x0,
            "cur": _rect(cur_x, b.current, bar_w, c["top"], plot_h),
        }
        if has_prev and b.previous is not None:
            entry["prev"] = _rect(x0 - bar_w, b.previous, bar_w, c["top"], plot_h)
        shapes.append(entry)
    grid = [{"y": c["top"] + plot_h - n * plot_h / 3, "n": n} for n in range(4)]
    summary = "; ".join(
        f"{b.label} {b.current} of 3"
        + (f" (before {b.previous})" if b.previous is not None else "")
        for b in bars
    )
    return {
        "c": c,
        "shapes": shapes,
        "grid": grid,
        "mini": mini,
        "has_prev": has_prev,
        "previous": previous,
        "summary": summary,
        "label_y": c["height"] - c["bottom"] + (14 if not mini else 12),
        "base_y": c["top"] + plot_h,
    }


def _rect(x: float, value: int, width: float, top: float, plot_h: float) -> dict[str, float]:
    h = max(value, 0) / 3 * plot_h
    return {
        "x": round(x, 1),
        "y": round(top + plot_h - h, 1),
        "w": round(width, 1),
        "half": round(width / 2, 1),
        "h": round(h, 1),
        "v": value,
    }


# --- Form helpers ------------------------------------------------------------------------


@register.filter
def field(form: Form, name: str) -> BoundField:
    return form[name]


@register.filter
def invalid_attr(bound: BoundField) -> str:
    attrs: dict[str, str | bool] = {"aria-invalid": "true"} if bound.errors else {}
    return bound.as_widget(attrs=attrs)


@register.filter
def placeholder(bound: BoundField, text: str) -> str:
    return bound.as_widget(attrs={"placeholder": text})


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def measure_value(measure: Any) -> str:
    """``4.6°``, ``12 mm``: angles to a tenth of a degree, distances to the whole unit."""
    if measure.value is None:
        return "–"
    if measure.unit == "°":
        return f"{measure.value:.1f}°"
    return f"{measure.value:.0f} {measure.unit}"


@register.filter
def landmark_name(landmark_id: str) -> str:
    from myomap.assessments.services import landmark_label

    return landmark_label(landmark_id)


@register.filter
def plain(value: float | None) -> str:
    """A number to two decimals at most, without trailing zeros: 3.5, 8.82, 392.28, 1."""
    if value is None:
        return ""
    return f"{round(float(value), 2):g}"
