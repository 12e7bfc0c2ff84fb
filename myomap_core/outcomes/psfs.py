"""Patient-Specific Functional Scale (CLINICAL.md §5).

The client names up to five activities (usually three) and rates each 0 (unable) to 10 (as
before the problem). Score = mean of the ratings; higher is better. Activities left empty
are not part of the mean. Important change: the MDC90 of 2 points for the mean (3 points for
one activity); MID levels 1.3 small, 2.3 medium, 2.7 large (Abbott & Schmitt 2014).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from fractions import Fraction

from myomap_core.codes import MYOMAP, Coding
from myomap_core.outcomes.records import (
    Direction,
    IncompleteError,
    Instrument,
    InstrumentId,
    Item,
    OutcomeInputError,
    Score,
    check_keys,
    half_up,
    load_wording,
    whole_answer,
)

ACTIVITIES = tuple(f"activity_{n}" for n in range(1, 6))
MDC_MEAN = 2
MDC_ONE_ACTIVITY = 3
MID_LEVELS = ((Fraction("2.7"), "large"), (Fraction("2.3"), "medium"), (Fraction("1.3"), "small"))


@functools.cache
def instrument() -> Instrument:
    """The PSFS with its wording, a local code and the detectable change."""
    name, short, instructions, items = load_wording(InstrumentId.PSFS)
    return Instrument(
        id=InstrumentId.PSFS,
        name=name,
        short_name=short,
        instructions=instructions,
        items=items,
        minimum=0,
        maximum=10,
        unit="points",
        direction=Direction.HIGHER_IS_BETTER,
        loinc=None,
        code=Coding(MYOMAP, "psfs-mean", "Patient-Specific Functional Scale mean score"),
        mcid_points=MDC_MEAN,
        mcid_percent=None,
        source="stratford1995",
        mcid_sources=("stratford1995", "abbott2014"),
    )


def rating(item: Item, answer: object, *, where: str | None = None) -> int | None:
    """A rating 0-10, given alone or as ``{"activity": "...", "rating": n}``."""
    if isinstance(answer, Mapping):
        unknown = sorted(set(answer) - {"activity", "rating"})
        if unknown:
            raise OutcomeInputError(
                "an activity answer has only 'activity' and 'rating'",
                field=where or item.id,
                value=unknown[0],
            )
        activity = answer.get("activity")
        if activity is not None and not isinstance(activity, str):
            raise OutcomeInputError(
                "the activity must be text", field=where or item.id, value=activity
            )
        answer = answer.get("rating")
    return whole_answer(item, answer, 0, 10, where=where)


def score(answers: Mapping[str, object]) -> Score:
    """The mean rating of the activities rated; at least one must be rated."""
    inst = instrument()
    check_keys(inst, answers)
    ratings: dict[str, int] = {}
    for item in inst.items:
        value = rating(item, answers.get(item.id))
        if value is not None:
            ratings[item.id] = value
    if not ratings:
        raise IncompleteError("rate at least one activity from 0 to 10", field="answers")
    mean = Fraction(sum(ratings.values()), len(ratings))
    skipped = tuple(i for i in ACTIVITIES if i not in ratings)
    return Score(
        InstrumentId.PSFS,
        float(mean),
        str(half_up(mean, 1)),
        None,
        None,
        len(ratings),
        skipped,
        {k: float(v) for k, v in ratings.items()},
    )


def parse_cli(text: str) -> dict[str, object]:
    """``"4,6,3"``: one to five ratings 0-10, in activity order."""
    parts = text.split(",")
    if not text.strip() or len(parts) > len(ACTIVITIES):
        raise OutcomeInputError(
            f"give 1 to 5 comma-separated ratings 0-10, not {text!r}", field="answers", value=text
        )
    inst = instrument()
    answers: dict[str, object] = {}
    for position, (item_id, part) in enumerate(zip(ACTIVITIES, parts, strict=False), start=1):
        value = whole_answer(
            inst.item(item_id), part, 0, 10, where=f"answer {position} ({item_id})"
        )
        if value is None:
            raise OutcomeInputError(
                "must be a whole number from 0 to 10", field=f"answer {position}", value=part
            )
        answers[item_id] = value
    return answers
