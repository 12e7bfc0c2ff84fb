"""Referral questions in free text, and answers as JSON: the one shape the command line
(``myomap refer --json``) and the web API (``POST /api/v1/refer``) share."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from myomap_core import atlas
from myomap_core.errors import DomainError
from myomap_core.knowledge.records import IschemicCompression
from myomap_core.referral import Candidate, PainInput, ReferralResult, infer_sources

SIDE_CHOICES = ("left", "right")


def jsonable(value: Any) -> Any:
    """Records, enums and collections as plain JSON values."""
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        result = {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, IschemicCompression):
            result["pressure_kg"] = list(value.pressure_kg)
        return result
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def resolve_regions(texts: Sequence[str], side: str | None) -> list[str]:
    """Region ids for free-text names; ``side`` narrows names given without a side."""
    if side is not None and side not in SIDE_CHOICES:
        raise DomainError(
            f"unknown side {side!r}", field="side", value=side, suggestions=SIDE_CHOICES
        )
    ids: list[str] = []
    for text in texts:
        found = atlas.resolve_region(text)
        sides = {str(atlas.region(r).side) for r in found}
        if side is not None and {"left", "right"} <= sides:
            found = tuple(r for r in found if str(atlas.region(r).side) in (side, "midline"))
        ids.extend(r for r in found if r not in ids)
    return ids


def result_json(result: ReferralResult) -> dict[str, Any]:
    """The JSON shape of a referral answer."""
    return {
        "regions": [
            {"id": r.region_id, "label": r.label, "intensity": r.intensity} for r in result.regions
        ],
        "candidates": [_candidate_json(c) for c in result.candidates],
    }


def side_word(candidate: Candidate) -> str:
    """The candidate's side as one word: left, right or both."""
    return candidate.sides[0] if len(candidate.sides) == 1 else "both"


def _candidate_json(c: Candidate) -> dict[str, Any]:
    return {
        "muscle_id": c.muscle_id,
        "name": c.name,
        "side": side_word(c),
        "score": c.score,
        "coverage": c.coverage,
        "precision": c.precision,
        "matched": [
            {"region_id": z.region_id, "zone": z.zone.value, "trigger_point": z.trigger_point}
            for z in c.matched
        ],
        "trigger_points": jsonable(c.trigger_points),
        "palpation": jsonable(c.palpation),
        "check_next": jsonable(c.check_next),
        "reasons": list(c.reasons),
    }


def referral_query(texts: Sequence[str], side: str | None, top: int | None) -> ReferralResult:
    """The ranking for free-text region names (``side`` for names given without one)."""
    ids = resolve_regions(texts, side)
    if not ids:
        raise DomainError("name at least one painful region", field="regions", value=[])
    return infer_sources([PainInput(r) for r in ids], top=top)
