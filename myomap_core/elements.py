"""The five elements of pain, each rated 0–3 from the assessment's facts with its evidence.

Ischemia, trigger points, nerve compression, postural distortion and biomechanical
dysfunction (seed 000). Every fact that supports an element adds an ``Evidence`` with a
weight (1 or 2); an element's rating follows from the sum of its weights
(``RATING_STEPS``). Weights are never negative, so more evidence never lowers a rating.
The therapist may override a rating, always with a reason; the computed rating is kept.
The rules and their sources are listed in docs/assessment.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from myomap_core import atlas, examination, pressure
from myomap_core.errors import DomainError
from myomap_core.posture import Measure, PostureFinding, findings_for

RATING_MIN: Final = 0
RATING_MAX: Final = 3

RATING_STEPS: Final = (1, 3, 6)
"""Total evidence weight at which the rating reaches 1, 2 and 3 [ours]."""

NERVE_QUALITIES: Final = frozenset({"tingling", "burning", "numb", "numbness", "pins_and_needles"})
"""Pain-map qualities that point to a nerve rather than a muscle [ours]."""


class Element(StrEnum):
    """The five elements of pain."""

    ISCHEMIA = "ischemia"
    TRIGGER_POINTS = "trigger_points"
    NERVE_COMPRESSION = "nerve_compression"
    POSTURAL_DISTORTION = "postural_distortion"
    BIOMECHANICAL_DYSFUNCTION = "biomechanical_dysfunction"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


def _side(field: str, side: str | None) -> None:
    if side not in (None, "left", "right"):
        raise DomainError("must be left, right or empty", field=field, value=side)


def _flag(field: str, value: object) -> None:
    if not isinstance(value, bool):
        raise DomainError("must be true or false", field=field, value=value)


@dataclass(frozen=True, slots=True)
class PalpationFact:
    """What palpation found in one muscle (and trigger point, when known) on one side.

    ``active``: True active, False latent, None not judged. ``tenderness``: 0–3.
    ``ppt_kpa``: pressure pain threshold in kPa.
    """

    muscle_id: str
    trigger_point: str | None
    side: str | None
    active: bool | None
    taut_band: bool
    nodule: bool
    twitch: bool
    referral_reproduced: bool
    tenderness: int | None
    ppt_kpa: float | None

    def __post_init__(self) -> None:
        from myomap_core.knowledge import load_knowledge_base

        try:
            muscle = load_knowledge_base().muscle(self.muscle_id)
        except DomainError as error:
            raise DomainError(
                error.message,
                field="muscle_id",
                value=self.muscle_id,
                suggestions=error.suggestions,
            ) from None
        if self.trigger_point is not None:
            ids = [p.id for p in muscle.trigger_points]
            if self.trigger_point not in ids:
                raise DomainError(
                    f"{muscle.name} has no trigger point {self.trigger_point!r}",
                    field="trigger_point",
                    value=self.trigger_point,
                    suggestions=ids,
                )
        _side("side", self.side)
        if self.active is not None:
            _flag("active", self.active)
        for name in ("taut_band", "nodule", "twitch", "referral_reproduced"):
            _flag(name, getattr(self, name))
        if self.tenderness is not None and (
            isinstance(self.tenderness, bool)
            or not isinstance(self.tenderness, int)
            or not 0 <= self.tenderness <= 3
        ):
            raise DomainError(
                "must be a whole grade from 0 to 3", field="tenderness", value=self.tenderness
            )
        if self.ppt_kpa is not None and (
            isinstance(self.ppt_kpa, bool)
            or not isinstance(self.ppt_kpa, int | float)
            or not math.isfinite(self.ppt_kpa)
            or not 0 < self.ppt_kpa <= pressure.MAX_KPA
        ):
            raise DomainError(
                f"must be above 0 and at most {pressure.MAX_KPA:g} kPa",
                field="ppt_kpa",
                value=self.ppt_kpa,
            )


@dataclass(frozen=True, slots=True)
class ExamFact:
    """One examination result. ``painful``: the movement reproduced pain (range of motion)."""

    test_id: str
    side: str | None
    value: float | None
    positive: bool | None
    painful: bool = False

    def __post_init__(self) -> None:
        examination.check_result(self.test_id, self.value, self.positive)
        _side("side", self.side)
        _flag("painful", self.painful)


@dataclass(frozen=True, slots=True)
class AssessmentFacts:
    """Everything the five elements are rated from.

    ``posture`` takes ``PostureFinding``s (from ``posture.analyse``) or raw ``Measure``s,
    which are turned into findings with the same rules; pass one or the other for a photo,
    not both. ``pain_qualities``: qualities on the pain map ("tingling", "burning", ...);
    ``paraesthesia_regions``: atlas region ids where the client feels tingling or numbness.
    """

    palpation: tuple[PalpationFact, ...] = ()
    exams: tuple[ExamFact, ...] = ()
    posture: tuple[PostureFinding | Measure, ...] = ()
    pain_qualities: tuple[str, ...] = ()
    paraesthesia_regions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for i, region in enumerate(self.paraesthesia_regions):
            try:
                atlas.region(region)
            except DomainError as error:
                raise DomainError(
                    error.message,
                    field=f"paraesthesia_regions[{i}]",
                    value=region,
                    suggestions=error.suggestions,
                ) from None


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact supporting an element; ``weight`` 1 or 2; ``source`` id of the rule."""

    text: str
    weight: int
    source: str | None


