"""Posture from photo landmarks: angles, offsets, findings and muscle hypotheses.

Coordinates are image pixels with y pointing down, so "higher" means a smaller y.
"Left" and "right" are always the client's own sides: on a FRONT photo the client's
left is on the image's right; on a BACK photo it is on the image's left.

On a SIDE photo the direction the client faces (``facing``: the image side, "left" or
"right", the nose points to) is taken from the input when given; otherwise it is
inferred, first from ASIS in front of PSIS, then from the tragus in front of C7
(every craniovertebral angle in the studies has the ear forward of C7). Without
either pair the direction is unknown and plumb-line offsets carry no direction.

Every number is an estimate (CLINICAL.md §10): each measure carries ``CAVEAT``.
Thresholds at which a measure becomes a finding, and the muscles each finding points
to, are data: ``knowledge/data/posture.toml``.
"""

from __future__ import annotations

import difflib
import functools
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from typing import Any, Final

from myomap_core.errors import DomainError, KnowledgeBaseError

CAVEAT: Final = (
    "Estimates from a photograph: camera height and angle, clothing, landmark placement and "
    "how the client stands that day all move the result. Reliability differs by measure "
    "(PAS/SAPO: mean error about 0.11° for angles and 1.8 mm for distances). "
    "Compare within the same client under the same set-up."
)
CAVEAT_SOURCE: Final = "ferreira2010"

DUPLICATE_PX: Final = 2.0
"""Two landmarks closer than this (pixels) are taken as placed on the same spot [ours]."""

LEVEL_DEGREES: Final = 0.05
"""A tilt below this rounds to 0.0° and is reported as level."""

PLUMB_IN_LINE: Final = 0.5
"""An offset below this (mm or px) is reported as in line with the plumb line."""


class View(StrEnum):
    """Which way the camera looks at the client."""

    FRONT = "front"
    BACK = "back"
    SIDE = "side"


class Landmark(StrEnum):
    """A named point placed on a photo. ``_left``/``_right`` are the client's sides.

    On a side view only the visible side is seen: place ``asis``, ``psis`` and
    ``acromion`` (the ``_left``/``_right`` names are accepted there as the same point).
    """

    TRAGUS = "tragus"
    C7 = "c7"
    ACROMION_LEFT = "acromion_left"
    ACROMION_RIGHT = "acromion_right"
    ACROMION = "acromion"
    ASIS_LEFT = "asis_left"
    ASIS_RIGHT = "asis_right"
    ASIS = "asis"
    PSIS_LEFT = "psis_left"
    PSIS_RIGHT = "psis_right"
    PSIS = "psis"
    ILIAC_CREST_LEFT = "iliac_crest_left"
    ILIAC_CREST_RIGHT = "iliac_crest_right"
    GREATER_TROCHANTER = "greater_trochanter"
    LATERAL_KNEE = "lateral_knee"
    LATERAL_MALLEOLUS = "lateral_malleolus"

    @property
    def label(self) -> str:
        """Name shown next to the point."""
        return _LABELS[self]

    @property
    def views(self) -> tuple[View, ...]:
        """The photo views on which this landmark is placed."""
        return _VIEWS[self]


_LABELS: Final[Mapping[Landmark, str]] = {
    Landmark.TRAGUS: "Tragus of the ear",
    Landmark.C7: "C7 spinous process",
    Landmark.ACROMION_LEFT: "Acromion, left",
    Landmark.ACROMION_RIGHT: "Acromion, right",
    Landmark.ACROMION: "Acromion",
    Landmark.ASIS_LEFT: "ASIS, left",
    Landmark.ASIS_RIGHT: "ASIS, right",
    Landmark.ASIS: "ASIS",
    Landmark.PSIS_LEFT: "PSIS, left",
    Landmark.PSIS_RIGHT: "PSIS, right",
    Landmark.PSIS: "PSIS",
    Landmark.ILIAC_CREST_LEFT: "Iliac crest, left",
    Landmark.ILIAC_CREST_RIGHT: "Iliac crest, right",
    Landmark.GREATER_TROCHANTER: "Greater trochanter",
    Landmark.LATERAL_KNEE: "Lateral knee (joint line)",
    Landmark.LATERAL_MALLEOLUS: "Lateral malleolus",
}

