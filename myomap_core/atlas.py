"""The body atlas: every region a clinician can mark on the client's body chart.

Areas (side-agnostic, e.g. ``sacroiliac``) are fixed by the knowledge-base contract and described
in ``knowledge/data/regions.toml``. A sided area yields two regions, ``<area>_left`` and
``<area>_right``; a midline area yields one region named like the area. "Left" and "right" are
always the client's own sides. Each region carries the SVG geometry of the body chart.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Final

from myomap_core import region_language
from myomap_core.anatomy_codes import AnatomyCodes, Match, parse_anatomy_codes
from myomap_core.codes import Coding, snomed
from myomap_core.errors import DomainError, KnowledgeBaseError

__all__ = [
    "DRAWN_VIEWS",
    "VIEWBOX",
    "AmbiguousRegion",
    "Area",
    "Region",
    "Side",
    "View",
    "area",
    "areas",
    "mirror_side",
    "outline",
    "region",
    "region_ids_for_area",
    "regions",
    "resolve_region",
    "suggest_regions",
]

DATA_FILE: Final = "regions.toml"
AREA_KEYS: Final = frozenset({
    "id", "label", "view", "sided", "synonyms", "neighbours", "snomed", "uberon", "fma", "match",
    "path", "centre",
})  # fmt: skip
"""The keys an [[area]] table may hold; any other (a typo such as ``ubron``) is refused."""
VIEWBOX: Final = (0, 0, 200, 440)
_MIDLINE_X: Final = 100.0


class View(StrEnum):
    """Where an area is shown: the two views of the body chart, or the list of places the
    chart cannot show (inside the mouth, the head or the pelvis), marked from that list."""

    FRONT = "front"
    BACK = "back"
    LISTED = "listed"

    @property
    def drawn(self) -> bool:
        return self is not View.LISTED


DRAWN_VIEWS: Final = (View.FRONT, View.BACK)


class Side(StrEnum):
    """Which side of the client's body a region lies on."""

    LEFT = "left"
    RIGHT = "right"
    MIDLINE = "midline"


# The fixed list of areas (knowledge-base contract §1): view -> (midline areas, sided areas).
CONTRACT_AREAS: Final[Mapping[View, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    View.FRONT: (
        ("vertex", "forehead", "throat", "sternum", "navel", "pubis"),
        (
            "temple", "eyebrow_orbit", "cheek", "ear", "tmj", "jaw", "teeth", "anterior_neck",
            "clavicle", "upper_chest", "lateral_chest", "upper_abdomen", "lower_abdomen", "groin",
            "anterior_shoulder", "lateral_shoulder", "anterior_arm", "antecubital",
            "medial_elbow", "anterior_forearm_radial", "anterior_forearm_ulnar", "volar_wrist",
            "palm", "thumb", "fingers",
            "anterior_thigh", "medial_thigh", "lateral_thigh", "anterior_knee", "medial_knee",
            "lateral_knee", "shin", "lateral_leg", "anterior_ankle", "lateral_ankle",
            "medial_ankle", "dorsum_foot", "toes",
        ),
    ),
    View.BACK: (
        ("cervical_spine", "thoracic_spine", "lumbar_spine", "sacrum", "coccyx"),
        (
            "occiput", "posterior_neck", "upper_trapezius", "posterior_shoulder", "suprascapular",
            "scapula", "medial_scapular", "posterior_axilla", "mid_back", "lumbar_paraspinal",
            "flank", "sacroiliac", "upper_buttock", "lower_buttock", "lateral_hip",
            "posterior_thigh", "popliteal", "calf", "achilles", "heel", "arch", "ball_of_foot",
            "posterior_arm", "olecranon", "lateral_elbow", "posterior_forearm_radial",
            "posterior_forearm_ulnar", "dorsal_wrist", "dorsal_hand",
        ),
    ),
    View.LISTED: (
        ("pelvic_floor", "perineum", "genitals", "anus_rectum", "deep_pelvis"),
        ("inside_mouth", "behind_eye", "inside_head"),
    ),
}  # fmt: skip


def _inside_viewbox(point: tuple[float, float]) -> bool:
    x0, y0, width, height = VIEWBOX
    return x0 <= point[0] <= x0 + width and y0 <= point[1] <= y0 + height


class AmbiguousRegion(DomainError):
    """A phrase that names two or more areas equally well; ``suggestions`` are the choices."""


@dataclass(frozen=True, slots=True)
class Area:
    """A side-agnostic area of the body chart, as muscle data refers to it."""

    id: str
    label: str
    view: View
    sided: bool
    synonyms: tuple[str, ...]
    neighbours: tuple[str, ...]
    snomed: Coding | None
    anatomy: AnatomyCodes | None = None
    """UBERON and FMA classes naming the area, or a structure containing it."""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.id):
            raise DomainError("must be a snake_case identifier", field="id", value=self.id)
        if not self.label.strip():
            raise DomainError("must not be empty", field="label", value=self.label)
        if self.id in self.neighbours:
            raise DomainError("an area cannot neighbour itself", field="neighbours", value=self.id)