@dataclass(frozen=True, slots=True)
class ElementRating:
    """An element's rating 0–3 with its evidence; ``computed`` is the rating before any
    override (equal to ``rating`` when not overridden)."""

    element: Element
    rating: int
    evidence: tuple[Evidence, ...]
    computed: int
    overridden: bool = False
    override_reason: str | None = None

    def __post_init__(self) -> None:
        for name in ("rating", "computed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise DomainError("must be a whole number", field=name, value=value)
            if not RATING_MIN <= value <= RATING_MAX:
                raise DomainError(
                    f"must be between {RATING_MIN} and {RATING_MAX}", field=name, value=value
                )
        if self.overridden and not (self.override_reason or "").strip():
            raise DomainError(
                "an override needs a reason", field="override_reason", value=self.override_reason
            )

    @property
    def total_weight(self) -> int:
        return sum(e.weight for e in self.evidence)


@dataclass(frozen=True, slots=True)
class ElementProfile:
    """All five ratings in ``Element`` order."""

    ratings: tuple[ElementRating, ...]

    def __post_init__(self) -> None:
        if tuple(r.element for r in self.ratings) != tuple(Element):
            raise DomainError(
                "must rate all five elements in order", field="ratings", value=self.ratings
            )

    def rating(self, element: Element | str) -> ElementRating:
        """The rating of one element."""
        return self.ratings[list(Element).index(Element(element))]


def rating_for(total_weight: int) -> int:
    """The rating 0–3 for a total evidence weight (``RATING_STEPS``)."""
    return sum(1 for step in RATING_STEPS if total_weight >= step)


# --------------------------------------------------------------------------- rules


def _where(fact: PalpationFact) -> str:
    from myomap_core.knowledge import load_knowledge_base

    muscle = load_knowledge_base().muscle(fact.muscle_id)
    text = muscle.name
    if fact.side:
        text += f", {fact.side}"
    if fact.trigger_point:
        label = next(p.label for p in muscle.trigger_points if p.id == fact.trigger_point)
        text += f" ({label})"
    return text


def _ischemia_of(fact: PalpationFact, facts: AssessmentFacts) -> list[Evidence]:
    """Ischemia evidence from one palpation finding (the other side's threshold compared)."""
    found: list[Evidence] = []
    where = _where(fact)
    if fact.tenderness is not None and fact.tenderness >= 2:
        found.append(
            Evidence(
                f"Tender to pressure, grade {fact.tenderness}/3: {where}",
                1 if fact.tenderness == 2 else 2,
                "seed000",
            )
        )
    if fact.taut_band:
        found.append(Evidence(f"Taut band: {where}", 1, "seed000"))
    if fact.ppt_kpa is not None:
        low, normal = pressure.ppt_reference_kpa(fact.muscle_id)
        kg = pressure.to_unit(fact.ppt_kpa, "kg_cm2")
        if fact.ppt_kpa <= low:
            found.append(
                Evidence(
                    f"Pressure pain threshold {kg:.1f} kg/cm² at or below the chronic "
                    f"back pain mean ({pressure.to_unit(low, 'kg_cm2'):.1f}): {where}",
                    2,
                    pressure.PPT_REFERENCE_SOURCE,
                )
            )
        elif fact.ppt_kpa < normal:
            found.append(
                Evidence(
                    f"Pressure pain threshold {kg:.1f} kg/cm² below the pain-free mean "
                    f"({pressure.to_unit(normal, 'kg_cm2'):.1f}): {where}",
                    1,
                    pressure.PPT_REFERENCE_SOURCE,
                )
            )
        other_side = {"left": "right", "right": "left"}.get(fact.side or "")
        lower_than_other = any(
            o.muscle_id == fact.muscle_id
            and o.side == other_side
            and o.ppt_kpa is not None
            and o.ppt_kpa > fact.ppt_kpa
            and pressure.ppt_change_is_real(fact.ppt_kpa, o.ppt_kpa)
            for o in facts.palpation
        )
        if lower_than_other:
            found.append(
                Evidence(
                    f"Pressure pain threshold lower than the other side by more than "
                    f"measurement error ({pressure.REAL_CHANGE_KG_CM2:g} kg/cm²): {where}",
                    1,
                    "chesterton2007",
                )
            )
    return found


def _trigger_points_of(fact: PalpationFact) -> list[Evidence]:
    """Trigger point evidence from one palpation finding."""
    found: list[Evidence] = []
    where = _where(fact)
    if fact.active is True:
        found.append(Evidence(f"Active trigger point: {where}", 2, "tss3"))
    elif fact.active is False:
        found.append(Evidence(f"Latent trigger point: {where}", 1, "tss3"))
    elif fact.nodule and fact.taut_band:
        found.append(Evidence(f"Nodule in a taut band: {where}", 1, "tss3"))
    if fact.twitch:
        found.append(Evidence(f"Local twitch response: {where}", 1, "tss3"))
    if fact.referral_reproduced:
        found.append(Evidence(f"Referred pain reproduced: {where}", 1, "tss3"))
    return found


def _ischemia(facts: AssessmentFacts) -> list[Evidence]:
    return [e for fact in facts.palpation for e in _ischemia_of(fact, facts)]


def _trigger_points(facts: AssessmentFacts) -> list[Evidence]:
    return [e for fact in facts.palpation for e in _trigger_points_of(fact)]


def palpation_elements(fact: PalpationFact, facts: AssessmentFacts) -> frozenset[Element]:
    """The elements one palpation finding is evidence for, by the same rules that rate
    them (``facts`` for the other side's pressure pain threshold)."""
    found: set[Element] = set()
    if _trigger_points_of(fact):
        found.add(Element.TRIGGER_POINTS)
    if _ischemia_of(fact, facts):
        found.add(Element.ISCHEMIA)
    return frozenset(found)


def _exam_text(test: examination.ExamTest, fact: ExamFact) -> str:
    parts = [test.label]
    if fact.side:
        parts.append(fact.side)
    if fact.positive is not None and examination.ResultType(test.result_type).takes_positive:
        parts.append("positive" if fact.positive else "negative")
    if fact.value is not None:
        if test.result_type == examination.ResultType.GRADE_0_5:
            parts.append(f"grade {fact.value:g}/5")
        else:
            parts.append(f"{fact.value:g}°")
    if test.normal:
        parts.append(f"normal: {test.normal}")
    return ", ".join(parts)


def _exams(facts: AssessmentFacts, element: Element) -> list[Evidence]:
    found: list[Evidence] = []
    for fact in facts.exams:
        test = examination.exam_test(fact.test_id)
        if test.element == element.value and test.abnormal(fact.value, fact.positive):
            weight = test.weight
            if test.result_type == examination.ResultType.GRADE_0_5 and fact.value is not None:
                weight = 2 if fact.value <= 3 else 1
            source = test.limit_source if fact.positive is None else test.source
            found.append(Evidence(_exam_text(test, fact), weight, source or test.source))
        if (
            element is Element.BIOMECHANICAL_DYSFUNCTION
            and fact.painful
            and test.category == examination.Category.RANGE_OF_MOTION
        ):
            side = f", {fact.side}" if fact.side else ""
            found.append(Evidence(f"Pain on {test.label.lower()}{side}", 1, test.source))
    return found


def _nerve_compression(facts: AssessmentFacts) -> list[Evidence]:
    found = _exams(facts, Element.NERVE_COMPRESSION)
    qualities = sorted({q.strip().casefold() for q in facts.pain_qualities} & NERVE_QUALITIES)
    for quality in qualities:
        found.append(Evidence(f"Pain described as {quality.replace('_', ' ')}", 1, "ours"))
    if facts.paraesthesia_regions:
        labels = ", ".join(atlas.region(r).label for r in sorted(set(facts.paraesthesia_regions)))
        found.append(Evidence(f"Tingling or numbness marked on the body map: {labels}", 1, "ours"))
    return found


def _postural(facts: AssessmentFacts) -> list[Evidence]:
    findings: list[PostureFinding] = []
    for item in facts.posture:
        if isinstance(item, Measure):
            findings.extend(findings_for((item,)))
        else:
            findings.append(item)
    return [Evidence(f.text, 2 if f.marked else 1, f.source or "ours") for f in findings]


def _evidence(facts: AssessmentFacts) -> dict[Element, list[Evidence]]:
    return {
        Element.ISCHEMIA: _ischemia(facts),
        Element.TRIGGER_POINTS: _trigger_points(facts) + _exams(facts, Element.TRIGGER_POINTS),
        Element.NERVE_COMPRESSION: _nerve_compression(facts),
        Element.POSTURAL_DISTORTION: _postural(facts) + _exams(facts, Element.POSTURAL_DISTORTION),
        Element.BIOMECHANICAL_DYSFUNCTION: _exams(facts, Element.BIOMECHANICAL_DYSFUNCTION),
    }


def _override(key: str, raw: object) -> tuple[Element, int, str]:
    try:
        element = Element(key)
    except ValueError:
        raise DomainError(
            "unknown element of pain",
            field=f"overrides.{key}",
            value=key,
            suggestions=[e.value for e in Element],
        ) from None
    if not isinstance(raw, tuple | list) or len(raw) != 2:
        raise DomainError("must be (rating, reason)", field=f"overrides.{key}", value=raw)
    rating, reason = raw
    if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= 3:
        raise DomainError(
            "must be a whole number from 0 to 3", field=f"overrides.{key}.rating", value=rating
        )
    if not isinstance(reason, str) or not reason.strip():
        raise DomainError(
            "an override needs a reason", field=f"overrides.{key}.reason", value=reason
        )
    return element, rating, reason.strip()


def rate_elements(
    facts: AssessmentFacts, overrides: Mapping[str, tuple[int, str]] | None = None
) -> ElementProfile:
    """Rate each element 0–3 from the facts, listing the evidence; apply overrides.

    ``overrides`` maps an element id to (rating, reason); an empty reason raises
    ``DomainError`` naming ``overrides.<element>.reason``.
    """
    chosen = {
        element: (rating, reason)
        for element, rating, reason in (_override(k, v) for k, v in (overrides or {}).items())
    }
    evidence = _evidence(facts)
    ratings = []
    for element in Element:
        items = tuple(e for e in evidence[element] if e.weight > 0)
        computed = rating_for(sum(e.weight for e in items))
        if element in chosen:
            rating, reason = chosen[element]
            ratings.append(
                ElementRating(
                    element, rating, items, computed, overridden=True, override_reason=reason
                )
            )
        else:
            ratings.append(ElementRating(element, computed, items, computed))
    return ElementProfile(tuple(ratings))


def compare(previous: ElementProfile, current: ElementProfile) -> tuple[tuple[Element, int], ...]:
    """Each element with its change in rating (current minus previous), in fixed order."""
    return tuple(
        (element, current.rating(element).rating - previous.rating(element).rating)
        for element in Element
    )


def profile_json(profile: ElementProfile) -> list[dict[str, object]]:
    """The profile as plain JSON values, one object per element."""
    return [
        {
            "element": r.element.value,
            "label": r.element.label,
            "rating": r.rating,
            "computed": r.computed,
            "overridden": r.overridden,
            "override_reason": r.override_reason,
            "evidence": [
                {"text": e.text, "weight": e.weight, "source": e.source} for e in r.evidence
            ],
        }
        for r in profile.ratings
    ]