_F, _B, _S = View.FRONT, View.BACK, View.SIDE
_VIEWS: Final[Mapping[Landmark, tuple[View, ...]]] = {
    Landmark.TRAGUS: (_S,),
    Landmark.C7: (_S, _B),
    Landmark.ACROMION_LEFT: (_F, _B),
    Landmark.ACROMION_RIGHT: (_F, _B),
    Landmark.ACROMION: (_S,),
    Landmark.ASIS_LEFT: (_F,),
    Landmark.ASIS_RIGHT: (_F,),
    Landmark.ASIS: (_S,),
    Landmark.PSIS_LEFT: (_B,),
    Landmark.PSIS_RIGHT: (_B,),
    Landmark.PSIS: (_S,),
    Landmark.ILIAC_CREST_LEFT: (_F, _B),
    Landmark.ILIAC_CREST_RIGHT: (_F, _B),
    Landmark.GREATER_TROCHANTER: (_S,),
    Landmark.LATERAL_KNEE: (_S,),
    Landmark.LATERAL_MALLEOLUS: (_S,),
}

_SIDE_ALIASES: Final[Mapping[str, tuple[str, ...]]] = {
    "acromion": ("acromion", "acromion_left", "acromion_right"),
    "asis": ("asis", "asis_left", "asis_right"),
    "psis": ("psis", "psis_left", "psis_right"),
}
"""On a side view the visible side's point may be given under any of these names."""

Point = tuple[float, float]


def landmarks_for(view: View) -> tuple[Landmark, ...]:
    """The landmarks to offer for placing on a photo of this view."""
    return tuple(m for m in Landmark if view in m.views)


# --------------------------------------------------------------------------- input


def _field_error(message: str, field_name: str, value: object = None) -> DomainError:
    return DomainError(message, field=field_name, value=value)


def _number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


@dataclass(frozen=True, slots=True)
class PostureInput:
    """One photo's landmarks. Coordinates are pixels, y down; sides are the client's.

    ``facing`` (side view only): the image side the client faces, "left" or "right";
    inferred when omitted (see the module docstring).
    """

    view: View
    landmarks: Mapping[str, tuple[float, float]]
    scale_mm_per_px: float | None = None
    image_size: tuple[int, int] | None = None
    facing: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.view, View):
            raise DomainError(
                "must be front, back or side",
                field="view",
                value=self.view,
                suggestions=[v.value for v in View],
            )
        names = [m.value for m in Landmark]
        for key, point in self.landmarks.items():
            if key not in names:
                raise DomainError(
                    f"unknown landmark {key!r}",
                    field=f"landmarks.{key}",
                    value=key,
                    suggestions=difflib.get_close_matches(str(key), names, n=3, cutoff=0.0),
                )
            if (
                not isinstance(point, tuple | list)
                or len(point) != 2
                or not all(_number(c) for c in point)
            ):
                raise _field_error(
                    "must be a pair of finite numbers [x, y]", f"landmarks.{key}", point
                )
        # Stored as an own dict of float pairs, so lists from JSON work and later changes
        # to the caller's mapping do not reach this frozen record.
        object.__setattr__(
            self,
            "landmarks",
            {key: (float(p[0]), float(p[1])) for key, p in self.landmarks.items()},
        )
        if self.scale_mm_per_px is not None and (
            not _number(self.scale_mm_per_px) or self.scale_mm_per_px <= 0
        ):
            raise _field_error(
                "must be a positive number of millimetres per pixel",
                "scale_mm_per_px",
                self.scale_mm_per_px,
            )
        if self.image_size is not None and (
            not isinstance(self.image_size, tuple)
            or len(self.image_size) != 2
            or not all(
                isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in self.image_size
            )
        ):
            raise _field_error(
                "must be [width, height] in whole pixels above 0", "image_size", self.image_size
            )
        if self.facing is not None:
            if self.facing not in ("left", "right"):
                raise _field_error("must be left or right", "facing", self.facing)
            if self.view is not View.SIDE:
                raise _field_error("only applies to a side view", "facing", self.facing)


