"""Referral candidates prepared for the pages: ranked muscles with their drawable pattern."""

from __future__ import annotations

import json
from dataclasses import dataclass

from myomap_core import atlas
from myomap_core.pain import PainMark
from myomap_core.referral import Candidate, PainInput, infer_sources, referral_pattern
from myomap_core.story import apply_story, story_of

TOP = 6
"""Candidates shown in full; the rest of the ranking is one tap away ("Show all")."""


@dataclass(frozen=True)
class ShownCandidate:
    candidate: Candidate
    rank: int
    side_text: str
    percent: int
    pattern_json: str  # {"region_id": "essential" | "spillover"} for the chart
    matched_labels: tuple[str, ...]

    @property
    def featured(self) -> bool:
        """Shown in full at the top of the list."""
        return self.rank <= TOP


def pattern_of(muscle_id: str, sides: tuple[str, ...]) -> dict[str, str]:
    pattern: dict[str, str] = {}
    for side in sides:
        for region in referral_pattern(muscle_id, side):
            if pattern.get(region.region_id) != "essential":
                pattern[region.region_id] = region.kind.value
    return pattern


class Ranking(list[ShownCandidate]):
    """The ranked candidates, and the neurological check the pain's qualities call for."""

    nerve_check: str = ""


def candidates_for(marks: tuple[PainMark, ...], worse_with: str = "") -> Ranking:
    """Every muscle that may refer pain to the marked regions, best first (the first
    ``TOP`` are ``featured``), weighed with the client's story: what makes the pain worse
    (the intake's words) and where it tingles or burns."""
    shown = Ranking()
    if not marks:
        return shown
    ranked = apply_story(
        infer_sources([PainInput(m.region_id, m.intensity) for m in marks]),
        story_of(worse_with, marks),
    )
    shown.nerve_check = ranked.nerve_check
    result = ranked.result
    for rank, c in enumerate(result.candidates, start=1):
        sides = tuple(s for s in c.sides if s in ("left", "right")) or ("left", "right")
        shown.append(
            ShownCandidate(
                candidate=c,
                rank=rank,
                side_text=" and ".join(c.sides) if c.sides else "",
                percent=round(c.score * 100),
                pattern_json=json.dumps(pattern_of(c.muscle_id, sides)),
                matched_labels=tuple(
                    f"{atlas.region(z.region_id).label} ({z.zone.value})" for z in c.matched
                ),
            )
        )
    return shown
