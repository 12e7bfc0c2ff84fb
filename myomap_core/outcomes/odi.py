"""Oswestry Disability Index 2.1a (CLINICAL.md §2).

Ten sections scored 0-5. Score % = sum / (5 x sections answered) x 100: a skipped section
leaves both the sum and the denominator, so skipping is never scoring 0. At most two sections
may be skipped. Two statements ticked in one section score the higher. The exact value is
kept; it is shown to one decimal rounded half-up. Bands (Fairbank 2000): <= 20 minimal,
> 20-40 moderate, > 40-60 severe, > 60-80 crippled, > 80 bed-bound or exaggerating.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from fractions import Fraction

from myomap_core.codes import LOINC, Coding
from myomap_core.errors import KnowledgeBaseError
from myomap_core.outcomes.records import (
    Direction,
    IncompleteError,
    Instrument,
    InstrumentId,
    Item,
    OutcomeInputError,
    Score,
    check_keys,
    exact,
    half_up,
    load_wording,
    whole_answer,
)

SECTIONS = (
    "pain_intensity",
    "personal_care",
    "lifting",
    "walking",
    "sitting",
    "standing",
    "sleeping",
    "sex_life",
    "social_life",
    "travelling",
)
MAX_SKIPPED = 2
BANDS = (
    (20, "minimal", "Minimal disability"),
    (40, "moderate", "Moderate disability"),
    (60, "severe", "Severe disability"),
    (80, "crippled", "Crippled: pain affects every part of life"),
    (100, "bed_bound", "Bed-bound, or symptoms exaggerated"),
)
"""(upper limit inclusive, band id, label), Fairbank & Pynsent 2000."""


@functools.cache
def instrument() -> Instrument:
    """The ODI with its wording, LOINC codes and important change."""
    name, short, instructions, items = load_wording(InstrumentId.ODI)
    if tuple(i.id for i in items) != SECTIONS:
        raise KnowledgeBaseError("sections out of order", field="instruments_odi.toml")
    return Instrument(
        id=InstrumentId.ODI,
        name=name,
        short_name=short,
        instructions=instructions,
        items=items,
        minimum=0,
        maximum=100,
        unit="%",
        direction=Direction.LOWER_IS_BETTER,
        loinc=Coding(LOINC, "97909-6", "Oswestry Disability Index score"),
        panel=Coding(LOINC, "97908-8", "Oswestry Disability Index panel"),
        mcid_points=10,
        mcid_percent=30,
        source="fairbank2000",
        mcid_sources=("ostelo2008",),
    )


def band(value: float | Fraction) -> tuple[str, str]:
    """The Fairbank band id and label for an ODI percentage."""
    percent = exact(value)
    if not 0 <= percent <= 100:
        raise OutcomeInputError("must be a percentage from 0 to 100", field="odi", value=value)
    for upper, band_id, label in BANDS:
        if percent <= upper:
            return band_id, label
    raise AssertionError("unreachable")  # pragma: no cover


def section_value(item: Item, answer: object) -> int | None:
    """One section's score; a list of ticked statements scores the highest."""
    if isinstance(answer, Sequence) and not isinstance(answer, str):
        values = [whole_answer(item, a, 0, 5) for a in answer]
        given = [v for v in values if v is not None]
        return max(given) if given else None
    return whole_answer(item, answer, 0, 5)


def percent(values: Sequence[int]) -> Fraction:
    """The exact ODI percentage of the answered section scores."""
    return Fraction(100 * sum(values), 5 * len(values))


def score(answers: Mapping[str, object]) -> Score:
    """Score the ODI; ``IncompleteError`` when more than two sections are skipped."""
    inst = instrument()
    check_keys(inst, answers)
    values: list[int] = []
    skipped: list[str] = []
    for item in inst.items:
        value = section_value(item, answers.get(item.id))
        if value is None:
            skipped.append(item.id)
        else:
            values.append(value)
    if len(skipped) > MAX_SKIPPED:
        raise IncompleteError(
            f"{len(skipped)} of 10 sections were skipped; the ODI can be scored with at most "
            f"{MAX_SKIPPED} skipped (skipped: {', '.join(skipped)})",
            field="answers",
            value=tuple(skipped),
        )
    exact_percent = percent(values)
    band_id, label = band(exact_percent)
    return Score(
        InstrumentId.ODI,
        float(exact_percent),
        str(half_up(exact_percent, 1)),
        band_id,
        label,
        len(values),
        tuple(skipped),
    )


def parse_cli(text: str) -> dict[str, object]:
    """``"3,2,-,1,..."``: ten values 0-5 in section order, ``-`` for a skipped section.

    A section with two ticked statements may be written ``2+3``.
    """
    parts = text.split(",")
    if len(parts) != len(SECTIONS):
        raise OutcomeInputError(
            f"give 10 comma-separated values (0-5, or - for a skipped section), not {len(parts)}",
            field="answers",
            value=text,
        )
    inst = instrument()
    answers: dict[str, object] = {}
    for position, (section, part) in enumerate(zip(SECTIONS, parts, strict=True), start=1):
        item = inst.item(section)
        where = f"answer {position} ({section})"
        ticks = part.split("+") if "+" in part else [part]
        try:
            values = [whole_answer(item, t, 0, 5, where=where) for t in ticks]
        except OutcomeInputError as error:
            raise OutcomeInputError(
                f"{error.message}; or - for a skipped section", field=where, value=part
            ) from None
        if len(values) == 1:
            answers[section] = values[0]
        else:
            answers[section] = [v for v in values if v is not None]
    return answers