def parse_posture_input(data: Mapping[str, object]) -> PostureInput:
    """A ``PostureInput`` from the JSON the CLI reads; ``DomainError`` names the bad field.

    Keys: ``view``, ``landmarks`` (name -> [x, y]), optional ``scale_mm_per_px``,
    ``image_size`` ([width, height]) and ``facing`` (side view).
    """
    if not isinstance(data, Mapping):
        raise _field_error("must be a JSON object", "(top level)", data)
    known = ("view", "landmarks", "scale_mm_per_px", "image_size", "facing")
    for key in data:
        if key not in known:
            raise DomainError(
                f"unknown field {key!r}",
                field=str(key),
                value=key,
                suggestions=difflib.get_close_matches(str(key), known, n=3, cutoff=0.0),
            )
    raw_view = data.get("view")
    if raw_view is None:
        raise _field_error("missing; one of front, back, side", "view")
    try:
        view = View(str(raw_view)) if isinstance(raw_view, str) else None
    except ValueError:
        view = None
    if view is None:
        raise DomainError(
            "must be front, back or side",
            field="view",
            value=raw_view,
            suggestions=difflib.get_close_matches(
                str(raw_view), [v.value for v in View], n=3, cutoff=0.0
            ),
        )
    raw_landmarks = data.get("landmarks", {})
    if not isinstance(raw_landmarks, Mapping):
        raise _field_error("must be an object of name: [x, y]", "landmarks", raw_landmarks)
    landmarks: dict[str, tuple[float, float]] = {}
    for key, point in raw_landmarks.items():
        if not isinstance(point, list | tuple) or len(point) != 2 or not all(map(_number, point)):
            raise _field_error("must be a pair of finite numbers [x, y]", f"landmarks.{key}", point)
        landmarks[str(key)] = (float(point[0]), float(point[1]))
    scale = data.get("scale_mm_per_px")
    if scale is not None and not _number(scale):
        raise _field_error("must be a positive number", "scale_mm_per_px", scale)
    size = data.get("image_size")
    image_size: tuple[int, int] | None = None
    if size is not None:
        if not isinstance(size, list | tuple) or len(size) != 2:
            raise _field_error("must be [width, height]", "image_size", size)
        image_size = (size[0], size[1])
    facing = data.get("facing")
    if facing is not None and not isinstance(facing, str):
        raise _field_error("must be left or right", "facing", facing)
    return PostureInput(
        view=view,
        landmarks=landmarks,
        scale_mm_per_px=None if scale is None else float(scale),  # type: ignore[arg-type]
        image_size=image_size,
        facing=facing,
    )


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure from one photo; ``value`` is None when it cannot be measured."""

    id: str
    label: str
    value: float | None
    unit: str
    direction: str | None
    reference: str
    interpretation: str
    caveat: str
    needs: tuple[str, ...]
    measurable: bool
    source: str
    segment: tuple[str, str] | None


@dataclass(frozen=True, slots=True)
class PostureWarning:
    """Something wrong with the landmarks: ``outside_image``, ``duplicate_position``,
    ``implausible_order``, ``not_used_in_view``, ``degenerate_line``, ``implausible_value``."""

    code: str
    message: str
    landmarks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MuscleHypothesis:
    """A muscle a posture finding points to, on which side, in which state and why."""

    muscle_id: str
    side: str | None
    state: str
    reason: str
    source: str


@dataclass(frozen=True, slots=True)
class PostureFinding:
    """A measure past its threshold, in words, with the muscles it points to.

    ``marked``: past the second, larger threshold. ``source``: where the threshold
    comes from. ``notes``: further checks to make.
    """

    measure_id: str
    text: str
    hypotheses: tuple[MuscleHypothesis, ...]
    finding_id: str = ""
    marked: bool = False
    source: str = ""
    notes: tuple[str, ...] = ()
    side: str | None = None


@dataclass(frozen=True, slots=True)
class PostureAnalysis:
    """Everything computed from one photo."""

    view: View
    measures: tuple[Measure, ...]
    warnings: tuple[PostureWarning, ...]
    findings: tuple[PostureFinding, ...]
    facing: str | None = None
    facing_inferred: bool = False
    scale_mm_per_px: float | None = None

    def measure(self, measure_id: str) -> Measure:
        """The measure with this id; ``DomainError`` if this view has none such."""
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise DomainError(
            f"no measure {measure_id!r} on a {self.view.value} view",
            field="measure",
            value=measure_id,
            suggestions=[m.id for m in self.measures],
        )


# --------------------------------------------------------------------------- references

REF_CVA: Final = (
    "Neck pain 44° ± 4 vs pain-free 51° ± 2 (Yip 2008); smaller means a more forward head. "
    "The cut-off near 50° is only weakly validated."
)
REF_TILT: Final = (
    "No validated normal range. Report the degrees (and millimetres with a scale marker) "
    "and follow the change within the client."
)
REF_APT: Final = (
    "Typically 13° ± 5° anterior (ASIS lower than PSIS); bone shape alone can make the two "
    "sides differ by up to 11° (Preece 2008)."
)
REF_PLUMB: Final = (
    "Ideal alignment (Kendall): the line falls through the ear, the acromion, near the greater "
    "trochanter, slightly in front of the knee axis and slightly in front of the lateral "
    "malleolus. No validated millimetre norms."
)

_PLUMB_POINTS: Final = (
    ("tragus", "Ear (tragus)"),
    ("acromion", "Shoulder (acromion)"),
    ("greater_trochanter", "Hip (greater trochanter)"),
    ("lateral_knee", "Knee (lateral joint line)"),
)


# --------------------------------------------------------------------------- geometry


def _side_high(left: Point, right: Point) -> tuple[float, str]:
    """Degrees of the left-right line to the horizontal and which side is high."""
    dx = abs(left[0] - right[0])
    dy = left[1] - right[1]
    angle = math.degrees(math.atan2(abs(dy), dx))
    if angle < LEVEL_DEGREES:
        return 0.0, "level"
    return angle, "left high" if dy < 0 else "right high"


def _high_side(direction: str | None) -> str | None:
    if direction in ("left high", "right high"):
        return direction.split()[0]
    return None


def _not_measurable(
    measure_id: str, label: str, unit: str, reference: str, needs: tuple[str, ...], source: str
) -> Measure:
    return Measure(
        id=measure_id,
        label=label,
        value=None,
        unit=unit,
        direction=None,
        reference=reference,
        interpretation="Not measurable: place " + ", ".join(needs) + ".",
        caveat=CAVEAT,
        needs=needs,
        measurable=False,
        source=source,
        segment=None,
    )


class _Analyser:
    def __init__(self, data: PostureInput) -> None:
        self.data = data
        self.points: dict[str, Point] = {k: (v[0], v[1]) for k, v in data.landmarks.items()}
        self.warnings: list[PostureWarning] = []
        self.facing: str | None = data.facing
        self.facing_inferred = False

    def warn(self, code: str, message: str, *landmarks: str) -> None:
        self.warnings.append(PostureWarning(code, message, tuple(landmarks)))

    # ---- checks

    def check(self) -> None:
        view = self.data.view
        for key in self.points:
            landmark = Landmark(key)
            used_on_side = view is View.SIDE and any(
                key in names for names in _SIDE_ALIASES.values()
            )
            if view not in landmark.views and not used_on_side:
                where = ", ".join(v.value for v in landmark.views)
                self.warn(
                    "not_used_in_view",
                    f"{landmark.label} is not used on a {view.value} view (placed on: {where}).",
                    key,
                )
        self._check_outside()
        self._check_duplicates()
        if view is View.SIDE:
            self._check_side_order()
        else:
            self._check_sides()
            self._check_vertical(
                [
                    ("acromion_left", "iliac_crest_left"),
                    ("acromion_right", "iliac_crest_right"),
                    ("acromion_left", "asis_left"),
                    ("acromion_right", "asis_right"),
                    ("acromion_left", "psis_left"),
                    ("acromion_right", "psis_right"),
                    ("iliac_crest_left", "asis_left"),
                    ("iliac_crest_right", "asis_right"),
                    ("iliac_crest_left", "psis_left"),
                    ("iliac_crest_right", "psis_right"),
                ]
            )

    def _check_outside(self) -> None:
        size = self.data.image_size
        for key, (x, y) in self.points.items():
            outside = x < 0 or y < 0
            if size is not None:
                outside = outside or x > size[0] or y > size[1]
            if outside:
                where = f" ({size[0]} × {size[1]} px)" if size else ""
                self.warn(
                    "outside_image",
                    f"{Landmark(key).label} at ({x:g}, {y:g}) lies outside the image{where}.",
                    key,
                )

    def _check_duplicates(self) -> None:
        keys = list(self.points)
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                if math.dist(self.points[a], self.points[b]) < DUPLICATE_PX:
                    self.warn(
                        "duplicate_position",
                        f"{Landmark(a).label} and {Landmark(b).label} are on the same spot.",
                        a,
                        b,
                    )

    def _check_sides(self) -> None:
        front = self.data.view is View.FRONT
        for base in ("acromion", "asis", "psis", "iliac_crest"):
            left, right = self.points.get(f"{base}_left"), self.points.get(f"{base}_right")
            if left is None or right is None:
                continue
            # Front photo: the client's left is on the image's right (larger x).
            wrong = left[0] <= right[0] if front else left[0] >= right[0]
            if wrong:
                expected = "right" if front else "left"
                self.warn(
                    "implausible_order",
                    f"On a {self.data.view.value} view the client's left "
                    f"{Landmark(base + '_left').label.split(',')[0]} should be on the image's "
                    f"{expected}; check that left and right are not swapped.",
                    f"{base}_left",
                    f"{base}_right",
                )

    def _check_vertical(self, pairs: list[tuple[str, str]]) -> None:
        for upper, lower in pairs:
            a, b = self.points.get(upper), self.points.get(lower)
            if a is not None and b is not None and a[1] >= b[1]:
                self.warn(
                    "implausible_order",
                    f"{Landmark(upper).label} should be above {Landmark(lower).label}.",
                    upper,
                    lower,
                )

    def _check_side_order(self) -> None:
        for base, names in _SIDE_ALIASES.items():
            present = [n for n in names if n in self.points]
            if len(present) > 1:
                self.warn(
                    "implausible_order",
                    f"A side view shows one {base}; {', '.join(present)} were all placed. "
                    f"Using {present[0]}.",
                    *present,
                )
        order = [
            ("tragus", "c7"),
            ("tragus", "acromion"),
            ("acromion", "asis"),
            ("acromion", "psis"),
            ("asis", "greater_trochanter"),
            ("greater_trochanter", "lateral_knee"),
            ("lateral_knee", "lateral_malleolus"),
        ]
        for upper, lower in order:
            a, b = self.side_point(upper), self.side_point(lower)
            if a is not None and b is not None and a[1][1] >= b[1][1]:
                self.warn(
                    "implausible_order",
                    f"{Landmark(a[0]).label} should be above {Landmark(b[0]).label}.",
                    a[0],
                    b[0],
                )
        asis, psis = self.side_point("asis"), self.side_point("psis")
        pelvis_facing = None
        if asis and psis and asis[1][0] != psis[1][0]:
            pelvis_facing = "right" if asis[1][0] > psis[1][0] else "left"
        if self.facing is None:
            tragus, c7 = self.points.get("tragus"), self.points.get("c7")
            if pelvis_facing is not None:
                self.facing, self.facing_inferred = pelvis_facing, True
            elif tragus and c7 and tragus[0] != c7[0]:
                self.facing, self.facing_inferred = ("right" if tragus[0] > c7[0] else "left"), True
        elif pelvis_facing is not None and pelvis_facing != self.facing:
            assert asis is not None and psis is not None
            self.warn(
                "implausible_order",
                f"The client faces {self.facing}, so the ASIS should lie {self.facing} of the "
                "PSIS; check the points or the facing.",
                asis[0],
                psis[0],
            )

    def side_point(self, name: str) -> tuple[str, Point] | None:
        """The point for ``name`` on a side view, accepting the visible side's aliases."""
        for key in _SIDE_ALIASES.get(name, (name,)):
            if key in self.points:
                return key, self.points[key]
        return None

    # ---- measures

    def measures(self) -> list[Measure]:
        if self.data.view is View.SIDE:
            result = [self._cva(), self._apt()]
            result += [self._plumb(name, label) for name, label in _PLUMB_POINTS]
            return result
        return self._pair_measures(
            "shoulder", "Shoulder tilt", [("acromion", "acromion")]
        ) + self._pair_measures(
            "pelvic",
            "Pelvic obliquity",
            [("asis", "ASIS"), ("iliac_crest", "iliac crest")]
            if self.data.view is View.FRONT
            else [("iliac_crest", "iliac crest"), ("psis", "PSIS")],
        )

    def _pair_measures(
        self, prefix: str, label: str, options: list[tuple[str, str]]
    ) -> list[Measure]:
        tilt_id = "shoulder_tilt" if prefix == "shoulder" else "pelvic_obliquity"
        height_id = f"{prefix}_height_difference"
        unit = "mm" if self.data.scale_mm_per_px else "px"
        height_label = (
            "Shoulder height difference" if prefix == "shoulder" else "Pelvic height difference"
        )
        chosen = next(
            (
                (base, part)
                for base, part in options
                if f"{base}_left" in self.points and f"{base}_right" in self.points
            ),
            None,
        )
        if chosen is None:
            base = options[0][0]
            needs = (f"{base}_left", f"{base}_right")
            return [
                _not_measurable(tilt_id, label, "°", REF_TILT, needs, "ours"),
                _not_measurable(height_id, height_label, unit, REF_TILT, needs, "ours"),
            ]
        base, part = chosen
        left_key, right_key = f"{base}_left", f"{base}_right"
        left, right = self.points[left_key], self.points[right_key]
        needs = (left_key, right_key)
        if abs(left[0] - right[0]) < 1e-9:
            self.warn(
                "degenerate_line",
                f"The two {part} points lie on one vertical line; the tilt cannot be measured.",
                *needs,
            )
            return [
                _not_measurable(tilt_id, label, "°", REF_TILT, needs, "ours"),
                _not_measurable(height_id, height_label, unit, REF_TILT, needs, "ours"),
            ]
        angle, direction = _side_high(left, right)
        if angle > 20:
            self.warn(
                "implausible_value",
                f"{label} of {angle:.1f}° is far beyond what standing posture shows; "
                "check the points.",
                *needs,
            )
        high = _high_side(direction)
        interpretation = (
            f"The {part} line is level."
            if high is None
            else f"The client's {high} {part} sits higher; {angle:.1f}° to the horizontal."
        )
        tilt = Measure(
            id=tilt_id,
            label=f"{label} ({part})",
            value=round(angle, 1),
            unit="°",
            direction=direction,
            reference=REF_TILT,
            interpretation=interpretation,
            caveat=CAVEAT,
            needs=needs,
            measurable=True,
            source="ours",
            segment=(left_key, right_key),
        )
        dy = abs(left[1] - right[1])
        scale = self.data.scale_mm_per_px
        height_value = dy * scale if scale else dy
        height = Measure(
            id=height_id,
            label=f"{height_label} ({part})",
            value=round(height_value, 1),
            unit=unit,
            direction=direction,
            reference=REF_TILT,
            interpretation=(
                f"Left and right {part} differ in height by {height_value:.1f} {unit}"
                + ("." if scale else "; add a scale marker for millimetres.")
            ),
            caveat=CAVEAT,
            needs=needs,
            measurable=True,
            source="ours",
            segment=(left_key, right_key),
        )
        return [tilt, height]

    def _cva(self) -> Measure:
        label = "Craniovertebral angle"
        needs = ("tragus", "c7")
        tragus, c7 = self.points.get("tragus"), self.points.get("c7")
        if tragus is None or c7 is None or self.facing is None:
            return _not_measurable("craniovertebral_angle", label, "°", REF_CVA, needs, "yip2008")
        sign = 1.0 if self.facing == "right" else -1.0
        forward = (tragus[0] - c7[0]) * sign
        up = c7[1] - tragus[1]
        angle = math.degrees(math.atan2(up, forward))
        if not 0 < angle < 90:
            self.warn(
                "implausible_value",
                f"A craniovertebral angle of {angle:.1f}° puts the ear behind or below C7; "
                "check the points and the facing.",
                *needs,
            )
        if angle < 44:
            words = "below the neck-pain group mean (44°): a clearly forward head."
            direction = "forward"
        elif angle < 50:
            words = "below the ~50° cut-off: a forward head (weakly validated cut-off)."
            direction = "forward"
        else:
            words = "at or above the ~50° cut-off: no forward head by this measure."
            direction = "upright"
        return Measure(
            id="craniovertebral_angle",
            label=label,
            value=round(angle, 1),
            unit="°",
            direction=direction,
            reference=REF_CVA,
            interpretation=f"{angle:.1f}°, {words}",
            caveat=CAVEAT,
            needs=needs,
            measurable=True,
            source="yip2008",
            segment=("c7", "tragus"),
        )

    def _apt(self) -> Measure:
        label = "Anterior pelvic tilt"
        asis, psis = self.side_point("asis"), self.side_point("psis")
        if asis is None or psis is None:
            return _not_measurable(
                "anterior_pelvic_tilt", label, "°", REF_APT, ("asis", "psis"), "preece2008"
            )
        (a_key, a), (p_key, p) = asis, psis
        if abs(a[0] - p[0]) < 1e-9:
            self.warn(
                "degenerate_line",
                "ASIS and PSIS lie on one vertical line; the tilt cannot be measured.",
                a_key,
                p_key,
            )
            return _not_measurable(
                "anterior_pelvic_tilt", label, "°", REF_APT, (a_key, p_key), "preece2008"
            )
        # Positive when the ASIS is lower (larger y) than the PSIS: anterior tilt.
        angle = math.degrees(math.atan2(a[1] - p[1], abs(a[0] - p[0])))
        if angle > 0.05:
            direction = "anterior"
        elif angle < -0.05:
            direction = "posterior"
        else:
            direction = "neutral"
        if angle > 18:
            words = "more anterior tilt than typical (13° ± 5°)."
        elif angle < 8:
            words = "less anterior tilt than typical (13° ± 5°)."
        else:
            words = "within the typical range (13° ± 5°)."
        return Measure(
            id="anterior_pelvic_tilt",
            label=label,
            value=round(angle, 1),
            unit="°",
            direction=direction,
            reference=REF_APT,
            interpretation=f"{angle:.1f}° ({direction}), {words} Bone shape alone varies this.",
            caveat=CAVEAT,
            needs=(a_key, p_key),
            measurable=True,
            source="preece2008",
            segment=(p_key, a_key),
        )

    def _plumb(self, name: str, label: str) -> Measure:
        measure_id = f"plumb_line_{name}"
        full_label = f"Plumb line: {label}"
        scale = self.data.scale_mm_per_px
        unit = "mm" if scale else "px"
        point = self.side_point(name)
        ankle = self.points.get("lateral_malleolus")
        if point is None or ankle is None:
            needs = (name, "lateral_malleolus")
            return _not_measurable(measure_id, full_label, unit, REF_PLUMB, needs, "kendall5")
        key, p = point
        offset = (p[0] - ankle[0]) * (scale or 1.0)
        if self.facing is None:
            value = abs(offset)
            direction = None
            words = (
                f"{value:.1f} {unit} from the vertical through the lateral malleolus; the "
                "direction is unknown (give facing, or place ASIS and PSIS)."
            )
        else:
            value = offset if self.facing == "right" else -offset
            if abs(value) < PLUMB_IN_LINE:
                direction = "in line"
            else:
                direction = "anterior" if value > 0 else "posterior"
            words = (
                f"{abs(value):.1f} {unit} {direction} of the vertical through the lateral malleolus"
                if direction != "in line"
                else "On the vertical through the lateral malleolus"
            )
            words += "." if scale else "; add a scale marker for millimetres."
        return Measure(
            id=measure_id,
            label=full_label,
            value=round(value, 1),
            unit=unit,
            direction=direction,
            reference=REF_PLUMB,
            interpretation=words,
            caveat=CAVEAT,
            needs=(key, "lateral_malleolus"),
            measurable=True,
            source="kendall5",
            segment=("lateral_malleolus", key),
        )


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True, slots=True)
class FindingRule:
    """One row of ``posture.toml``: when a measure becomes a finding, and its muscles."""

    id: str
    measure: str
    when: str
    threshold: float
    marked: float
    text: str
    source: str
    note: str
    unit: str | None = None
    notes: tuple[str, ...] = ()
    hypotheses: tuple[tuple[str, str, str, str, str], ...] = field(default=())
    """(muscle id, side: high | low | none, state, reason, source)."""

    def applies(self, measure: Measure) -> tuple[bool, bool]:
        """Whether the measure is a finding, and whether it is marked."""
        if measure.id != self.measure or measure.value is None:
            return False, False
        if self.unit is not None and measure.unit != self.unit:
            return False, False
        value = measure.value
        if self.when == "at_least":
            return abs(value) >= self.threshold, abs(value) >= self.marked
        if self.when == "above":
            return value > self.threshold, value > self.marked
        return value < self.threshold, value < self.marked


