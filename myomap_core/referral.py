"""Referred-pain inference: painful body regions -> ranked candidate source muscles.

Each muscle is scored on the left, on the right and on both sides; the best of the
three is kept. The score is the geometric mean of

* **coverage**: the share of the pain map the muscle's referral zones explain, each
  painful region weighted by its intensity and by its specificity (regions few muscles
  refer to weigh more, ``ln(1 + N / n)`` where ``n`` of ``N`` muscles refer there), an
  essential zone counting fully and a spillover zone half;
* **precision**: for the muscle's best-fitting trigger point, the share of its pattern
  that is painful (specificity-weighted; a spillover zone counts a quarter because only
  some patients feel it).

Both lie in [0, 1], so the score does too. Ties are broken by muscle name. See
docs/knowledge-base.md for the reasoning behind the weights.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from myomap_core import atlas
from myomap_core.errors import DomainError
from myomap_core.knowledge.loader import KnowledgeBase, Relation, load_knowledge_base
from myomap_core.knowledge.records import (
    Muscle,
    Palpation,
    SideRelation,
    TriggerPoint,
    ZoneKind,
)

LEFT: Final = "left"
RIGHT: Final = "right"
SIDES: Final = (LEFT, RIGHT)

COVERAGE_WEIGHT: Final = {ZoneKind.ESSENTIAL: 1.0, ZoneKind.SPILLOVER: 0.5}
"""How much a painful region counts as explained by an essential or a spillover zone."""
PATTERN_WEIGHT: Final = {ZoneKind.ESSENTIAL: 1.0, ZoneKind.SPILLOVER: 0.25}
"""How much a zone weighs in a trigger point's pattern when measuring precision."""
SPECIFIC_SHARE: Final = 0.1
"""A region counts as specific evidence when at most this share of muscles refer to it."""

SCORE_DIGITS: Final = 4
"""Scores are reported and ranked to this many decimals; equal scores rank by name."""

_BOTH: Final = 2  # hypothesis index: the muscle on both sides at once
_EPS: Final = 1e-9


@dataclass(frozen=True, slots=True)
class PainInput:
    """One painful region as the client marked it, with an optional 0-10 intensity."""

    region_id: str
    intensity: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.region_id, str) or not self.region_id:
            raise DomainError("must be a region id", field="region_id", value=self.region_id)
        if self.intensity is not None and (
            not isinstance(self.intensity, int)
            or isinstance(self.intensity, bool)
            or not 0 <= self.intensity <= 10
        ):
            raise DomainError(
                "must be a whole number from 0 to 10", field="intensity", value=self.intensity
            )


@dataclass(frozen=True, slots=True)
class PainRegion:
    """A region of the query as scored: its weight and how specific it is."""

    region_id: str
    label: str
    intensity: int | None
    weight: float
    muscles_referring: int


@dataclass(frozen=True, slots=True)
class MatchedZone:
    """A painful region that lies in a referral zone of one of the muscle's trigger points."""

    region_id: str
    zone: ZoneKind
    trigger_point: str


@dataclass(frozen=True, slots=True)
class PointToPalpate:
    """A trigger point to examine: where it lies and on which side(s)."""

    id: str
    label: str
    location: str
    area: str
    region_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CheckNext:
    """A related muscle worth examining next."""

    muscle_id: str
    name: str
    relation: Relation
    via: str | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A muscle that may be referring the pain, with the evidence for it."""

    muscle_id: str
    name: str
    sides: tuple[str, ...]
    score: float
    coverage: float
    precision: float
    matched: tuple[MatchedZone, ...]
    trigger_points: tuple[PointToPalpate, ...]
    palpation: Palpation
    check_next: tuple[CheckNext, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReferralResult:
    """The query's regions and the ranked candidates, best first."""

    regions: tuple[PainRegion, ...]
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True, slots=True)
class PatternRegion:
    """One region of a muscle's drawn referral pattern."""

    region_id: str
    kind: ZoneKind
    trigger_points: tuple[str, ...]


