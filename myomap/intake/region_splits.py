"""Atlas regions split into finer ones, for the data migrations that move stored marks.

Frozen history: each entry records one split as it happened, so a migration reads the same
mapping whenever it runs. A later split adds an entry; none is edited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# The sole of the foot became the arch and the ball of the foot (the heel pad was already the
# heel's own area); the front and the back of the forearm each became a thumb (radial) and a
# little-finger (ulnar) side.
_PIECES: Mapping[str, tuple[str, ...]] = {
    "sole": ("arch", "ball_of_foot"),
    "anterior_forearm": ("anterior_forearm_radial", "anterior_forearm_ulnar"),
    "posterior_forearm": ("posterior_forearm_radial", "posterior_forearm_ulnar"),
}
SPLITS: Mapping[str, tuple[str, ...]] = {
    f"{old}_{side}": tuple(f"{piece}_{side}" for piece in pieces)
    for old, pieces in _PIECES.items()
    for side in ("left", "right")
}


def merged_into() -> dict[str, str]:
    """Each finer region id mapped back to the coarser id it came from."""
    return {piece: old for old, pieces in SPLITS.items() for piece in pieces}


def split_ids(region_ids: Iterable[str]) -> list[str]:
    """Region ids with each split id replaced by its pieces, order kept, no repeats."""
    out: list[str] = []
    for rid in region_ids:
        out.extend(SPLITS.get(rid, (rid,)))
    return list(dict.fromkeys(out))


def merge_ids(region_ids: Iterable[str]) -> list[str]:
    """The reverse of ``split_ids``: pieces go back to the coarser id, order kept, no repeats."""
    back = merged_into()
    return list(dict.fromkeys(back.get(rid, rid) for rid in region_ids))
