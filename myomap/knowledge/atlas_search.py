"""The trigger-point atlas outside any client: muscles by body area, and a search that reads a
muscle name or a painful region (with the same resolver as the body map and ``myomap refer``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from myomap.knowledge.candidates import ShownCandidate, candidates_for
from myomap_core import atlas
from myomap_core.atlas import normalise
from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.knowledge.records import Muscle, MuscleGroup
from myomap_core.pain import PainMark, PainQuality

MAX_QUERY = 120
"""A search longer than this is refused (a region phrase or a muscle name is far shorter)."""

AREA_ORDER: tuple[tuple[str, tuple[MuscleGroup, ...]], ...] = (
    ("Head and jaw", (MuscleGroup.HEAD_JAW,)),
    ("Neck", (MuscleGroup.NECK,)),
    ("Shoulder and chest", (MuscleGroup.SHOULDER, MuscleGroup.CHEST)),
    ("Arm, forearm and hand", (MuscleGroup.ARM, MuscleGroup.FOREARM, MuscleGroup.HAND)),
    ("Trunk and back", (MuscleGroup.TRUNK, MuscleGroup.BACK)),
    ("Pelvis and hip", (MuscleGroup.PELVIS, MuscleGroup.HIP)),
    ("Thigh", (MuscleGroup.THIGH,)),
    ("Leg and foot", (MuscleGroup.LEG, MuscleGroup.FOOT)),
)


@dataclass(frozen=True)
class BodyArea:
    title: str
    muscles: tuple[Muscle, ...]


@dataclass(frozen=True)
class AtlasSearch:
    """What a search found: muscles by name, and muscles referring to a named region."""

    query: str
    by_name: tuple[Muscle, ...] = ()
    region_labels: tuple[str, ...] = ()
    referring: tuple[ShownCandidate, ...] = ()
    problem: str = ""
    suggestions: tuple[str, ...] = field(default=())


def body_areas() -> tuple[BodyArea, ...]:
    """Every muscle of the knowledge base, filed by body area, alphabetically."""
    muscles = load_knowledge_base().muscles
    return tuple(
        BodyArea(title, tuple(sorted((m for m in muscles if m.group in groups), key=_name)))
        for title, groups in AREA_ORDER
    )


def search(query: str) -> AtlasSearch:
    """Muscles whose name or alias contains every word of ``query``; and, when the query
    names a body region, every muscle that refers pain there, best first."""
    query = " ".join(query.split())
    if len(query) > MAX_QUERY:
        return AtlasSearch(query[:MAX_QUERY], problem=f"Search at most {MAX_QUERY} characters.")
    words = normalise(query).split()
    by_name = tuple(
        sorted(
            (m for m in load_knowledge_base().muscles if _names_match(m, words)),
            key=_name,
        )
    )
    try:
        region_ids = atlas.resolve_region(query)
    except DomainError as exc:
        if by_name:
            return AtlasSearch(query, by_name=by_name)
        return AtlasSearch(
            query,
            problem=f"“{query}” could mean more than one region: choose one."
            if isinstance(exc, atlas.AmbiguousRegion)
            else f"No muscle or body region is called “{query}”.",
            suggestions=exc.suggestions,
        )
    # Every region of the phrase weighs the same, so the intensity chosen does not matter.
    marks = tuple(PainMark(r, 5, PainQuality.ACHING) for r in region_ids)
    return AtlasSearch(
        query,
        by_name=by_name,
        region_labels=tuple(atlas.region(r).label for r in region_ids),
        referring=tuple(candidates_for(marks)),
    )


def _name(m: Muscle) -> str:
    return m.name.lower()


def _names_match(muscle: Muscle, words: list[str]) -> bool:
    names = " ".join(normalise(n) for n in (muscle.name, muscle.id, *muscle.aliases))
    return bool(words) and all(w in names for w in words)
