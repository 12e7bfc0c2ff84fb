"""Keele STarT Back Screening Tool, 9 items (CLINICAL.md §4).

Q1-Q8: agree = 1, disagree = 0. Q9 (bothersomeness, 0 "Not at all" .. 4 "Extremely")
counts 1 only for "Very much" (3) or "Extremely" (4). Total = Q1..Q9 (0-9); distress
subscale = Q5..Q9 (0-5). Risk: total <= 3 low; subscale >= 4 high; otherwise medium.
Every item must be answered: a skipped item is never scored as 0.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from myomap_core.codes import LOINC, Coding
from myomap_core.outcomes.records import (
    Direction,
    IncompleteError,
    Instrument,
    InstrumentId,
    OutcomeInputError,
    Score,
    check_keys,
    load_wording,
    whole_answer,
)

ITEMS = tuple(f"q{n}" for n in range(1, 10))
DISTRESS = ("q5", "q6", "q7", "q8", "q9")
BOTHER = "q9"
BOTHER_COUNTS_FROM = 3
"""Q9 counts 1 from "Very much" (3) up."""
ITEM_CODES = {
    f"q{n}": Coding(LOINC, code, f"STarT Back item {n}")
    for n, code in enumerate(
        (
            "91340-0",
            "91341-8",
            "91342-6",
            "91343-4",
            "91344-2",
            "91345-9",
            "91346-7",
            "91347-5",
            "91348-3",
        ),
        start=1,
    )
}
RISKS = {
    "low": ("Low risk", Coding(LOINC, "LA9194-7", "Low")),
    "medium": ("Medium risk", Coding(LOINC, "LA8982-6", "Medium")),
    "high": ("High risk", Coding(LOINC, "LA9193-9", "High")),
}


@functools.cache
def instrument() -> Instrument:
    """The STarT Back tool with its wording, LOINC codes and source (a screen: no MCID)."""
    name, short, instructions, items = load_wording(InstrumentId.STARTBACK, ITEM_CODES)
    codes = {
        "distress": Coding(LOINC, "91350-9", "STarT Back psychosocial (distress) subscale"),
        "total": Coding(LOINC, "91351-7", "STarT Back total score"),
        "risk": Coding(LOINC, "91352-5", "STarT Back risk group"),
    }
    codes.update({f"risk_{k}": coding for k, (_, coding) in RISKS.items()})
    return Instrument(
        id=InstrumentId.STARTBACK,
        name=name,
        short_name=short,
        instructions=instructions,
        items=items,
        minimum=0,
        maximum=9,
        unit="points",
        direction=Direction.LOWER_IS_BETTER,
        loinc=codes["total"],
        panel=Coding(LOINC, "91349-1", "Keele STarT Back Screening Tool panel"),
        codes=codes,
        mcid_points=None,
        mcid_percent=None,
        source="hill2008",
    )


def risk(total: int, distress: int) -> str:
    """The risk group: total <= 3 low; distress >= 4 high; otherwise medium."""
    if not 0 <= distress <= 5 or not distress <= total <= 9:
        raise OutcomeInputError(
            "need 0 <= distress <= 5 and distress <= total <= 9",
            field="total",
            value=(total, distress),
        )
    if total <= 3:
        return "low"
    return "high" if distress >= 4 else "medium"


def item_points(item_id: str, answer: int) -> int:
    """What one answer adds: Q1-Q8 as given, Q9 1 for "Very much" or "Extremely"."""
    if item_id == BOTHER:
        return 1 if answer >= BOTHER_COUNTS_FROM else 0
    return answer


def score(answers: Mapping[str, object]) -> Score:
    """Total, distress subscale and risk group; every item must be answered."""
    inst = instrument()
    check_keys(inst, answers)
    points: dict[str, int] = {}
    skipped: list[str] = []
    for item in inst.items:
        high = len(item.options) - 1
        value = whole_answer(item, answers.get(item.id), 0, high)
        if value is None:
            skipped.append(item.id)
        else:
            points[item.id] = item_points(item.id, value)
    if skipped:
        raise IncompleteError(
            f"every STarT Back item must be answered to place the risk group "
            f"(not answered: {', '.join(skipped)})",
            field="answers",
            value=tuple(skipped),
        )
    total = sum(points.values())
    distress = sum(points[i] for i in DISTRESS)
    group = risk(total, distress)
    return Score(
        InstrumentId.STARTBACK,
        float(total),
        str(total),
        group,
        RISKS[group][0],
        len(points),
        (),
        {"distress": float(distress)},
    )


def parse_cli(text: str) -> dict[str, object]:
    """``"1,0,1,1,0,0,1,0,3"``: Q1-Q8 as 1 (agree) / 0 (disagree), Q9 as 0-4."""
    parts = text.split(",")
    if len(parts) != len(ITEMS):
        raise OutcomeInputError(
            f"give 9 comma-separated answers (Q1-Q8 1 or 0, Q9 0-4), not {len(parts)}",
            field="answers",
            value=text,
        )
    inst = instrument()
    answers: dict[str, object] = {}
    for position, (item_id, part) in enumerate(zip(ITEMS, parts, strict=True), start=1):
        item = inst.item(item_id)
        high = len(item.options) - 1
        answers[item_id] = whole_answer(
            item, part, 0, high, where=f"answer {position} (Q{position})"
        )
    return answers