@dataclass(frozen=True, slots=True)
class Region:
    """One markable region of the chart: an area on one side (or the midline)."""

    id: str
    area: str
    label: str
    view: View
    side: Side
    synonyms: tuple[str, ...]
    neighbours: tuple[str, ...]
    snomed: Coding | None
    path: str
    centre: tuple[float, float]
    anatomy: AnatomyCodes | None = None

    def __post_init__(self) -> None:
        expected = self.area if self.side is Side.MIDLINE else f"{self.area}_{self.side}"
        if self.id != expected:
            raise DomainError(f"must be {expected!r} for this area and side", field="id",
                              value=self.id)  # fmt: skip
        if not self.view.drawn:
            if self.path:
                raise DomainError("a listed area is not drawn", field="path", value=self.path)
            return
        if not self.path.strip():
            raise DomainError("must not be empty", field="path", value=self.path)
        if not _inside_viewbox(self.centre):
            raise DomainError("must lie inside the chart", field="centre", value=self.centre)


def mirror_side(side: Side) -> Side:
    """The opposite side; the midline mirrors onto itself."""
    return {Side.LEFT: Side.RIGHT, Side.RIGHT: Side.LEFT, Side.MIDLINE: Side.MIDLINE}[side]


# --- SVG path handling -----------------------------------------------------------------------

_PATH_TOKEN: Final = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_ARITY: Final = {"M": 2, "L": 2, "C": 6, "Q": 4, "Z": 0}


def _parse_path(d: str) -> list[tuple[str, list[float]]]:
    """Split absolute path data into (command, numbers); raises ValueError on anything else."""
    if re.sub(r"[\s,]+", "", _PATH_TOKEN.sub("", d)):
        raise ValueError("contains characters that are not path data")
    commands: list[tuple[str, list[float]]] = []
    for token in _PATH_TOKEN.findall(d):
        if token.isalpha():
            if token not in _PATH_ARITY:
                raise ValueError(f"command {token!r} is not one of M, L, C, Q, Z")
            commands.append((token, []))
        elif not commands:
            raise ValueError("must start with a command")
        else:
            commands[-1][1].append(float(token))
    if not commands or commands[0][0] != "M":
        raise ValueError("must start with M")
    for command, numbers in commands:
        arity = _PATH_ARITY[command]
        if (arity == 0 and numbers) or (arity and (not numbers or len(numbers) % arity)):
            raise ValueError(f"command {command} has {len(numbers)} numbers")
    return commands


def _number(value: float) -> str:
    return f"{round(value, 2):g}"


def _mirror_path(commands: list[tuple[str, list[float]]]) -> str:
    """The path reflected about the chart's midline (x -> 200 - x)."""
    parts: list[str] = []
    for command, numbers in commands:
        pairs = [
            f"{_number(2 * _MIDLINE_X - numbers[i])},{_number(numbers[i + 1])}"
            for i in range(0, len(numbers), 2)
        ]
        parts.append(command + " ".join(pairs))
    return " ".join(parts)


