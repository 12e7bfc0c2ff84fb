"""Anatomy ontology codes of an atlas area: its UBERON and FMA classes and how well they match.

An area of the body chart is a clinician's place ("lower back", "front of the thigh"), not always
a class of an anatomy ontology. Each area may carry the UBERON class and the FMA class that name
it exactly, or the nearest class that clearly contains it (``match = "broader"``: the front of the
thigh lies in the thigh). A consumer reading a broader code knows it is coarser than the area.
Source: the Uberon bridge to the FMA (key ``uberon``, see ``knowledge/data/sources.toml``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from myomap_core.errors import DomainError

__all__ = ["AnatomyCodes", "Match", "OntologyTerm", "parse_anatomy_codes"]

PATTERNS: Final = {"uberon": re.compile(r"UBERON:\d{7}"), "fma": re.compile(r"FMA:\d+")}
"""The CURIE each ontology's identifiers follow, by the data file's key."""


class Match(StrEnum):
    """How the recorded classes relate to the area."""

    EXACT = "exact"
    BROADER = "broader"


@dataclass(frozen=True, slots=True)
class OntologyTerm:
    """One class of an anatomy ontology: its identifier (CURIE) and its label there."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class AnatomyCodes:
    """An area's UBERON and FMA classes (either may be absent) and how they match it."""

    uberon: OntologyTerm | None
    fma: OntologyTerm | None
    match: Match

    def __post_init__(self) -> None:
        if self.uberon is None and self.fma is None:
            raise DomainError("needs an uberon or an fma class", field="match", value=self.match)


def _term(raw: Mapping[str, object], key: str) -> OntologyTerm | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"id", "label"}:
        raise DomainError("must be { id, label }", field=key, value=value)
    term_id, label = value["id"], value["label"]
    if not isinstance(term_id, str) or not PATTERNS[key].fullmatch(term_id):
        raise DomainError(f"id must look like {PATTERNS[key].pattern}", field=key, value=term_id)
    if not isinstance(label, str) or not label.strip():
        raise DomainError("label must be a non-empty string", field=key, value=label)
    return OntologyTerm(term_id, label)


def parse_anatomy_codes(raw: Mapping[str, object]) -> AnatomyCodes | None:
    """The ``uberon``, ``fma`` and ``match`` keys of one area record; None when it has none.

    Raises DomainError naming the key at fault: a malformed class, a class without ``match``, a
    ``match`` without a class or a ``match`` other than exact or broader.
    """
    uberon, fma = _term(raw, "uberon"), _term(raw, "fma")
    match = raw.get("match")
    if match is None:
        if uberon is not None or fma is not None:
            raise DomainError("must say exact or broader beside a class", field="match")
        return None
    if match not in {m.value for m in Match}:
        raise DomainError("must be exact or broader", field="match", value=match)
    return AnatomyCodes(uberon, fma, Match(str(match)))
