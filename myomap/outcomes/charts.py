"""Server-rendered SVG charts: accessible (title, description, text labels) and printable.

Three generic shapes, so any measure over time can use them:

- :func:`line_chart`: one or more series of (x, y) points, with an optional shaded band
  (e.g. the zone of change smaller than the MCID around the baseline; pre/post session pain;
  pressure pain threshold per trigger point over sessions).
- :func:`bar_chart`: grouped bars, one group per label and one bar per series (e.g. PSFS
  activities then and now).
- :func:`radar_chart`: a profile on several axes, one polygon per series (e.g. a
  five-element profile then and now).

Each returns a ``SafeString`` of a standalone ``<svg>`` element that parses as XML. Colours
are paired with marker shapes and dash patterns, so nothing depends on colour alone, and all
styling is inline so the chart prints the same in a browser and in a PDF.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

from myomap.outcomes.chart_labels import place

FONT = "DejaVu Sans, system-ui, Arial, sans-serif"
INK = "#1d2733"
SOFT = "#4a5866"
GRID = "#dfe5ea"
BAND_FILL = "#e3f1f3"
BAND_EDGE = "#7fb3bd"
# Colour, marker and dash per series: distinguishable without colour too.
STYLES = (
    ("#0f5e6e", "circle", ""),
    ("#8a4b0f", "square", "6 3"),
    ("#1a56db", "diamond", "2 3"),
    ("#6b3fa0", "triangle", "8 3 2 3"),
    ("#a12622", "circle", "1 3"),
    ("#2f6b2f", "square", "10 3"),
)
LEGEND_ROW = 18.0


@dataclass(frozen=True, slots=True)
class Point:
    """One value. ``label`` is printed beside the point (defaults to the value)."""

    x: float
    y: float
    label: str = ""


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Band:
    """A shaded horizontal zone from ``low`` to ``high`` on the value axis."""

    low: float
    high: float
    label: str


@dataclass(frozen=True, slots=True)
class BarGroup:
    """One group of bars: ``values`` in the order of the chart's series (None = no bar)."""

    label: str
    values: tuple[float | None, ...]


def num(value: float) -> str:
    """A value for a label: one decimal, without a trailing ``.0``."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "middle",
    size: int = 11,
    fill: str = INK,
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-family={quoteattr(FONT)} '
        f'font-size="{size}" font-weight="{weight}" fill="{fill}">{escape(content)}</text>'
    )


def _marker(shape: str, x: float, y: float, colour: str, title: str) -> str:
    tip = f"<title>{escape(title)}</title>"
    if shape == "square":
        return (
            f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}" '
            f'stroke="#fff" stroke-width="1">{tip}</rect>'
        )
    polygon = '<polygon points="{}" fill="{}" stroke="#fff" stroke-width="1">{}</polygon>'
    if shape == "diamond":
        corners: tuple[tuple[float, float], ...] = (
            (x, y - 5.5),
            (x + 5.5, y),
            (x, y + 5.5),
            (x - 5.5, y),
        )
        return polygon.format(" ".join(f"{a:.1f},{b:.1f}" for a, b in corners), colour, tip)
    if shape == "triangle":
        corners = ((x, y - 5.5), (x + 5.5, y + 4.5), (x - 5.5, y + 4.5))
        return polygon.format(" ".join(f"{a:.1f},{b:.1f}" for a, b in corners), colour, tip)
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}" stroke="#fff" '
        f'stroke-width="1">{tip}</circle>'
    )


def _frame(width: int, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    # Named by its content, not by a counter: the same chart draws the same markup, so a
    # printed document that has not changed is recognised (myomap.reports.pdf_cache).
    digest = hashlib.sha256("\n".join([title, desc, *body]).encode()).hexdigest()[:12]
    uid = f"chart-{digest}"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{uid}-t {uid}-d">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
        + "".join(body)
        + "</svg>"
    )
    return mark_safe(svg)  # every text and attribute above is escaped


def _nice_step(span: float) -> float:
    """A tick step giving about five ticks over ``span``: 1, 2, 2.5 or 5 times a power of 10."""
    if span <= 0:
        return 1.0
    raw = span / 5
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)


def _legend_width(name: str) -> float:
    return 40 + 6.2 * len(name)


def legend_rows(names: Sequence[str], max_width: float) -> int:
    """How many rows the legend of ``names`` takes within ``max_width``."""
    rows, cursor = 1, 0.0
    for name in names:
        if cursor and cursor + _legend_width(name) > max_width:
            rows, cursor = rows + 1, 0.0
        cursor += _legend_width(name)
    return rows


def _legend(
    names: Sequence[str], x: float, y: float, *, line: bool, max_width: float = 1e9
) -> list[str]:
    """The legend; rows wrap within ``max_width``, the last row's baseline at ``y``."""
    parts, cursor = [], x
    y -= LEGEND_ROW * (legend_rows(names, max_width) - 1)
    for index, name in enumerate(names):
        if cursor > x and cursor - x + _legend_width(name) > max_width:
            cursor, y = x, y + LEGEND_ROW
        colour, shape, dash = STYLES[index % len(STYLES)]
        if line:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{cursor:.1f}" y1="{y - 4:.1f}" x2="{cursor + 22:.1f}" y2="{y - 4:.1f}" '
                f'stroke="{colour}" stroke-width="2"{dash_attr}/>'
            )
            parts.append(_marker(shape, cursor + 11, y - 4, colour, name))
        else:
            parts.append(
                f'<rect x="{cursor + 4:.1f}" y="{y - 10:.1f}" width="14" height="12" '
                f'fill="{colour}"{_hatch_attr(index)}/>'
            )
        parts.append(_text(cursor + 28, y, name, anchor="start", size=11))
        cursor += _legend_width(name)
    return parts