# --------------------------------------------------------------------------- the index


class _Index:
    """Integer-keyed lookups built once per knowledge base, on the first query.

    A hypothesis ``h`` is 0 (left muscle), 1 (right muscle) or 2 (both); ``mh = 3 * m + h``
    and each trigger point pattern under a hypothesis has its own slot ``p``.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.muscles = kb.muscles
        n = len(self.muscles)
        self.region_area: dict[str, str] = {}
        self.region_side: dict[str, str | None] = {}
        self.area_regions: dict[str, dict[str | None, str]] = {}
        for area_id, region_ids in kb.areas.items():
            per_side: dict[str | None, str] = {}
            for region_id in region_ids:
                side = _side_of(region_id, len(region_ids))
                per_side[side] = region_id
                self.region_area[region_id] = area_id
                self.region_side[region_id] = side
            self.area_regions[area_id] = per_side

        referring: dict[str, set[str]] = {}
        for area_id, entries in kb.referral_index.items():
            referring[area_id] = {e.muscle_id for e in entries}
        self.referring_count = {a: len(referring.get(a, ())) for a in kb.areas}
        self.specificity = {
            a: math.log(1.0 + n / max(1, count)) for a, count in self.referring_count.items()
        }
        self.specific_limit = max(1, int(SPECIFIC_SHARE * n))

        # region -> [(mh, coverage weight)] and region -> [(p, pattern weight)]
        self.coverage: dict[str, list[tuple[int, float]]] = {}
        self.pattern: dict[str, list[tuple[int, float]]] = {}
        self.pattern_total: list[float] = []
        self.pattern_owner: list[int] = []  # p -> mh
        self.pattern_point: list[int] = []  # p -> trigger point index
        self.point_zones: list[dict[str, ZoneKind]] = []  # p -> region -> kind
        self.slot: dict[tuple[int, int, int], int] = {}  # (m, h, t) -> p
        for m, muscle in enumerate(self.muscles):
            for h in range(3):
                mh = 3 * m + h
                best: dict[str, ZoneKind] = {}
                for t, point in enumerate(muscle.trigger_points):
                    zones = self.point_regions(point, h)
                    p = len(self.pattern_total)
                    self.pattern_owner.append(mh)
                    self.pattern_point.append(t)
                    self.point_zones.append(zones)
                    self.slot[(m, h, t)] = p
                    total = 0.0
                    for region_id, kind in zones.items():
                        weight = (
                            PATTERN_WEIGHT[kind] * self.specificity[self.region_area[region_id]]
                        )
                        total += weight
                        self.pattern.setdefault(region_id, []).append((p, weight))
                        if best.get(region_id) is not ZoneKind.ESSENTIAL:
                            best[region_id] = kind
                    self.pattern_total.append(total)
                for region_id, kind in best.items():
                    self.coverage.setdefault(region_id, []).append((mh, COVERAGE_WEIGHT[kind]))
        self.labels: dict[str, str] = {}
        self.next_cache: dict[int, tuple[CheckNext, ...]] = {}

    def check_next(self, m: int) -> tuple[CheckNext, ...]:
        """Every related muscle of muscle ``m``, with names (cached)."""
        found = self.next_cache.get(m)
        if found is None:
            found = tuple(
                CheckNext(r.muscle_id, self.kb.muscle(r.muscle_id).name, r.relation, r.via)
                for r in self.kb.related(self.muscles[m].id)
            )
            self.next_cache[m] = found
        return found

    def region_ids(self, area: str, side: str | None) -> tuple[str, ...]:
        """Region ids of an area on a side (``None``: both sides)."""
        per_side = self.area_regions[area]
        if None in per_side:
            return (per_side[None],)
        if side is None:
            return (per_side[LEFT], per_side[RIGHT])
        return (per_side[side],)

    def zone_regions(self, area: str, relation: SideRelation, muscle_side: str) -> tuple[str, ...]:
        """Regions a zone covers for a muscle on ``muscle_side``."""
        if relation is SideRelation.BILATERAL:
            return self.region_ids(area, None)
        if relation is SideRelation.CONTRALATERAL:
            return self.region_ids(area, RIGHT if muscle_side == LEFT else LEFT)
        return self.region_ids(area, muscle_side)

    def point_regions(self, point: TriggerPoint, h: int) -> dict[str, ZoneKind]:
        """Region -> strongest zone kind of one trigger point under hypothesis ``h``."""
        result: dict[str, ZoneKind] = {}
        sides = SIDES if h == _BOTH else (SIDES[h],)
        for side in sides:
            for zone in point.zones:
                for region_id in self.zone_regions(zone.area, zone.side, side):
                    if result.get(region_id) is not ZoneKind.ESSENTIAL:
                        result[region_id] = zone.kind
        return result

    def label(self, region_id: str) -> str:
        label = self.labels.get(region_id)
        if label is None:
            label = str(atlas.region(region_id).label)
            self.labels[region_id] = label
        return label

    def check_region(self, region_id: str) -> None:
        if region_id not in self.region_area:
            raise DomainError(
                f"unknown region {region_id!r}",
                field="region",
                value=region_id,
                suggestions=_closest(region_id, self.region_area),
            )


def _side_of(region_id: str, count: int) -> str | None:
    if count == 1:
        return None
    return LEFT if region_id.endswith("_left") else RIGHT


def _closest(value: str, choices: Sequence[str] | dict[str, str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(value, sorted(choices), n=3, cutoff=0.0)


def _index(kb: KnowledgeBase) -> _Index:
    index = kb._cache.get("referral")
    if index is None:
        index = _Index(kb)
        kb._cache["referral"] = index
    assert isinstance(index, _Index)
    return index


# --------------------------------------------------------------------------- inference


def infer_sources(
    pain: Sequence[PainInput], *, top: int | None = None, kb: KnowledgeBase | None = None
) -> ReferralResult:
    """Rank the muscles whose trigger points may refer the given pain, best first.

    Regions marked twice count once, at their highest intensity. Intensity weights a
    region by ``(1 + intensity) / 11``; regions without one take the mean weight of
    those with one (or 1 when none has). ``top`` limits the candidates returned.
    """
    if top is not None and (not isinstance(top, int) or top < 1):
        raise DomainError("must be a positive whole number", field="top", value=top)
    index = _index(kb or load_knowledge_base())
    intensities: dict[str, int | None] = {}
    for item in pain:
        index.check_region(item.region_id)
        previous = intensities.get(item.region_id)
        if item.region_id not in intensities or (
            item.intensity is not None and (previous is None or item.intensity > previous)
        ):
            intensities[item.region_id] = item.intensity
    if not intensities:
        raise DomainError("mark at least one painful region", field="regions", value=[])

    rated = [(1 + i) / 11 for i in intensities.values() if i is not None]
    default = sum(rated) / len(rated) if rated else 1.0
    weights = {r: default if i is None else (1 + i) / 11 for r, i in intensities.items()}

    total = 0.0
    explained: dict[int, float] = {}
    painful: dict[int, float] = {}
    specificity = index.specificity
    region_area = index.region_area
    coverage_index = index.coverage
    pattern_index = index.pattern
    for region_id, weight in weights.items():
        mass = weight * specificity[region_area[region_id]]
        total += mass
        for mh, share in coverage_index.get(region_id, ()):
            explained[mh] = explained.get(mh, 0.0) + mass * share
        for p, pattern_weight in pattern_index.get(region_id, ()):
            painful[p] = painful.get(p, 0.0) + pattern_weight

    precision: dict[int, tuple[float, int]] = {}
    pattern_total = index.pattern_total
    pattern_owner = index.pattern_owner
    for p, value in painful.items():
        share = value / pattern_total[p]
        mh = pattern_owner[p]
        best = precision.get(mh)
        if best is None or share > best[0] + _EPS:
            precision[mh] = (share, p)

    scored: dict[int, list[tuple[float, float, float]]] = {}
    for mh, value in explained.items():
        coverage = value / total if total > 0 else 0.0
        prec = precision[mh][0]
        score = math.sqrt(coverage * prec)
        scored.setdefault(mh // 3, [(0.0, 0.0, 0.0)] * 3)[mh % 3] = (score, coverage, prec)

    ranked: list[tuple[float, str, int, int]] = []
    for m, hypotheses in scored.items():
        h = _choose(hypotheses)
        score = hypotheses[0 if h == -1 else h][0]
        ranked.append((-round(score, SCORE_DIGITS), index.muscles[m].name, m, h))
    ranked.sort()
    if top is not None:
        ranked = ranked[:top]

    regions = tuple(
        PainRegion(
            region_id=r,
            label=index.label(r),
            intensity=intensities[r],
            weight=round(weights[r], 4),
            muscles_referring=index.referring_count[region_area[r]],
        )
        for r in weights
    )
    candidate_ids = {index.muscles[r[2]].id for r in ranked}
    candidates = tuple(
        _explain(index, m, h, scored[m], weights, intensities, candidate_ids, precision)
        for _, _, m, h in ranked
    )
    return ReferralResult(regions=regions, candidates=candidates)


def _choose(hypotheses: list[tuple[float, float, float]]) -> int:
    """0 left, 1 right, 2 both, -1 either side equally (score of left == right)."""
    left, right, both = (h[0] for h in hypotheses)
    if both > max(left, right) + _EPS:
        return _BOTH
    if abs(left - right) <= _EPS:
        return -1
    return 0 if left > right else 1


def _explain(
    index: _Index,
    m: int,
    h: int,
    hypotheses: list[tuple[float, float, float]],
    weights: dict[str, float],
    intensities: dict[str, int | None],
    candidate_ids: set[str],
    precision: dict[int, tuple[float, int]],
) -> Candidate:
    muscle = index.muscles[m]
    pattern_h = 0 if h == -1 else h
    score, coverage, prec = hypotheses[pattern_h]
    if h == -1 or h == _BOTH:
        sides: tuple[str, ...] = SIDES
    else:
        sides = (SIDES[h],)

    matched: list[MatchedZone] = []
    active: list[int] = []
    point_matches: dict[int, dict[ZoneKind, list[str]]] = {}
    for t, point in enumerate(muscle.trigger_points):
        zones = index.point_zones[index.slot[(m, pattern_h, t)]]
        for region_id in weights:
            kind = zones.get(region_id)
            if kind is not None:
                matched.append(MatchedZone(region_id, kind, point.id))
                point_matches.setdefault(t, {}).setdefault(kind, []).append(region_id)
        if t in point_matches:
            active.append(t)
    order = {r: i for i, r in enumerate(weights)}
    matched.sort(key=lambda z: (order[z.region_id], z.zone is not ZoneKind.ESSENTIAL))
    active.sort(key=lambda t: (ZoneKind.ESSENTIAL not in point_matches[t], t))

    points = tuple(
        PointToPalpate(
            id=point.id,
            label=point.label,
            location=point.location,
            area=point.area,
            region_ids=tuple(
                dict.fromkeys(r for side in sides for r in index.region_ids(point.area, side))
            ),
        )
        for point in (muscle.trigger_points[t] for t in active)
    )

    check_next = tuple(
        n
        for n in index.check_next(m)
        if n.relation is not Relation.CHAIN or n.muscle_id in candidate_ids
    )
    best_point = index.pattern_point[precision[3 * m + pattern_h][1]]
    reasons = _reasons(
        index, muscle, h, point_matches, weights, intensities, coverage, prec, best_point
    )
    return Candidate(
        muscle_id=muscle.id,
        name=muscle.name,
        sides=sides,
        score=round(score, SCORE_DIGITS),
        coverage=round(coverage, 4),
        precision=round(prec, 4),
        matched=tuple(matched),
        trigger_points=points,
        palpation=muscle.palpation,
        check_next=check_next,
        reasons=reasons,
    )


def _point_name(point: TriggerPoint) -> str:
    return point.id.replace("_", " ")


def _reasons(
    index: _Index,
    muscle: Muscle,
    h: int,
    point_matches: dict[int, dict[ZoneKind, list[str]]],
    weights: dict[str, float],
    intensities: dict[str, int | None],
    coverage: float,
    prec: float,
    best_point: int,
) -> tuple[str, ...]:
    reasons: list[str] = []
    for t, kinds in point_matches.items():
        point = muscle.trigger_points[t]
        for kind in (ZoneKind.ESSENTIAL, ZoneKind.SPILLOVER):
            regions = kinds.get(kind)
            if regions:
                labels = "; ".join(index.label(r) for r in regions)
                reasons.append(
                    f"{kind.capitalize()} referral zone of its {_point_name(point)} "
                    f"trigger point: {labels}"
                )
    explained = {r for kinds in point_matches.values() for rs in kinds.values() for r in rs}
    reasons.append(
        f"Explains {len(explained)} of {len(weights)} painful regions "
        f"({round(100 * coverage)}% of the weighted pain map)."
    )
    reasons.append(
        f"{round(100 * prec)}% of the referral pattern of its "
        f"{_point_name(muscle.trigger_points[best_point])} trigger point is painful."
    )
    for region_id in weights:
        if region_id in explained:
            count = index.referring_count[index.region_area[region_id]]
            if count <= index.specific_limit:
                reasons.append(
                    f"Specific evidence: only {count} of {len(index.muscles)} muscles "
                    f"refer to {index.label(region_id)}."
                )
    rated = {r: i for r, i in intensities.items() if i is not None}
    if rated:
        worst = max(rated.values())
        hit = [r for r in explained if rated.get(r) == worst]
        if hit:
            reasons.append(f"Covers the most intense region: {index.label(hit[0])} ({worst}/10).")
    contralateral = any(
        zone.side is SideRelation.CONTRALATERAL
        for t in point_matches
        for zone in muscle.trigger_points[t].zones
    )
    if h == -1:
        reasons.append(
            "The pain it explains is midline or on both sides alike: check it on both sides."
        )
    elif h == _BOTH:
        reasons.append("Its pattern matches pain on both sides: check it on both sides.")
    else:
        side = SIDES[h]
        text = f"Check the {side} {muscle.name.lower()}"
        if contralateral:
            text += "; some of its zones lie on the opposite side of the body"
        reasons.append(text + ".")
    return tuple(reasons)


def referral_pattern(
    muscle_id: str, side: str, *, kb: KnowledgeBase | None = None
) -> tuple[PatternRegion, ...]:
    """The regions a muscle on ``side`` ("left" or "right") refers to, for drawing.

    Each region carries its strongest kind (essential over spillover) and the trigger
    points that refer there; essential regions come first.
    """
    if side not in SIDES:
        raise DomainError(
            "must be 'left' or 'right'", field="side", value=side, suggestions=list(SIDES)
        )
    index = _index(kb or load_knowledge_base())
    muscle = index.kb.muscle(muscle_id)
    h = SIDES.index(side)
    kinds: dict[str, ZoneKind] = {}
    points: dict[str, list[str]] = {}
    for point in muscle.trigger_points:
        for region_id, kind in index.point_regions(point, h).items():
            if kinds.get(region_id) is not ZoneKind.ESSENTIAL:
                kinds[region_id] = kind
            points.setdefault(region_id, []).append(point.id)
    ordered = sorted(kinds, key=lambda r: kinds[r] is not ZoneKind.ESSENTIAL)
    return tuple(PatternRegion(r, kinds[r], tuple(points[r])) for r in ordered)
