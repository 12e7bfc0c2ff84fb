"""Roland-Morris Disability Questionnaire, 24 items (CLINICAL.md §3).

The client ticks the statements true today; the score is the number ticked (0-24). A blank
statement is not ticked: the RMDQ has no skipped items.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from myomap_core.codes import MYOMAP, Coding
from myomap_core.outcomes.records import (
    Direction,
    Instrument,
    InstrumentId,
    Item,
    OutcomeInputError,
    Score,
    check_keys,
    load_wording,
)

ITEMS = 24
TICKED = frozenset({"1", "true", "yes", "x", "on"})
BLANK = frozenset({"", "0", "false", "no", "-", "off"})
IMPROVEMENT_FLOOR = 4
"""Below this baseline an improvement is not reliably detectable (Stratford 1996)."""
DETERIORATION_CEILING = 20
"""Above this baseline a deterioration is not reliably detectable (Stratford 1996)."""


@functools.cache
def instrument() -> Instrument:
    """The RMDQ with its wording, a local code (no LOINC code is known) and important change."""
    name, short, instructions, items = load_wording(InstrumentId.RMDQ)
    return Instrument(
        id=InstrumentId.RMDQ,
        name=name,
        short_name=short,
        instructions=instructions,
        items=items,
        minimum=0,
        maximum=ITEMS,
        unit="points",
        direction=Direction.LOWER_IS_BETTER,
        loinc=None,
        code=Coding(MYOMAP, "rmdq-24-score", "Roland-Morris Disability Questionnaire score"),
        mcid_points=5,
        mcid_percent=30,
        source="roland1983",
        mcid_sources=("ostelo2008", "stratford1996"),
    )


def ticked(item: Item, answer: object, *, where: str | None = None) -> bool:
    """Whether a statement was ticked: True/1/"yes" ticked; None, blank, False/0 not."""
    if answer is None or answer is False or answer is True:
        return bool(answer)
    if isinstance(answer, int) and answer in (0, 1):
        return answer == 1
    if isinstance(answer, str) and answer.strip().casefold() in TICKED | BLANK:
        return answer.strip().casefold() in TICKED
    raise OutcomeInputError(
        f"must be ticked (true, 1) or left blank (false, 0, empty), not {answer!r}",
        field=where or item.id,
        value=answer,
    )


def score(answers: Mapping[str, object]) -> Score:
    """The number of statements ticked."""
    inst = instrument()
    check_keys(inst, answers)
    ticks = [item.id for item in inst.items if ticked(item, answers.get(item.id))]
    total = len(ticks)
    return Score(
        InstrumentId.RMDQ,
        float(total),
        str(total),
        None,
        None,
        ITEMS,
        (),
    )


def parse_cli(text: str) -> dict[str, object]:
    """``"1,4,7"``: the numbers of the ticked statements (empty for none)."""
    answers: dict[str, object] = {}
    parts = [p.strip() for p in text.split(",")] if text.strip() else []
    for position, part in enumerate(parts, start=1):
        if not part.isdigit() or not 1 <= int(part) <= ITEMS:
            raise OutcomeInputError(
                f"must be a statement number from 1 to {ITEMS}, not {part!r}",
                field=f"answer {position}",
                value=part,
            )
        key = f"q{int(part)}"
        if key in answers:
            raise OutcomeInputError(
                f"statement {int(part)} is listed twice", field=f"answer {position}", value=part
            )
        answers[key] = True
    return answers
