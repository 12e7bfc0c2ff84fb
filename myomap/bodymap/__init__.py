"""The pain body map, drawn for every page that shows one (intake, client chart, assessment,
guide, trigger-point atlas, progress report): parse posted marks, and prepare the chart for
templates. It holds no model: it sits below the apps that store pain maps and the ones that
draw muscles, so none of them imports another for the drawing.

Each region has two inputs, ``i_<region id>`` (intensity, blank = not marked) and
``q_<region id>`` (quality). The SVG chart sets them by click, tap or keyboard; without
JavaScript the same inputs are plain selects, so the form works either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from myomap_core import atlas
from myomap_core.errors import DomainError
from myomap_core.pain import PainMark, PainQuality, pain_marks

QUALITIES = [(q.value, q.label) for q in PainQuality]


def parse_marks(data: Mapping[str, Any]) -> tuple[tuple[PainMark, ...], dict[str, str]]:
    """Marks from posted data, and errors keyed by region id (label in the message)."""
    raw: list[tuple[str, int, str]] = []
    errors: dict[str, str] = {}
    for region in atlas.regions():
        value = (data.get(f"i_{region.id}") or "").strip()
        if not value:
            continue
        quality = (data.get(f"q_{region.id}") or "").strip()
        try:
            intensity = int(value)
        except ValueError:
            errors[region.id] = f"{region.label}: intensity must be a whole number from 0 to 10."
            continue
        if not 0 <= intensity <= 10:
            errors[region.id] = f"{region.label}: intensity must be from 0 to 10, not {intensity}."
            continue
        if quality not in PainQuality.__members__.values():
            errors[region.id] = f"{region.label}: choose how the pain feels."
            continue
        raw.append((region.id, intensity, quality))
    if errors:
        return (), errors
    try:
        return pain_marks(raw), {}
    except DomainError as exc:
        return (), {exc.field: str(exc)}


@dataclass(frozen=True)
class ChartRegion:
    id: str
    label: str
    path: str
    cx: float
    cy: float
    intensity: int | None
    quality: str
    pattern: str = ""  # "essential" or "spillover" when a muscle's referral pattern is drawn


@dataclass(frozen=True)
class ChartPoint:
    """A trigger point drawn as an X in the middle of the region it lies in."""

    label: str
    x: float
    y: float

    @property
    def cross(self) -> str:
        """The SVG path of the X."""
        x, y, r = self.x, self.y, 4
        return f"M{x - r:g} {y - r:g}L{x + r:g} {y + r:g}M{x - r:g} {y + r:g}L{x + r:g} {y - r:g}"


@dataclass(frozen=True)
class ChartView:
    view: str
    title: str
    outline: str
    regions: tuple[ChartRegion, ...]
    points: tuple[ChartPoint, ...] = ()

    @property
    def drawn(self) -> bool:
        """False for the list of places the chart cannot show (inside the mouth, the pelvis)."""
        return bool(self.outline)

    @property
    def shown(self) -> tuple[ChartRegion, ...]:
        """The listed places worth showing on a read-only chart: marked or in a pattern."""
        return tuple(r for r in self.regions if r.intensity is not None or r.pattern)


def chart(
    marks: Iterable[tuple[str, int, str]] = (),
    pattern: Mapping[str, str] | None = None,
    points: Iterable[tuple[str, str]] = (),
) -> tuple[ChartView, ...]:
    """Both views of the body chart, then the places it cannot show, with the given
    (region, intensity, quality) marks,
    optionally a referral pattern (region id -> "essential" | "spillover") outlined, and
    trigger points ((region id, label)) marked with an X; points sharing a region are spread
    across it so each X stays visible."""
    pattern = pattern or {}
    by_region: dict[str, list[str]] = {}
    for region_id, label in points:
        by_region.setdefault(region_id, []).append(label)
    marked = {region_id: (intensity, quality) for region_id, intensity, quality in marks}
    views = []
    titles = {
        atlas.View.FRONT: "Front",
        atlas.View.BACK: "Back",
        atlas.View.LISTED: "Not on the chart",
    }
    for view, title in titles.items():
        regions = tuple(
            ChartRegion(
                id=r.id,
                label=r.label,
                path=r.path,
                cx=r.centre[0],
                cy=r.centre[1],
                intensity=marked[r.id][0] if r.id in marked else None,
                quality=marked[r.id][1] if r.id in marked else "",
                pattern=pattern.get(r.id, ""),
            )
            for r in atlas.regions(view)
        )
        drawn = tuple(
            ChartPoint(label, r.centre[0] + 7 * (i - (len(labels) - 1) / 2), r.centre[1])
            for r in atlas.regions(view)
            for labels in (by_region.get(r.id, []),)
            for i, label in enumerate(labels)
        )
        outline = atlas.outline(view) if view.drawn else ""
        views.append(ChartView(view.value, title, outline, regions, drawn))
    return tuple(views)


class _Mark(Protocol):
    region_id: str
    intensity: int
    quality: str


class _Marks(Protocol):
    def all(self) -> Iterable[_Mark]: ...


class StoredPainMap(Protocol):
    """A saved pain map: anything with ``marks`` rows (the intake's ``PainMap``)."""

    @property
    def marks(self) -> _Marks: ...


def marks_of(pain_map: StoredPainMap | None) -> list[tuple[str, int, str]]:
    """The saved marks as (region id, intensity, quality), in the order stored."""
    if pain_map is None:
        return []
    return [(m.region_id, m.intensity, m.quality) for m in pain_map.marks.all()]


def marks_from_post(data: Mapping[str, Any]) -> list[tuple[str, int, str]]:
    """What the person posted, even if invalid, to redisplay the chart as they left it."""
    out = []
    for region in atlas.regions():
        value = (data.get(f"i_{region.id}") or "").strip()
        if value.isdigit():
            out.append((region.id, int(value), data.get(f"q_{region.id}") or ""))
    return out


def region_label(region_id: str) -> str:
    try:
        return atlas.region(region_id).label
    except DomainError:
        return region_id
