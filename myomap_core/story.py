"""The client's story in the referral ranking: what makes the pain worse, and how it feels.

``story_of`` reads an intake's free text (what makes it worse, a usual week) and the pain
map's qualities into a ``Story``; ``apply_story`` re-ranks a ``ReferralResult`` with it:

* an activity the client says makes the pain worse, which also perpetuates a candidate's
  trigger points (its own perpetuating factors name it), adds ``AGGRAVATOR_BONUS`` per
  activity, up to ``AGGRAVATOR_MAX`` activities;
* tingling, numbness or burning marked in the territory of a nerve that a candidate can
  entrap adds ``ENTRAPMENT_BONUS``; any such quality also raises a neurological check.

Each bonus multiplies the score and is written into the candidate's reasons, so the ranking
stays explainable. Data: ``knowledge/data/story.toml``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Final

from myomap_core import atlas
from myomap_core.errors import KnowledgeBaseError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.knowledge.records import SourceRef
from myomap_core.pain import PainMark, PainQuality
from myomap_core.referral import SCORE_DIGITS, Candidate, ReferralResult

DATA_FILE: Final = "story.toml"
AGGRAVATOR_BONUS: Final = 0.10
AGGRAVATOR_MAX: Final = 2
ENTRAPMENT_BONUS: Final = 0.15
NERVE_QUALITIES: Final = frozenset({PainQuality.TINGLING, PainQuality.BURNING})


@dataclass(frozen=True, slots=True)
class Activity:
    id: str
    label: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Entrapment:
    muscle_id: str
    nerve: str
    territory: frozenset[str]
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True, slots=True)
class Story:
    """What the intake and the pain map tell beyond where it hurts."""

    worse_with: tuple[Activity, ...] = ()
    nerve_regions: tuple[str, ...] = ()  # region ids marked tingling/numb or burning


@dataclass(frozen=True, slots=True)
class StoryResult:
    """The re-ranked result, and the neurological check the qualities call for (or "")."""

    result: ReferralResult
    nerve_check: str


@dataclass(frozen=True, slots=True)
class _Data:
    activities: tuple[Activity, ...]
    entrapments: Mapping[str, Entrapment]


@functools.cache
def _data() -> _Data:
    raw = tomllib.loads(
        resources.files("myomap_core.knowledge").joinpath("data", DATA_FILE).read_text("utf-8")
    )
    kb = load_knowledge_base()
    known = {m.id for m in kb.muscles}
    activities = tuple(
        Activity(a["id"], a["label"], tuple(w.lower() for w in a["words"]))
        for a in raw.get("activity", [])
    )
    entrapments: dict[str, Entrapment] = {}
    for i, e in enumerate(raw.get("entrapment", [])):
        record = f"{DATA_FILE}: entrapment[{i}]"
        if e["muscle"] not in known:
            raise KnowledgeBaseError("unknown muscle", field=f"{record}.muscle", value=e["muscle"])
        for area_id in e["territory"]:
            atlas.area(area_id)  # raises, naming close ids
        refs = tuple(SourceRef(s["ref"], s.get("chapter"), s.get("pages")) for s in e["sources"])
        for ref in refs:
            if ref.ref not in kb.sources:
                raise KnowledgeBaseError("unknown source", field=f"{record}.sources", value=ref.ref)
        entrapments[e["muscle"]] = Entrapment(
            e["muscle"], e["nerve"], frozenset(e["territory"]), refs
        )
    return _Data(activities, entrapments)


def activities() -> tuple[Activity, ...]:
    return _data().activities


def entrapment(muscle_id: str) -> Entrapment | None:
    return _data().entrapments.get(muscle_id)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def activities_in(text: str) -> tuple[Activity, ...]:
    """The activities named in free text ("worse after a long drive or sitting at my desk")."""
    words = _words(text)
    return tuple(a for a in _data().activities if words & set(a.words))


def story_of(worse_with: str, marks: Iterable[PainMark]) -> Story:
    """The story from the intake's "what makes it worse" and the pain map's qualities."""
    return Story(
        worse_with=activities_in(worse_with),
        nerve_regions=tuple(m.region_id for m in marks if m.quality in NERVE_QUALITIES),
    )


def _perpetuates(muscle_id: str, activity: Activity) -> bool:
    factors = " ".join(load_knowledge_base().muscle(muscle_id).perpetuating_factors)
    return bool(_words(factors) & set(activity.words))


def _adjust(c: Candidate, story: Story, nerve_areas: frozenset[str]) -> Candidate:
    bonus = 0.0
    reasons = list(c.reasons)
    loaded = [a for a in story.worse_with if _perpetuates(c.muscle_id, a)][:AGGRAVATOR_MAX]
    for a in loaded:
        bonus += AGGRAVATOR_BONUS
        reasons.append(
            f"The client finds {a.label} makes it worse, and {a.label} keeps {c.name} trigger "
            f"points going (+{AGGRAVATOR_BONUS:.0%})"
        )
    trap = entrapment(c.muscle_id)
    if trap and nerve_areas & trap.territory:
        places = ", ".join(
            sorted(atlas.area(a).label.lower() for a in nerve_areas & trap.territory)
        )
        bonus += ENTRAPMENT_BONUS
        reasons.append(
            f"Tingling, numbness or burning in the {places}: {c.name} can entrap the "
            f"{trap.nerve} (+{ENTRAPMENT_BONUS:.0%})"
        )
    if not bonus:
        return c
    score = round(min(1.0, c.score * (1 + bonus)), SCORE_DIGITS)
    return dataclasses.replace(c, score=score, reasons=tuple(reasons))


def apply_story(result: ReferralResult, story: Story) -> StoryResult:
    """Re-rank ``result`` with the story; equal scores keep ranking by name."""
    nerve_areas = frozenset(atlas.region(r).area for r in story.nerve_regions)
    adjusted = [_adjust(c, story, nerve_areas) for c in result.candidates]
    adjusted.sort(key=lambda c: (-c.score, c.name))
    return StoryResult(
        result=dataclasses.replace(result, candidates=tuple(adjusted)),
        nerve_check=_nerve_check(story, nerve_areas),
    )


def _nerve_check(story: Story, nerve_areas: frozenset[str]) -> str:
    if not story.nerve_regions:
        return ""
    places = ", ".join(atlas.region(r).label.lower() for r in story.nerve_regions)
    suspects = sorted(
        f"{load_knowledge_base().muscle(e.muscle_id).name} ({e.nerve})"
        for e in _data().entrapments.values()
        if nerve_areas & e.territory
    )
    text = (
        f"Tingling, numbness or burning marked ({places}): check sensation, reflexes and "
        "strength in that territory before treating, and refer if a deficit or a red flag is found."
    )
    if suspects:
        text += " Muscles that can entrap a nerve there: " + "; ".join(suspects) + "."
    return text