def _hatch_attr(index: int) -> str:
    # Alternate bars get a white outline pattern so neighbours differ without colour.
    return (
        ' stroke="#ffffff" stroke-width="1"'
        if index % 2 == 0
        else ' stroke="#1d2733" stroke-width="1.5" stroke-dasharray="3 2"'
    )


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    y_min: float,
    y_max: float,
    band: Band | None = None,
    x_ticks: Sequence[tuple[float, str]] | None = None,
    width: int = 560,
    height: int = 260,
) -> SafeString:
    """A line chart of (x, y) points for one or more series, with an optional shaded band.

    ``x_ticks`` labels the x axis ((value, text) pairs); by default every whole number
    between the smallest and largest x. Each point is labelled with its value.
    """
    left, right, top = 52.0, 16.0, 18.0
    names = [s.name for s in series] if len(series) > 1 else []
    # Long legends wrap; each extra row makes the chart taller, not the plot smaller.
    extra_rows = (legend_rows(names, width - left - right) - 1) if names else 0
    one_row = sum(_legend_width(n) for n in names) + (_legend_width(band.label) if band else 0)
    if band is not None and names and (extra_rows or one_row > width - left - right):
        extra_rows += 1  # the band's key gets a row of its own
    height += int(LEGEND_ROW * extra_rows)
    legend_room = 24.0 + LEGEND_ROW * extra_rows if len(series) > 1 or band else 0.0
    bottom = 46.0 + legend_room
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = [p.x for s in series for p in s.points]
    x_lo, x_hi = (min(xs), max(xs)) if xs else (0.0, 1.0)
    if x_ticks:
        x_lo, x_hi = min(x_lo, *(t[0] for t in x_ticks)), max(x_hi, *(t[0] for t in x_ticks))
    if x_hi - x_lo < 1:
        x_lo, x_hi = x_lo - 0.5, x_hi + 0.5
    pad = (x_hi - x_lo) * 0.06

    def sx(x: float) -> float:
        return left + (x - x_lo + pad) / (x_hi - x_lo + 2 * pad) * plot_w

    def sy(y: float) -> float:
        clamped = max(y_min, min(y_max, y))
        return top + (y_max - clamped) / (y_max - y_min) * plot_h

    body: list[str] = []
    step = _nice_step(y_max - y_min)
    tick = y_min
    while tick <= y_max + 1e-9:
        y = sy(tick)
        body.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 4, num(tick), anchor="end", size=10, fill=SOFT))
        tick += step
    if band is not None:
        lo, hi = sorted((band.low, band.high))
        y_top, y_bottom = sy(hi), sy(lo)
        body.append(
            f'<rect class="band" x="{left:.1f}" y="{y_top:.1f}" width="{plot_w:.1f}" '
            f'height="{max(0.0, y_bottom - y_top):.1f}" fill="{BAND_FILL}" stroke="{BAND_EDGE}" '
            f'stroke-width="1" stroke-dasharray="4 3"><title>{escape(band.label)}</title></rect>'
        )
    ticks = list(x_ticks) if x_ticks else [(float(v), str(v)) for v in _whole(x_lo, x_hi)]
    for value, text in ticks:
        body.append(_text(sx(value), top + plot_h + 16, text, size=10, fill=SOFT))
    body.append(
        f'<line x1="{left:.1f}" y1="{top + plot_h:.1f}" x2="{left + plot_w:.1f}" '
        f'y2="{top + plot_h:.1f}" stroke="{SOFT}" stroke-width="1"/>'
    )
    body.append(_text(left + plot_w / 2, top + plot_h + 34, x_label, size=11, fill=SOFT))
    cy = top + plot_h / 2
    body.append(
        f'<text x="14" y="{cy:.1f}" transform="rotate(-90 14 {cy:.1f})" text-anchor="middle" '
        f'font-family={quoteattr(FONT)} font-size="11" fill="{SOFT}">{escape(y_label)}</text>'
    )
    labels: list[tuple[float, float, str, str]] = []  # value labels, placed after all markers
    for index, s in enumerate(series):
        colour, shape, dash = STYLES[index % len(STYLES)]
        points = sorted(s.points, key=lambda p: p.x)
        if len(points) > 1:
            path = " ".join(f"{sx(p.x):.1f},{sy(p.y):.1f}" for p in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            body.append(
                f'<polyline class="series" points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dash_attr}/>'
            )
        # A long series names its first and last values; every marker keeps its value in its
        # title, and the chart's description lists them all.
        named = points if len(points) <= MAX_LABELLED else [points[0], points[-1]]
        for p in points:
            label = p.label or num(p.y)
            body.append(_marker(shape, sx(p.x), sy(p.y), colour, f"{s.name}: {label}"))
            if p in named:
                labels.append((sx(p.x), sy(p.y), label, colour))
    spots = place([(x, y, text) for x, y, text, _ in labels], top=top, bottom=top + plot_h + 14)
    for (_, _, text, colour), spot in zip(labels, spots, strict=True):
        if spot is not None:
            body.append(
                _text(spot.x, spot.y, text, anchor=spot.anchor, size=10, weight="bold", fill=colour)
            )
    legend_y = height - 8
    if names:
        names_y = legend_y - (LEGEND_ROW if band is not None and extra_rows else 0)
        body.extend(_legend(names, left, names_y, line=True, max_width=plot_w))
    if band is not None:
        bx = left if extra_rows else left + sum(_legend_width(n) for n in names)
        body.append(
            f'<rect x="{bx + 4:.1f}" y="{legend_y - 10:.1f}" width="18" height="12" '
            f'fill="{BAND_FILL}" stroke="{BAND_EDGE}" stroke-dasharray="4 3"/>'
        )
        body.append(_text(bx + 28, legend_y, band.label, anchor="start", size=11))
    return _frame(width, height, title, desc, body)


MAX_LABELLED = 12
"""A series with more points than this shows the values of its first and last only."""


def _whole(lo: float, hi: float) -> list[int]:
    values = list(range(math.ceil(lo), math.floor(hi) + 1))
    if len(values) > 12:
        every = math.ceil(len(values) / 12)
        values = values[::every]
    return values


def _wrap(text: str, limit: int = 16) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > 3:
        lines = [*lines[:2], " ".join(lines[2:])[: limit - 1] + "…"]
    return lines or [""]


def bar_chart(
    groups: Sequence[BarGroup],
    series_names: Sequence[str],
    *,
    title: str,
    desc: str,
    y_label: str,
    y_min: float,
    y_max: float,
    width: int = 560,
    height: int = 280,
) -> SafeString:
    """Grouped bars: one group per label, one bar per series, each bar labelled with its value."""
    left, right, top = 52.0, 16.0, 18.0
    bottom = 58.0 + (24.0 if len(series_names) > 1 else 0.0)
    plot_w, plot_h = width - left - right, height - top - bottom

    def sy(y: float) -> float:
        clamped = max(y_min, min(y_max, y))
        return top + (y_max - clamped) / (y_max - y_min) * plot_h

    body: list[str] = []
    step = _nice_step(y_max - y_min)
    tick = y_min
    while tick <= y_max + 1e-9:
        y = sy(tick)
        body.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 4, num(tick), anchor="end", size=10, fill=SOFT))
        tick += step
    cy = top + plot_h / 2
    body.append(
        f'<text x="14" y="{cy:.1f}" transform="rotate(-90 14 {cy:.1f})" text-anchor="middle" '
        f'font-family={quoteattr(FONT)} font-size="11" fill="{SOFT}">{escape(y_label)}</text>'
    )
    slot = plot_w / max(1, len(groups))
    n = max(1, len(series_names))
    bar_w = min(34.0, (slot * 0.75) / n)
    for g_index, group in enumerate(groups):
        centre = left + slot * (g_index + 0.5)
        start = centre - bar_w * n / 2
        for s_index, value in enumerate(group.values[:n]):
            if value is None:
                continue
            colour = STYLES[s_index % len(STYLES)][0]
            x = start + s_index * bar_w
            y = sy(value)
            base = sy(y_min)
            name = series_names[s_index] if s_index < len(series_names) else ""
            body.append(
                f'<rect class="bar" x="{x + 1:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" '
                f'height="{max(0.0, base - y):.1f}" fill="{colour}"{_hatch_attr(s_index)}>'
                f"<title>{escape(f'{group.label}, {name}: {num(value)}')}</title></rect>"
            )
            body.append(_text(x + bar_w / 2, y - 4, num(value), size=10, weight="bold"))
        for line_no, line in enumerate(_wrap(group.label)):
            body.append(_text(centre, top + plot_h + 15 + 12 * line_no, line, size=10))
    body.append(
        f'<line x1="{left:.1f}" y1="{top + plot_h:.1f}" x2="{left + plot_w:.1f}" '
        f'y2="{top + plot_h:.1f}" stroke="{SOFT}" stroke-width="1"/>'
    )
    if len(series_names) > 1:
        body.extend(_legend(series_names, left, height - 8, line=False, max_width=plot_w))
    return _frame(width, height, title, desc, body)