MEASURE_IDS: Final = frozenset(
    {
        "craniovertebral_angle",
        "shoulder_tilt",
        "shoulder_height_difference",
        "pelvic_obliquity",
        "pelvic_height_difference",
        "anterior_pelvic_tilt",
    }
    | {f"plumb_line_{name}" for name, _ in _PLUMB_POINTS}
)
_STATES: Final = ("short/tight", "weak/long", "overactive")


@functools.cache
def finding_rules() -> tuple[FindingRule, ...]:
    """The rules of ``posture.toml``, checked against the knowledge base."""
    from myomap_core.knowledge import load_knowledge_base

    kb = load_knowledge_base()
    file = resources.files("myomap_core.knowledge").joinpath("data", "posture.toml")
    with file.open("rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    rules: list[FindingRule] = []
    for i, raw in enumerate(data.get("finding", [])):
        where = f"posture.toml: finding[{i}]"

        def fail(key: str, message: str, value: object, where: str = where) -> KnowledgeBaseError:
            return KnowledgeBaseError(message, field=f"{where}.{key}", value=value)

        if raw.get("measure") not in MEASURE_IDS:
            raise fail("measure", "unknown measure", raw.get("measure"))
        if raw.get("when") not in ("at_least", "above", "below"):
            raise fail("when", "must be at_least, above or below", raw.get("when"))
        if raw.get("source") not in kb.sources:
            raise fail("source", "unknown source", raw.get("source"))
        hypotheses = []
        for j, h in enumerate(raw.get("hypothesis", [])):
            if h.get("muscle") not in {m.id for m in kb.muscles}:
                raise fail(f"hypothesis[{j}].muscle", "unknown muscle", h.get("muscle"))
            if h.get("side") not in ("high", "low", "none"):
                raise fail(f"hypothesis[{j}].side", "must be high, low or none", h.get("side"))
            if h.get("state") not in _STATES:
                raise fail(f"hypothesis[{j}].state", "unknown state", h.get("state"))
            if h.get("source") not in kb.sources:
                raise fail(f"hypothesis[{j}].source", "unknown source", h.get("source"))
            if not str(h.get("reason", "")).strip():
                raise fail(f"hypothesis[{j}].reason", "missing reason", h.get("reason"))
            hypotheses.append((h["muscle"], h["side"], h["state"], h["reason"], h["source"]))
        try:
            rules.append(
                FindingRule(
                    id=str(raw["id"]),
                    measure=raw["measure"],
                    when=raw["when"],
                    threshold=float(raw["threshold"]),
                    marked=float(raw["marked"]),
                    text=str(raw["text"]),
                    source=raw["source"],
                    note=str(raw["note"]),
                    unit=raw.get("unit"),
                    notes=tuple(raw.get("notes", ())),
                    hypotheses=tuple(hypotheses),
                )
            )
        except KeyError as missing:
            raise fail(str(missing.args[0]), "missing key", None) from None
    return tuple(rules)


_HEIGHT_OF: Final = {
    "shoulder_tilt": "shoulder_height_difference",
    "pelvic_obliquity": "pelvic_height_difference",
}


def _format_value(value: float, unit: str) -> str:
    if unit == "°":
        return f"{value:.1f}°"
    return f"{abs(value):.0f} {unit}"


def findings_for(
    measures: tuple[Measure, ...] | list[Measure],
) -> tuple[PostureFinding, ...]:
    """The findings these measures make, each with its muscle hypotheses."""
    by_id = {m.id: m for m in measures}
    result: list[PostureFinding] = []
    for rule in finding_rules():
        measure = by_id.get(rule.measure)
        if measure is None or measure.value is None:
            continue
        found, marked = rule.applies(measure)
        if not found:
            continue
        high = _high_side(measure.direction)
        low = {"left": "right", "right": "left"}.get(high or "")
        part = measure.label.split("(")[-1].rstrip(")") if "(" in measure.label else ""
        value_text = _format_value(measure.value, measure.unit)
        height = by_id.get(_HEIGHT_OF.get(measure.id, ""))
        if height is not None and height.value is not None and height.unit == "mm":
            value_text += f" ({height.value:.0f} mm)"
        text = rule.text.format(
            Side=(high or "").capitalize(), side=high or "", part=part, value=value_text
        )
        hypotheses = tuple(
            MuscleHypothesis(
                muscle_id=muscle,
                side=high if side == "high" else low if side == "low" else None,
                state=state,
                reason=reason,
                source=source,
            )
            for muscle, side, state, reason, source in rule.hypotheses
        )
        result.append(
            PostureFinding(
                measure_id=measure.id,
                text=text,
                hypotheses=hypotheses,
                finding_id=rule.id,
                marked=marked,
                source=rule.source,
                notes=rule.notes,
                side=high,
            )
        )
    return tuple(result)


# --------------------------------------------------------------------------- entry points


def analyse(data: PostureInput) -> PostureAnalysis:
    """Measures, warnings, findings and muscle hypotheses for one photo's landmarks."""
    analyser = _Analyser(data)
    analyser.check()
    measures = tuple(analyser.measures())
    return PostureAnalysis(
        view=data.view,
        measures=measures,
        warnings=tuple(analyser.warnings),
        findings=findings_for(measures),
        facing=analyser.facing,
        facing_inferred=analyser.facing_inferred,
        scale_mm_per_px=data.scale_mm_per_px,
    )


def analysis_json(a: PostureAnalysis) -> dict[str, object]:
    """The analysis as plain JSON values (the shape ``myomap posture --json`` prints)."""
    from myomap_core.knowledge import load_knowledge_base

    kb = load_knowledge_base()
    return {
        "view": a.view.value,
        "facing": a.facing,
        "facing_inferred": a.facing_inferred,
        "scale_mm_per_px": a.scale_mm_per_px,
        "caveat": CAVEAT,
        "measures": [
            {
                "id": m.id,
                "label": m.label,
                "value": m.value,
                "unit": m.unit,
                "direction": m.direction,
                "reference": m.reference,
                "interpretation": m.interpretation,
                "caveat": m.caveat,
                "needs": list(m.needs),
                "measurable": m.measurable,
                "source": m.source,
                "segment": None if m.segment is None else list(m.segment),
            }
            for m in a.measures
        ],
        "warnings": [
            {"code": w.code, "message": w.message, "landmarks": list(w.landmarks)}
            for w in a.warnings
        ],
        "findings": [
            {
                "id": f.finding_id,
                "measure_id": f.measure_id,
                "text": f.text,
                "side": f.side,
                "marked": f.marked,
                "source": f.source,
                "notes": list(f.notes),
                "hypotheses": [
                    {
                        "muscle_id": h.muscle_id,
                        "muscle": kb.muscle(h.muscle_id).name,
                        "side": h.side,
                        "state": h.state,
                        "reason": h.reason,
                        "source": h.source,
                    }
                    for h in f.hypotheses
                ],
            }
            for f in a.findings
        ],
    }
