"""Where a line chart's value labels go so that none overlaps another label or a marker.

Each label tries, in order, a few places around its point (above, below, then further out,
then beside it) and takes the first one clear of every marker and of the labels placed
before it. A label with no clear place is left out rather than drawn over another: its
marker's tooltip still names the value (and the report's tables state every score).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CHAR_W = 6.4
"""The width of one character of a 10 px bold label, generously."""
LABEL_H = 11.0
MARKER_R = 5.5


@dataclass(frozen=True, slots=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def meets(self, other: Box) -> bool:
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )


@dataclass(frozen=True, slots=True)
class Placed:
    """A label's baseline position and anchor; ``None`` from :func:`place` means left out."""

    x: float
    y: float
    anchor: str
    box: Box


OFFSETS = ((0.0, -9.0), (0.0, 18.0), (0.0, -20.0), (0.0, 29.0), (9.0, 4.0), (-9.0, 4.0))
"""(dx, dy) from the point to the label's baseline; a non-zero dx sets the label beside it."""


def label_box(x: float, y: float, text: str, anchor: str) -> Box:
    """The box a label with its baseline at ``(x, y)`` covers."""
    width = len(text) * CHAR_W + 2
    x0 = {"start": x, "end": x - width}.get(anchor, x - width / 2)
    return Box(x0, y - LABEL_H + 2, x0 + width, y + 2)


def marker_box(x: float, y: float) -> Box:
    return Box(x - MARKER_R, y - MARKER_R, x + MARKER_R, y + MARKER_R)


def place(
    points: Sequence[tuple[float, float, str]], *, top: float, bottom: float
) -> list[Placed | None]:
    """Positions for the labels of ``points`` ((x, y, text), in drawing order), kept between
    ``top`` and ``bottom``."""
    markers = [marker_box(x, y) for x, y, _ in points]
    placed: list[Placed | None] = []
    taken: list[Box] = []
    for x, y, text in points:
        options = []
        for dx, dy in OFFSETS:
            anchor = "start" if dx > 0 else "end" if dx < 0 else "middle"
            box = label_box(x + dx, y + dy, text, anchor)
            if box.y0 >= top - 4 and box.y1 <= bottom:
                options.append(Placed(x + dx, y + dy, anchor, box))
        clear = next(
            (
                o
                for o in options
                if not any(o.box.meets(m) for m in markers)
                and not any(o.box.meets(b) for b in taken)
            ),
            None,
        )
        if clear is None:
            placed.append(None)
            continue
        taken.append(clear.box)
        placed.append(clear)
    return placed
