"""Outcome measures: the questionnaires Myomap scores and how each is scored.

NPRS, Oswestry Disability Index 2.1a, Roland-Morris (24), Keele STarT Back (9) and the
Patient-Specific Functional Scale, scored exactly as CLINICAL.md §1-5 says. Answers are a
mapping of item id to answer; a missing key or None is a skipped item and never counts as 0.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from types import ModuleType

from myomap_core.errors import DomainError
from myomap_core.outcomes import nprs, odi, psfs, rmdq, startback
from myomap_core.outcomes.records import (
    Direction,
    IncompleteError,
    Instrument,
    InstrumentId,
    Item,
    ItemKind,
    Option,
    OutcomeInputError,
    Score,
)

__all__ = [
    "Direction",
    "IncompleteError",
    "Instrument",
    "InstrumentId",
    "Item",
    "ItemKind",
    "Option",
    "OutcomeInputError",
    "Score",
    "as_instrument_id",
    "instrument",
    "instruments",
    "parse_cli_answers",
    "score",
]

_MODULES: Mapping[InstrumentId, ModuleType] = {
    InstrumentId.NPRS: nprs,
    InstrumentId.ODI: odi,
    InstrumentId.RMDQ: rmdq,
    InstrumentId.STARTBACK: startback,
    InstrumentId.PSFS: psfs,
}


def as_instrument_id(value: str | InstrumentId) -> InstrumentId:
    """The instrument id for ``value``; ``DomainError`` naming the closest ids if unknown."""
    try:
        return InstrumentId(str(value).strip().casefold())
    except ValueError:
        ids = [i.value for i in InstrumentId]
        raise DomainError(
            f"unknown instrument {value!r}; one of {', '.join(ids)}",
            field="instrument",
            value=value,
            suggestions=difflib.get_close_matches(str(value).casefold(), ids, n=3, cutoff=0.0),
        ) from None


def instrument(id: str | InstrumentId) -> Instrument:
    """The instrument with this id, with its full wording."""
    factory: Callable[[], Instrument] = _MODULES[as_instrument_id(id)].instrument
    return factory()


def instruments() -> tuple[Instrument, ...]:
    """Every instrument, in the order of ``InstrumentId``."""
    return tuple(instrument(i) for i in InstrumentId)


def score(instrument_id: str | InstrumentId, answers: Mapping[str, object]) -> Score:
    """Score one filled-in questionnaire.

    Raises ``OutcomeInputError`` naming the item and the allowed values, and
    ``IncompleteError`` when too much is skipped (ODI: more than 2 sections).
    """
    scorer: Callable[[Mapping[str, object]], Score] = _MODULES[
        as_instrument_id(instrument_id)
    ].score
    return scorer(answers)


def parse_cli_answers(instrument_id: str | InstrumentId, text: str) -> dict[str, object]:
    """The command line's comma-separated answers as an answers mapping.

    odi ``"3,2,-,..."``; rmdq ``"1,4,7"``; startback ``"1,0,...,3"``; psfs ``"4,6,3"``;
    nprs ``"7"``. Errors name the position and the allowed values.
    """
    parser: Callable[[str], dict[str, object]] = _MODULES[as_instrument_id(instrument_id)].parse_cli
    return parser(text)