# --- loading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Atlas:
    areas: tuple[Area, ...]
    regions: tuple[Region, ...]
    by_area: Mapping[str, Area]
    by_region: Mapping[str, Region]
    outlines: Mapping[View, str]
    names: Mapping[str, str]  # normalised name -> area id, or a group key
    display: Mapping[str, str]  # normalised name -> the name as written
    groups: Mapping[str, tuple[str, ...]]  # group key -> the area ids it names


def _fail(record: str, field: str, message: str, value: object = None) -> KnowledgeBaseError:
    return KnowledgeBaseError(message, field=f"{DATA_FILE}: {record}.{field}", value=value)


def _strings(raw: Mapping[str, object], record: str, field: str) -> tuple[str, ...]:
    value = raw.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(record, field, "must be a list of non-empty strings", value)
    if len(set(value)) != len(value):
        raise _fail(record, field, "repeats an entry", value)
    return tuple(value)


def _text(raw: Mapping[str, object], record: str, field: str) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        raise _fail(record, field, "must be a non-empty string", value)
    return value


def _centre(raw: Mapping[str, object], record: str) -> tuple[float, float]:
    value = raw.get("centre")
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise _fail(record, "centre", "must be [x, y]", value)
    point = (float(value[0]), float(value[1]))
    if not _inside_viewbox(point):
        raise _fail(record, "centre", "lies outside the chart's viewBox", value)
    return point


def _geometry(raw: Mapping[str, object], record: str) -> list[tuple[str, list[float]]]:
    d = _text(raw, record, "path")
    try:
        commands = _parse_path(d)
    except ValueError as exc:
        raise _fail(record, "path", str(exc), d[:40]) from exc
    for _command, numbers in commands:
        for i in range(0, len(numbers), 2):
            if not _inside_viewbox((numbers[i], numbers[i + 1])):
                raise _fail(record, "path", "leaves the chart's viewBox", numbers[i : i + 2])
    return commands


def _coding(raw: Mapping[str, object], record: str) -> Coding | None:
    value = raw.get("snomed")
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"code", "display"}:
        raise _fail(record, "snomed", "must be { code, display }", value)
    code, display = value["code"], value["display"]
    if not (isinstance(code, str) and code.isdigit() and isinstance(display, str) and display):
        raise _fail(record, "snomed", "needs a numeric code and a display", value)
    return snomed(code, display)


def _exact_codes_are_unique(areas: list[Area]) -> None:
    """Two areas may share a containing (broader) class, never an exact one."""
    owners: dict[str, str] = {}
    for a in areas:
        if a.anatomy is None or a.anatomy.match is not Match.EXACT:
            continue
        for term in (a.anatomy.uberon, a.anatomy.fma):
            if term is None:
                continue
            if term.id in owners:
                message = f"{term.id} already names the area {owners[term.id]} exactly"
                raise _fail(a.id, "match", message, term.id)
            owners[term.id] = a.id