def radar_chart(
    axes: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    desc: str,
    maximum: float,
    minimum: float = 0.0,
    size: int = 360,
) -> SafeString:
    """A profile on three or more axes; one closed polygon per series (e.g. then and now)."""
    if len(axes) < 3:
        raise ValueError("axes: a profile needs at least three axes")
    legend_room = 26 if len(series) > 1 else 0
    width, height = size + 80, size + legend_room
    cx, cy, radius = width / 2, size / 2, size / 2 - 48

    def at(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / len(axes)
        share = (max(minimum, min(maximum, value)) - minimum) / (maximum - minimum)
        return cx + math.cos(angle) * radius * share, cy + math.sin(angle) * radius * share

    body: list[str] = []
    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(
            f"{x:.1f},{y:.1f}"
            for x, y in (at(i, minimum + ring * (maximum - minimum)) for i in range(len(axes)))
        )
        body.append(f'<polygon points="{pts}" fill="none" stroke="{GRID}" stroke-width="1"/>')
    body.append(
        _text(cx + 4, cy - radius - 4 + 12, num(maximum), anchor="start", size=9, fill=SOFT)
    )
    for index, name in enumerate(axes):
        x, y = at(index, maximum)
        body.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}" '
            f'stroke-width="1"/>'
        )
        lx, ly = at(index, maximum + (maximum - minimum) * 0.16)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        body.append(_text(lx, ly + 4, name, anchor=anchor, size=11, weight="bold"))
    for s_index, (name, values) in enumerate(series):
        colour, shape, dash = STYLES[s_index % len(STYLES)]
        corners = [at(i, v) for i, v in enumerate(values[: len(axes)])]
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<polygon class="series" points="{pts}" fill="{colour}" fill-opacity="0.12" '
            f'stroke="{colour}" stroke-width="2"{dash_attr}/>'
        )
        for i, (x, y) in enumerate(corners):
            body.append(_marker(shape, x, y, colour, f"{name}, {axes[i]}: {num(values[i])}"))
    if len(series) > 1:
        body.extend(_legend([s[0] for s in series], 20, height - 8, line=True))
    return _frame(width, height, title, desc, body)
