"""Numeric Pain Rating Scale (0-10): one whole number, lower is better (CLINICAL.md §1)."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from myomap_core.codes import LOINC, Coding
from myomap_core.outcomes.records import (
    Direction,
    IncompleteError,
    Instrument,
    InstrumentId,
    Score,
    check_keys,
    load_wording,
    whole_answer,
)

ITEM = "pain"
IMPORTANT_POINTS = 2
IMPORTANT_PERCENT = 30
IMMPACT_LEVELS = ((50, "substantial"), (30, "moderate"), (10, "minimal"))
"""IMMPACT (Dworkin 2008): a drop of >= 50 % is substantial, >= 30 % moderate, 10-20 % and
up to 30 % minimally important; below 10 % none."""


@functools.cache
def instrument() -> Instrument:
    """The NPRS with its wording, LOINC code and important change."""
    name, short, instructions, items = load_wording(InstrumentId.NPRS)
    return Instrument(
        id=InstrumentId.NPRS,
        name=name,
        short_name=short,
        instructions=instructions,
        items=items,
        minimum=0,
        maximum=10,
        unit="points",
        direction=Direction.LOWER_IS_BETTER,
        loinc=Coding(
            LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
        ),
        mcid_points=IMPORTANT_POINTS,
        mcid_percent=IMPORTANT_PERCENT,
        source="dworkin2008",
        mcid_sources=("ostelo2008", "childs2005", "farrar2001", "dworkin2008"),
    )


def score(answers: Mapping[str, object]) -> Score:
    """The pain rating itself; a missing rating is incomplete, never 0."""
    inst = instrument()
    check_keys(inst, answers)
    item = inst.item(ITEM)
    value = whole_answer(item, answers.get(ITEM), 0, 10)
    if value is None:
        raise IncompleteError("the pain rating was not given", field=ITEM)
    return Score(InstrumentId.NPRS, float(value), str(value), None, None, 1, ())


def parse_cli(text: str) -> dict[str, object]:
    """``"7"`` -> ``{"pain": 7}``."""
    item = instrument().item(ITEM)
    value = whole_answer(item, text.strip() or None, 0, 10, where="answer 1 (pain)")
    if value is None:
        raise IncompleteError("give one whole number from 0 to 10", field="answer 1 (pain)")
    return {ITEM: value}