def normalise(text: str) -> str:
    """Lower-case words only: drops apostrophes, turns other punctuation into spaces."""
    text = re.sub(r"['’`]", "", text.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _region_label(label: str, side: Side) -> str:
    if side is Side.MIDLINE:
        return label
    rest = label if label[1:2].isupper() else label[:1].lower() + label[1:]
    return f"{side.capitalize()} {rest}"


@functools.cache
def _atlas() -> _Atlas:
    text = (
        resources.files("myomap_core").joinpath("knowledge", "data", DATA_FILE).read_text("utf-8")
    )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeBaseError(str(exc), field=DATA_FILE) from exc
    return _build(data)


def _build(data: Mapping[str, object]) -> _Atlas:
    raw_outline = data.get("outline")
    if not isinstance(raw_outline, dict):
        raise _fail("outline", "front", "the [outline] table is missing")
    outlines: dict[View, str] = {}
    for view in DRAWN_VIEWS:
        outlines[view] = _text(raw_outline, "outline", view.value)
        _geometry({"path": outlines[view]}, f"outline.{view}")

    raw_areas = data.get("area")
    if not isinstance(raw_areas, list):
        raise _fail("area", "id", "no [[area]] tables found")
    contract: dict[str, tuple[View, bool]] = {}
    for contract_view, (midline_ids, sided_ids) in CONTRACT_AREAS.items():
        contract.update({a: (contract_view, False) for a in midline_ids})
        contract.update({a: (contract_view, True) for a in sided_ids})

    areas: list[Area] = []
    geometry: dict[str, tuple[list[tuple[str, list[float]]], str, tuple[float, float]]] = {}
    for index, raw in enumerate(raw_areas):
        record = f"area[{index}]"
        if not isinstance(raw, dict):
            raise _fail(record, "id", "must be a table")
        area_id = _text(raw, record, "id")
        record = area_id
        unknown = sorted(set(raw) - AREA_KEYS)
        if unknown:
            close = difflib.get_close_matches(unknown[0], AREA_KEYS, n=3)
            raise KnowledgeBaseError(
                "is not a key of an area",
                field=f"{DATA_FILE}: {record}.{unknown[0]}",
                value=unknown[0],
                suggestions=close,
            )
        if area_id not in contract:
            close = difflib.get_close_matches(area_id, contract, n=3, cutoff=0)
            raise KnowledgeBaseError(
                "is not an area of the contract",
                field=f"{DATA_FILE}: {record}.id",
                value=area_id,
                suggestions=close,
            )
        if area_id in geometry:
            raise _fail(record, "id", "is defined twice", area_id)
        view_text = _text(raw, record, "view")
        if view_text not in {v.value for v in View}:
            raise _fail(record, "view", "must be front, back or listed", view_text)
        view, sided = View(view_text), raw.get("sided")
        if view is not contract[area_id][0]:
            raise _fail(record, "view", f"the contract puts it on the {contract[area_id][0]} view")
        if sided is not contract[area_id][1]:
            raise _fail(record, "sided", f"must be {str(contract[area_id][1]).lower()}", sided)
        try:
            areas.append(
                Area(
                    id=area_id,
                    label=_text(raw, record, "label"),
                    view=view,
                    sided=bool(sided),
                    synonyms=_strings(raw, record, "synonyms"),
                    neighbours=_strings(raw, record, "neighbours"),
                    snomed=_coding(raw, record),
                    anatomy=parse_anatomy_codes(raw),
                )
            )
        except DomainError as exc:
            if isinstance(exc, KnowledgeBaseError):
                raise
            raise _fail(record, exc.field, exc.message, exc.value) from exc
        if not view.drawn:
            if "path" in raw or "centre" in raw:
                raise _fail(record, "path", "a listed area has no path or centre")
            geometry[area_id] = ([], "", (0.0, 0.0))
            continue
        commands = _geometry(raw, record)
        geometry[area_id] = (commands, _text(raw, record, "path"), _centre(raw, record))

    missing = [a for a in contract if a not in geometry]
    if missing:
        raise _fail(missing[0], "id", f"contract areas missing from the file: {missing}")

    _exact_codes_are_unique(areas)
    by_area = {a.id: a for a in areas}
    for a in areas:
        for other in a.neighbours:
            if other not in by_area:
                raise _fail(a.id, "neighbours", "names an unknown area", other)
            if a.id not in by_area[other].neighbours:
                raise _fail(a.id, "neighbours", f"{other} does not list it back", other)

    names, display = _name_index(areas)
    groups = _groups(data.get("group", []), names, display, by_area)
    regions: list[Region] = []
    for a in areas:
        commands, path, (cx, cy) = geometry[a.id]
        sides = (Side.LEFT, Side.RIGHT) if a.sided else (Side.MIDLINE,)
        for side in sides:
            mirrored = side is Side.RIGHT
            regions.append(
                Region(
                    id=a.id if side is Side.MIDLINE else f"{a.id}_{side}",
                    area=a.id,
                    label=_region_label(a.label, side),
                    view=a.view,
                    side=side,
                    synonyms=a.synonyms,
                    neighbours=_region_neighbours(a, side, by_area),
                    snomed=a.snomed,
                    path=_mirror_path(commands) if mirrored and path else path,
                    centre=(2 * _MIDLINE_X - cx, cy) if mirrored and path else (cx, cy),
                    anatomy=a.anatomy,
                )
            )
    return _Atlas(
        areas=tuple(areas),
        regions=tuple(regions),
        by_area=by_area,
        by_region={r.id: r for r in regions},
        outlines=outlines,
        names=names,
        display=display,
        groups=groups,
    )


GROUP_PREFIX = "group:"


def _groups(
    raw: object, names: dict[str, str], display: dict[str, str], by_area: Mapping[str, Area]
) -> dict[str, tuple[str, ...]]:
    """Umbrella words ("buttock", "knee") that name several areas at once."""
    if not isinstance(raw, list):
        raise _fail("group", "names", "[[group]] must be a list of tables")
    groups: dict[str, tuple[str, ...]] = {}
    for index, entry in enumerate(raw):
        record = f"group[{index}]"
        if not isinstance(entry, dict):
            raise _fail(record, "names", "must be a table")
        written_names = _strings(entry, record, "names")
        members = _strings(entry, record, "areas")
        if not written_names or len(members) < 2:
            raise _fail(record, "areas", "a group needs a name and at least two areas")
        for area_id in members:
            if area_id not in by_area:
                raise _fail(record, "areas", "names an unknown area", area_id)
        key = GROUP_PREFIX + normalise(written_names[0])
        groups[key] = members
        for written in written_names:
            name = normalise(written)
            if name in names:
                raise _fail(record, "names", f"{written!r} already names {names[name]}", written)
            names[name] = key
            display[name] = written
    return groups


def _region_neighbours(a: Area, side: Side, by_area: Mapping[str, Area]) -> tuple[str, ...]:
    ids: list[str] = []
    for other_id in a.neighbours:
        other = by_area[other_id]
        if not other.sided:
            ids.append(other.id)
        elif side is Side.MIDLINE:
            ids.extend((f"{other.id}_left", f"{other.id}_right"))
        else:
            ids.append(f"{other.id}_{side}")
    return tuple(ids)


def _name_index(areas: list[Area]) -> tuple[dict[str, str], dict[str, str]]:
    """Every way to name an area (id, label, synonyms), normalised, mapped to its area id."""
    names: dict[str, str] = {}
    display: dict[str, str] = {}
    for a in areas:
        for field, written in (
            ("id", a.id),
            ("label", a.label),
            *(("synonyms", s) for s in a.synonyms),
        ):
            key = normalise(written)
            if not key:
                raise _fail(a.id, field, "has no letters or digits", written)
            owner = names.get(key)
            if owner is not None and owner != a.id:
                raise _fail(a.id, field, f"{written!r} already names the area {owner}", written)
            if any(rest == "" for _, rest in _side_readings(key)):
                raise _fail(a.id, field, f"{written!r} is only a side word", written)
            names[key] = a.id
            display.setdefault(key, written)
    return names, display


# --- queries ---------------------------------------------------------------------------------


def outline(view: View) -> str:
    """SVG path data of the body's silhouette on one view."""
    return _atlas().outlines[View(view)]


def regions(view: View | None = None) -> tuple[Region, ...]:
    """All regions in a stable order (data-file order; left before right), optionally one view."""
    everything = _atlas().regions
    return everything if view is None else tuple(r for r in everything if r.view == view)


def region(region_id: str) -> Region:
    """The region with this id; raises DomainError naming the closest ids when unknown."""
    atlas = _atlas()
    try:
        return atlas.by_region[region_id]
    except KeyError:
        close = difflib.get_close_matches(region_id, list(atlas.by_region), n=3, cutoff=0)
        raise DomainError(
            f"unknown body region {region_id!r}", field="region", value=region_id, suggestions=close
        ) from None


def areas() -> tuple[Area, ...]:
    """All areas in data-file order."""
    return _atlas().areas


def area(area_id: str) -> Area:
    """The area with this id; raises DomainError naming the closest ids when unknown."""
    atlas = _atlas()
    try:
        return atlas.by_area[area_id]
    except KeyError:
        close = difflib.get_close_matches(area_id, list(atlas.by_area), n=3, cutoff=0)
        raise DomainError(
            f"unknown body area {area_id!r}", field="area", value=area_id, suggestions=close
        ) from None


def region_ids_for_area(area_id: str) -> tuple[str, ...]:
    """The region ids of an area: (left, right) when sided, (id,) on the midline."""
    a = area(area_id)
    return (f"{a.id}_left", f"{a.id}_right") if a.sided else (a.id,)


_SIDE_WORDS: Final[tuple[tuple[str, frozenset[Side]], ...]] = (
    ("left and right", frozenset({Side.LEFT, Side.RIGHT})),
    ("right and left", frozenset({Side.LEFT, Side.RIGHT})),
    ("bilaterally", frozenset({Side.LEFT, Side.RIGHT})),
    ("bilateral", frozenset({Side.LEFT, Side.RIGHT})),
    ("both", frozenset({Side.LEFT, Side.RIGHT})),
    ("left sided", frozenset({Side.LEFT})),
    ("left", frozenset({Side.LEFT})),
    ("lt", frozenset({Side.LEFT})),
    ("l", frozenset({Side.LEFT})),
    ("right sided", frozenset({Side.RIGHT})),
    ("right", frozenset({Side.RIGHT})),
    ("rt", frozenset({Side.RIGHT})),
    ("r", frozenset({Side.RIGHT})),
)


def _side_readings(key: str) -> list[tuple[frozenset[Side], str]]:
    """Every way to peel one side phrase off the start or the end of a normalised text."""
    readings: list[tuple[frozenset[Side], str]] = []
    for word, sides in _SIDE_WORDS:
        if key == word:
            readings.append((sides, ""))
        if key.startswith(word + " "):
            readings.append((sides, key[len(word) + 1 :]))
        if key.endswith(" " + word):
            readings.append((sides, key[: -len(word) - 1]))
    return readings


def _lookup(names: Mapping[str, str], key: str) -> str | None:
    for candidate in (key, key.removesuffix("s"), key + "s", key.removeprefix("the ")):
        if candidate in names:
            return names[candidate]
    return None


def _read(
    names: Mapping[str, str], key: str, sides: frozenset[Side], depth: int
) -> tuple[str, frozenset[Side]] | None:
    """(area id, side words seen) for a text, peeling up to ``depth`` side phrases."""
    area_id = _lookup(names, key) if key else None
    if area_id is not None:
        return area_id, sides
    if depth:
        for found, rest in _side_readings(key):
            result = _read(names, rest, sides | found, depth - 1)
            if result is not None:
                return result
    return None


def _closest_names(names: Mapping[str, str], key: str) -> list[str]:
    """Three names closest to a text: names containing it first, then by similarity."""
    containing = sorted((n for n in names if key and key in n), key=lambda n: (len(n), n))
    similar = difflib.get_close_matches(key, list(names), n=3, cutoff=0)
    return list(dict.fromkeys([*containing, *similar]))[:3]


def resolve_region(text: str) -> tuple[str, ...]:
    """Region ids named by free text, e.g. "inside of the right ankle" -> ("medial_ankle_right",).

    Accepts ids, labels and synonyms in any case, spacing and word order, with side words
    anywhere ("left", "R", "lt", "both", "bilateral", "left-sided"), noise words ("region",
    "area", "of the", "around"), plurals and equivalent qualifiers ("inner" = "medial").
    Without a side, a sided area gives both regions; a side word on a midline area is ignored.
    An umbrella word ("buttock", "knee") gives the regions of every area it covers. A phrase
    naming two areas equally well is refused with the choices; an unknown one with the
    anatomically closest areas as suggestions.
    """
    found = _resolution(text)
    if isinstance(found, tuple):
        return _region_ids(*found)
    if found:
        choices = sorted(_target_label(t) for t in found)
        raise AmbiguousRegion(
            f"ambiguous body region {text!r}: it could be {' or '.join(choices)}",
            field="region",
            value=text,
            suggestions=choices,
        )
    raise DomainError(
        f"unknown body region {text!r}",
        field="region",
        value=text,
        suggestions=suggest_regions(text),
    )


def find_region(text: str) -> tuple[str, ...] | None:
    """The region ids ``text`` names, as :func:`resolve_region` reads it, or ``None`` when it
    names no place or more than one (no suggestions are looked for: cheap enough to try every
    few words of a sentence)."""
    found = _resolution(text)
    return _region_ids(*found) if isinstance(found, tuple) else None


def _resolution(text: str) -> tuple[str, frozenset[Side]] | frozenset[str]:
    """(area or group, side words) when ``text`` names one place; else the places it could
    be (none, or several)."""
    key = normalise(text)
    found = _read(_atlas().names, key, frozenset(), depth=2) if key else None
    if found is not None:
        return found
    reading = region_language.read(key)
    targets = _most_specific(_word_index().match(reading.words))
    if len(targets) != 1:
        return frozenset(targets)
    return next(iter(targets)), frozenset(Side(s.value) for s in reading.sides)


def _region_ids(target: str, sides: frozenset[Side]) -> tuple[str, ...]:
    atlas = _atlas()
    chosen = sides or frozenset({Side.LEFT, Side.RIGHT})
    ids: list[str] = []
    for area_id in atlas.groups.get(target, (target,)):
        a = atlas.by_area[area_id]
        if not a.sided:
            ids.append(a.id)
        else:
            ids.extend(f"{a.id}_{s}" for s in (Side.LEFT, Side.RIGHT) if s in chosen)
    return tuple(ids)


def _most_specific(targets: frozenset[str]) -> frozenset[str]:
    """Drop umbrella groups that cover another target: "plantar foot" is the sole, not the foot.

    A group covers an area it lists, and a smaller group whose areas are all among its own.
    """
    groups = _atlas().groups
    areas = {t for t in targets if t not in groups}
    named = [set(groups[g]) for g in targets if g in groups]
    covering = {
        g
        for g in targets
        if g in groups
        and (areas & set(groups[g]) or any(other < set(groups[g]) for other in named))
    }
    return targets - covering


@functools.cache
def _word_index() -> region_language.WordIndex:
    atlas = _atlas()
    ids = frozenset(normalise(a.id) for a in atlas.areas)
    return region_language.WordIndex.build(atlas.names, weak=ids)


def _target_label(target: str) -> str:
    atlas = _atlas()
    if target.startswith(GROUP_PREFIX):
        return atlas.display[target.removeprefix(GROUP_PREFIX)]
    return atlas.by_area[target].label


def suggest_regions(text: str, limit: int = 3) -> list[str]:
    """Area names closest to an unknown phrase: areas sharing its words, then their neighbours.

    Misspelt words are first corrected to the closest word the atlas knows, so suggestions stay
    in the part of the body the phrase was about rather than anywhere with similar letters.
    """
    atlas = _atlas()
    index = _word_index()
    words = set(region_language.read(normalise(text)).words)
    vocabulary = index.vocabulary()
    for w in list(words):
        if w not in index.by_word:
            words.update(difflib.get_close_matches(w, vocabulary, n=2, cutoff=0.75))
    shared = index.sharing(words)
    ranked = sorted(shared, key=lambda t: (-shared[t], t))
    areas_first: list[str] = []
    for t in ranked:
        areas_first.extend(atlas.groups.get(t, (t,)) if t.startswith(GROUP_PREFIX) else (t,))
    near = [n for a in areas_first[:2] for n in atlas.by_area[a].neighbours]
    ordered = list(dict.fromkeys([*areas_first, *near]))
    if not ordered:
        key = normalise(text)
        return [atlas.display[c] for c in _closest_names(atlas.names, key)]
    return [atlas.by_area[a].label for a in ordered[:limit]]
