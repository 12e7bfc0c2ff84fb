"""Treatment planning: from screening and assessment to a course of care and session steps.

The seeds' numbers are the safe ranges: ischemic compression of 8–12 lb (3.6–5.4 kg) held
30–90 s, discomfort never above 5 of 10, sessions of 60–90 minutes, significant relief
expected within 3–5 sessions.

``propose`` turns the assessment's facts, the element profile and the screening precautions
into a ``Plan``: targets from palpation (active trigger points first), from nerve signs,
examination tests, posture findings and satellites, each step with its technique, the
knowledge base's parameters, the elements of pain it addresses and why it is there. The
rules and numbers (``knowledge/data/planning.toml``) are explained in docs/planning.md.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from typing import Any, Final

from myomap_core import atlas, examination, pressure
from myomap_core.elements import (
    AssessmentFacts,
    Element,
    ElementProfile,
    PalpationFact,
    palpation_elements,
    rate_elements,
)
from myomap_core.errors import DomainError, KnowledgeBaseError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.knowledge.records import Contact
from myomap_core.knowledge.table import Table, closest
from myomap_core.posture import Measure, PostureFinding, findings_for
from myomap_core.pressure import KGF_PER_LBF
from myomap_core.screening import TECHNIQUES, Precautions

HOLD_MIN_S: Final = 30
HOLD_MAX_S: Final = 90
"""Ischemic compression hold, seconds (seed 001)."""

PRESSURE_MIN_LB: Final = 8.0
PRESSURE_MAX_LB: Final = 12.0
"""Ischemic compression pressure, pounds-force (seed 001; CLINICAL.md §6)."""

SESSION_MIN_MINUTES: Final = 60
SESSION_MAX_MINUTES: Final = 90
"""The seed's length of a full session (seed 001); 60 minutes is the default."""

SESSION_LENGTHS: Final = (30, 45, 60, 75, 90)
"""Session lengths a plan can be proposed for, minutes: the seed's 60-90 and shorter
follow-up visits of 30 and 45 minutes [ours]."""
DEFAULT_SESSION_MINUTES: Final = SESSION_MIN_MINUTES

DISCOMFORT_MAX: Final = 5
"""Discomfort on the 0–10 session scale must never go above this (seed 001)."""


class Technique(StrEnum):
    """The hands-on techniques a plan step can use."""

    ISCHEMIC_COMPRESSION = "ischemic_compression"
    POSITIONAL_RELEASE = "positional_release"
    CROSS_FIBRE_FRICTION = "cross_fibre_friction"
    FACILITATED_STRETCH = "facilitated_stretch"

    @property
    def label(self) -> str:
        return self.value.replace("cross_fibre", "cross-fibre").replace("_", " ").capitalize()


KG_PER_LB: Final = KGF_PER_LBF
PRESSURE_MAX_KG: Final = round(PRESSURE_MAX_LB * KGF_PER_LBF, 2)
"""12 lb in kilograms (5.44 kg); shown to one decimal as 5.4 kg."""

STEP_HOLD_LIMIT_S: Final = 180
"""Longest hold a step can even be written with (the knowledge base's longest positional
release); ``check_step`` then holds every step to ``HOLD_MAX_S``."""
STEP_PRESSURE_LIMIT_KG: Final = round(30 * KGF_PER_LBF, 1)
"""Largest pressure a step can be written with (the knowledge base's bound, 30 lb);
``check_step`` then holds every step to 12 lb and the precaution cap."""
REPETITIONS: Final = (1, 10)
DURATION_S: Final = (5, 600)
CONTRACT_S: Final = (3, 15)
DATA_FILE: Final = "planning.toml"

PRESSURE_TECHNIQUES: Final = frozenset(
    {Technique.ISCHEMIC_COMPRESSION, Technique.CROSS_FIBRE_FRICTION}
)
"""Techniques that press into the tissue (and take a pressure range)."""

_WITHIN_TARGET_ORDER: Final = (
    Technique.POSITIONAL_RELEASE,
    Technique.ISCHEMIC_COMPRESSION,
    Technique.CROSS_FIBRE_FRICTION,
    Technique.FACILITATED_STRETCH,
)
"""Order of the steps on one muscle: positional release first (seed000: release, then
trigger point work), compression, friction, then the stretch."""


def kg_to_lb(kg: float) -> float:
    """Kilograms-force to pounds-force."""
    return kg / KGF_PER_LBF


def lb_to_kg(lb: float) -> float:
    """Pounds-force to kilograms-force."""
    return lb * KGF_PER_LBF


def pressure_text(kg: float) -> str:
    """A pressure in kilograms and pounds, e.g. ``2.0 kg (4.4 lb)``."""
    return f"{kg:.1f} kg ({kg_to_lb(kg):.1f} lb)"


# --------------------------------------------------------------------------- rules (data)


@dataclass(frozen=True, slots=True)
class Restriction:
    """A screening restriction and the plan techniques it rules out.

    ``muscles``/``areas``: when given, the restriction applies only to steps on those
    muscles or on trigger points in those areas (deep abdominal work).
    """

    id: str
    rules_out: frozenset[Technique]
    muscles: frozenset[str]
    areas: frozenset[str]
    source: str

    def applies_to(self, muscle_id: str, trigger_point: str | None) -> bool:
        if not self.muscles and not self.areas:
            return True
        if muscle_id in self.muscles:
            return True
        return bool(_areas_of(muscle_id, trigger_point) & self.areas)


@dataclass(frozen=True, slots=True)
class NerveRule:
    """Muscles that can entrap a nerve, and the signs that point to that nerve."""

    id: str
    nerve: str
    tests: tuple[str, ...]
    areas: frozenset[str]
    muscles: tuple[str, ...]
    source: str
    chapter: str | None


@dataclass(frozen=True, slots=True)
class CourseRules:
    """Course-of-care numbers [ours] (planning.toml ``[course]``)."""

    initial_sessions: int
    initial_sessions_light: int
    chronic_initial_sessions: int
    sessions_per_week: int
    sessions_per_week_light: int
    review_at_session: int
    maintenance_every_weeks: int
    chronic_maintenance_every_weeks: int
    source: str


@dataclass(frozen=True, slots=True)
class PlanningRules:
    """Everything in planning.toml, checked once."""

    check_in_minutes: int
    warm_up_minutes: int
    closing_minutes: int
    locate_s: int
    rest_between_s: int
    stretch_cycle_extra_s: int
    compression_hold_s: int
    compression_repetitions: int
    very_tender: int
    low_fraction_of_cap: float
    capabilities: Mapping[Technique, frozenset[Element]]
    capability_why: Mapping[Technique, str]
    capability_source: Mapping[Technique, str]
    restrictions: Mapping[str, Restriction]
    nerves: tuple[NerveRule, ...]
    course: CourseRules

    @property
    def fixed_minutes(self) -> int:
        """Check-in, warm-up and closing: the part of a session that is not steps."""
        return self.check_in_minutes + self.warm_up_minutes + self.closing_minutes


def _elements(table: Table, key: str) -> frozenset[Element]:
    found: set[Element] = set()
    for value in table.texts(key):
        try:
            found.add(Element(value))
        except ValueError:
            raise table.error(
                key, f"unknown element {value!r}", value, closest(value, [e.value for e in Element])
            ) from None
    return frozenset(found)


def _technique(table: Table, key: str, value: str) -> Technique:
    try:
        return Technique(value)
    except ValueError:
        raise table.error(
            key, f"unknown technique {value!r}", value, closest(value, [t.value for t in Technique])
        ) from None


def _muscle_ids(table: Table, key: str) -> tuple[str, ...]:
    kb = load_knowledge_base()
    ids = table.texts(key)
    known = {m.id for m in kb.muscles}
    for muscle_id in ids:
        if muscle_id not in known:
            raise table.error(
                key, f"unknown muscle {muscle_id!r}", muscle_id, closest(muscle_id, known)
            )
    return ids


def _area_ids(table: Table, key: str) -> frozenset[str]:
    known = {a.id for a in atlas.areas()}
    ids = table.texts(key)
    for area_id in ids:
        if area_id not in known:
            raise table.error(key, f"unknown area {area_id!r}", area_id, closest(area_id, known))
    return frozenset(ids)


def _source_id(table: Table, key: str = "source") -> str:
    value = table.text(key)
    sources = load_knowledge_base().sources
    if value not in sources:
        raise table.error(key, f"unknown source {value!r}", value, closest(value, sources))
    return value


@functools.cache
def rules() -> PlanningRules:
    """The planning rules from planning.toml (read and checked once)."""
    file = resources.files("myomap_core.knowledge").joinpath("data", DATA_FILE)
    try:
        with file.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise KnowledgeBaseError(str(error), field=DATA_FILE) from None
    top = Table(DATA_FILE, "", data)

    session = top.table("session")
    fixed = (
        session.integer("check_in_minutes"),
        session.integer("warm_up_minutes"),
        session.integer("closing_minutes"),
    )
    _source_id(session)
    session.build(lambda: None)
    if sum(fixed) >= min(SESSION_LENGTHS):
        raise session.error("closing_minutes", "fixed parts leave no time for steps", sum(fixed))

    timing = top.table("timing")
    locate_s = timing.integer("locate_s")
    rest_s = timing.integer("rest_between_s")
    stretch_extra = timing.integer("stretch_cycle_extra_s")
    _source_id(timing)
    timing.build(lambda: None)

    comp = top.table("compression")
    hold = comp.integer("hold_s")
    if not HOLD_MIN_S <= hold <= HOLD_MAX_S:
        raise comp.error("hold_s", f"must be {HOLD_MIN_S}-{HOLD_MAX_S} s", hold)
    reps = comp.integer("repetitions")
    very_tender = comp.integer("very_tender")
    fraction = comp.number("low_fraction_of_cap")
    if fraction is None or not 0 < fraction < 1:
        raise comp.error("low_fraction_of_cap", "must be between 0 and 1", fraction)
    _source_id(comp)
    comp.build(lambda: None)
    stretch = top.table("stretch")
    _source_id(stretch)
    stretch.build(lambda: None)

    capabilities: dict[Technique, frozenset[Element]] = {}
    why: dict[Technique, str] = {}
    capability_source: dict[Technique, str] = {}
    for t in top.tables("technique", required=True):
        technique = _technique(t, "id", t.text("id"))
        capabilities[technique] = _elements(t, "elements")
        why[technique] = t.text("why")
        capability_source[technique] = _source_id(t)
        t.build(lambda: None)
    missing = [t.value for t in Technique if t not in capabilities]
    if missing:
        raise top.error("technique", "every technique needs its elements", missing[0])

    restrictions: dict[str, Restriction] = {}
    for t in top.tables("restriction", required=True):
        restriction_id = t.text("id")
        if restriction_id not in TECHNIQUES:
            raise t.error(
                "id",
                "unknown screening restriction",
                restriction_id,
                closest(restriction_id, TECHNIQUES),
            )
        rules_out = frozenset(_technique(t, "rules_out", v) for v in t.texts("rules_out"))
        restrictions[restriction_id] = Restriction(
            restriction_id,
            rules_out,
            frozenset(_muscle_ids(t, "muscles")),
            _area_ids(t, "areas"),
            _source_id(t),
        )
        t.build(lambda: None)
    missing = [r for r in TECHNIQUES if r not in restrictions]
    if missing:
        raise top.error("restriction", "every screening restriction needs a row", missing[0])

    tests = {t.id for t in examination.exam_tests()}
    nerves: list[NerveRule] = []
    for t in top.tables("nerve", required=True):
        rule_tests = t.texts("tests")
        for test_id in rule_tests:
            if test_id not in tests:
                raise t.error(
                    "tests", f"unknown test {test_id!r}", test_id, closest(test_id, tests)
                )
        values = (t.text("id"), t.text("nerve"))
        areas = _area_ids(t, "areas")
        muscles = _muscle_ids(t, "muscles")
        source = _source_id(t)
        chapter = t.optional_text("chapter")
        nerves.append(
            t.build(
                functools.partial(NerveRule, *values, rule_tests, areas, muscles, source, chapter)
            )
        )

    c = top.table("course")
    course = CourseRules(
        c.integer("initial_sessions"),
        c.integer("initial_sessions_light"),
        c.integer("chronic_initial_sessions"),
        c.integer("sessions_per_week"),
        c.integer("sessions_per_week_light"),
        c.integer("review_at_session"),
        c.integer("maintenance_every_weeks"),
        c.integer("chronic_maintenance_every_weeks"),
        _source_id(c),
    )
    c.build(lambda: None)
    top.build(lambda: None)
    return PlanningRules(
        *fixed,
        locate_s,
        rest_s,
        stretch_extra,
        hold,
        reps,
        very_tender,
        fraction,
        capabilities,
        why,
        capability_source,
        restrictions,
        tuple(nerves),
        course,
    )


def fixed_minutes() -> int:
    """Minutes of every session spent on check-in, warm-up and closing [ours]."""
    return rules().fixed_minutes


def step_budget(session_minutes: int) -> int:
    """Minutes left for steps in a session of this length."""
    return session_minutes - fixed_minutes()


# --------------------------------------------------------------------------- places


def _areas_of(muscle_id: str, trigger_point: str | None) -> frozenset[str]:
    """Atlas areas a step works in: its trigger point's area, or every trigger point's."""
    muscle = load_knowledge_base().muscle(muscle_id)
    if trigger_point is not None:
        return frozenset({muscle.trigger_point(trigger_point).area})
    return frozenset(p.area for p in muscle.trigger_points)


def _regions_of(muscle_id: str, trigger_point: str | None, side: str | None) -> frozenset[str]:
    """Atlas region ids a step works in (both sides when ``side`` is None)."""
    found: set[str] = set()
    for area_id in _areas_of(muscle_id, trigger_point):
        ids = atlas.region_ids_for_area(area_id)
        if side is None or len(ids) == 1:
            found.update(ids)
        else:
            found.update(i for i in ids if i.endswith(f"_{side}"))
    return frozenset(found)


def _avoided_regions(precautions: Precautions | None) -> frozenset[str]:
    """Region ids to avoid; an area id in the precautions covers both its sides."""
    found: set[str] = set()
    for item in precautions.regions_to_avoid if precautions else ():
        try:
            found.update(atlas.region_ids_for_area(item))
        except DomainError:
            found.add(item)
    return frozenset(found)


def _region_labels(region_ids: Iterable[str]) -> str:
    labels = []
    for region_id in sorted(region_ids):
        try:
            labels.append(atlas.region(region_id).label)
        except DomainError:
            labels.append(region_id)
    return ", ".join(labels)


def avoided_regions_of(
    muscle_id: str, trigger_point: str | None, side: str | None, precautions: Precautions | None
) -> frozenset[str]:
    """The regions to avoid that a step on this muscle (trigger point, side) would touch."""
    return _regions_of(muscle_id, trigger_point, side) & _avoided_regions(precautions)


def ruled_out_by(
    technique: Technique, muscle_id: str, trigger_point: str | None, precautions: Precautions | None
) -> tuple[str, ...]:
    """The screening restrictions that rule this technique out on this muscle."""
    if precautions is None:
        return ()
    table = rules().restrictions
    return tuple(
        r
        for r in precautions.techniques_not_allowed
        if r in table
        and technique in table[r].rules_out
        and table[r].applies_to(muscle_id, trigger_point)
    )


# --------------------------------------------------------------------------- steps


def _whole(field: str, value: object, low: int, high: int, unit: str = "") -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DomainError(
            f"must be a whole number from {low} to {high}{unit}", field=field, value=value
        )


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a session: a muscle (and trigger point), a technique and its parameters.

    Validates itself against absolute limits and names the bad field; ``check_step`` then
    holds it to the seed's safe ranges and the client's precautions.
    """

    muscle_id: str
    trigger_point: str | None
    side: str | None
    technique: Technique
    pressure_kg: tuple[float, float] | None = None
    contact: str | None = None
    hold_s: int | None = None
    repetitions: int = 1
    duration_s: int | None = None
    position: str = ""
    contract_s: int | None = None
    elements: tuple[Element, ...] = ()
    reasons: tuple[str, ...] = ()
    source: str = ""

    def __post_init__(self) -> None:
        kb = load_knowledge_base()
        try:
            muscle = kb.muscle(self.muscle_id)
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
                    suggestions=closest(str(self.trigger_point), ids),
                )
        if self.side not in (None, "left", "right"):
            raise DomainError("must be left, right or empty", field="side", value=self.side)
        try:
            technique = Technique(self.technique)
        except ValueError:
            raise DomainError(
                "unknown technique",
                field="technique",
                value=self.technique,
                suggestions=closest(str(self.technique), [t.value for t in Technique]),
            ) from None
        object.__setattr__(self, "technique", technique)
        self._check_pressure(technique)
        if self.contact is not None:
            try:
                Contact(self.contact)
            except ValueError:
                raise DomainError(
                    "unknown contact",
                    field="contact",
                    value=self.contact,
                    suggestions=[c.value for c in Contact],
                ) from None
        if self.hold_s is not None:
            _whole("hold_s", self.hold_s, 1, STEP_HOLD_LIMIT_S, " s")
        elif technique in (Technique.ISCHEMIC_COMPRESSION, Technique.POSITIONAL_RELEASE):
            raise DomainError(f"{technique.label} needs a hold time", field="hold_s")
        _whole("repetitions", self.repetitions, *REPETITIONS)
        if self.duration_s is not None:
            _whole("duration_s", self.duration_s, *DURATION_S, " s")
        elif technique is Technique.CROSS_FIBRE_FRICTION:
            raise DomainError("cross-fibre friction needs a duration", field="duration_s")
        if self.contract_s is not None:
            _whole("contract_s", self.contract_s, *CONTRACT_S, " s")
        elif technique is Technique.FACILITATED_STRETCH:
            raise DomainError("facilitated stretch needs a contraction time", field="contract_s")
        if not isinstance(self.position, str):
            raise DomainError("must be text", field="position", value=self.position)
        elements: list[Element] = []
        for i, value in enumerate(self.elements):
            try:
                element = Element(value)
            except ValueError:
                raise DomainError(
                    "unknown element of pain",
                    field=f"elements[{i}]",
                    value=value,
                    suggestions=closest(str(value), [e.value for e in Element]),
                ) from None
            if element in elements:
                raise DomainError("lists an element twice", field=f"elements[{i}]", value=value)
            elements.append(element)
        object.__setattr__(self, "elements", tuple(elements))
        object.__setattr__(self, "reasons", tuple(self.reasons))
        for i, reason in enumerate(self.reasons):
            if not isinstance(reason, str) or not reason.strip():
                raise DomainError("must be non-empty text", field=f"reasons[{i}]", value=reason)

    def _check_pressure(self, technique: Technique) -> None:
        if self.pressure_kg is None:
            if technique is Technique.ISCHEMIC_COMPRESSION:
                raise DomainError(
                    "ischemic compression needs a pressure range", field="pressure_kg"
                )
            return
        if technique not in PRESSURE_TECHNIQUES:
            raise DomainError(
                f"{technique.label.lower()} takes no pressure range",
                field="pressure_kg",
                value=self.pressure_kg,
            )
        value = self.pressure_kg
        if (
            not isinstance(value, tuple | list)
            or len(value) != 2
            or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                for v in value
            )
        ):
            raise DomainError(
                "must be a (low, high) pair of kilograms", field="pressure_kg", value=value
            )
        low, high = float(value[0]), float(value[1])
        if not 0 < low < high:
            raise DomainError("must satisfy 0 < low < high", field="pressure_kg", value=value)
        if high > STEP_PRESSURE_LIMIT_KG:
            raise DomainError(
                f"must be at most {pressure_text(STEP_PRESSURE_LIMIT_KG)}",
                field="pressure_kg",
                value=value,
            )
        object.__setattr__(self, "pressure_kg", (low, high))

    @property
    def pressure_lb(self) -> tuple[float, float] | None:
        """The pressure range in pounds, to one decimal."""
        if self.pressure_kg is None:
            return None
        return (round(kg_to_lb(self.pressure_kg[0]), 1), round(kg_to_lb(self.pressure_kg[1]), 1))

    @property
    def seconds(self) -> int:
        """Estimated time in seconds: locating and positioning plus the work itself [ours]."""
        r = rules()
        work = 0
        if self.technique is Technique.ISCHEMIC_COMPRESSION:
            work = self.repetitions * ((self.hold_s or 0) + r.rest_between_s)
        elif self.technique is Technique.POSITIONAL_RELEASE:
            work = self.repetitions * (self.hold_s or 0)
        elif self.technique is Technique.CROSS_FIBRE_FRICTION:
            work = self.repetitions * (self.duration_s or 0)
        else:
            work = self.repetitions * ((self.contract_s or 0) + r.stretch_cycle_extra_s)
        return r.locate_s + work

    @property
    def minutes(self) -> float:
        """Estimated minutes, rounded up to the half minute."""
        return math.ceil(self.seconds / 30) / 2

    @property
    def label(self) -> str:
        """Muscle, trigger point and side in words."""
        return _where(self.muscle_id, self.trigger_point, self.side)


def _where(muscle_id: str, trigger_point: str | None, side: str | None) -> str:
    muscle = load_knowledge_base().muscle(muscle_id)
    text = muscle.name
    if trigger_point is not None:
        text += f" ({muscle.trigger_point(trigger_point).label})"
    if side:
        text += f", {side}"
    return text


def check_step(step: Step, precautions: Precautions | None) -> None:
    """Refuse a step outside the seed's safe ranges or the client's precautions.

    Raises ``DomainError`` naming the field: ``hold_s`` above 90 s (or below 30 s for
    compression), ``pressure_kg`` above 12 lb or the precaution cap, ``technique`` ruled
    out by the precautions, ``muscle_id``/``trigger_point`` in a region to avoid.
    """
    if step.hold_s is not None and step.hold_s > HOLD_MAX_S:
        raise DomainError(
            f"a hold of {step.hold_s} s is too long: at most {HOLD_MAX_S} s",
            field="hold_s",
            value=step.hold_s,
        )
    if (
        step.technique is Technique.ISCHEMIC_COMPRESSION
        and step.hold_s is not None
        and step.hold_s < HOLD_MIN_S
    ):
        raise DomainError(
            f"a compression hold of {step.hold_s} s is too short: at least {HOLD_MIN_S} s",
            field="hold_s",
            value=step.hold_s,
        )
    if step.pressure_kg is not None and step.pressure_kg[1] > PRESSURE_MAX_KG + 0.05:
        raise DomainError(
            f"{pressure_text(step.pressure_kg[1])} is above the safe maximum of "
            f"{PRESSURE_MAX_LB:g} lb ({PRESSURE_MAX_KG:.1f} kg)",
            field="pressure_kg",
            value=step.pressure_kg,
        )
    if precautions is None:
        return
    restrictions = ruled_out_by(step.technique, step.muscle_id, step.trigger_point, precautions)
    if restrictions:
        labels = ", ".join(TECHNIQUES[r].lower() for r in restrictions)
        raise DomainError(
            f"{step.technique.label} is ruled out by the screening precautions "
            f"(not allowed: {labels})",
            field="technique",
            value=step.technique.value,
        )
    avoided = avoided_regions_of(step.muscle_id, step.trigger_point, step.side, precautions)
    if avoided:
        raise DomainError(
            f"{step.label} lies in a region to avoid: {_region_labels(avoided)}",
            field="trigger_point" if step.trigger_point else "muscle_id",
            value=step.trigger_point or step.muscle_id,
        )
    cap = precautions.max_pressure_kg
    if cap is not None and step.pressure_kg is not None and step.pressure_kg[1] > cap + 1e-9:
        raise DomainError(
            f"{pressure_text(step.pressure_kg[1])} is above the precaution cap of "
            f"{pressure_text(cap)}",
            field="pressure_kg",
            value=step.pressure_kg,
        )


def total_minutes(steps: Sequence[Step]) -> float:
    """Estimated minutes of all steps together."""
    return sum(step.minutes for step in steps)


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True, slots=True)
class PlanInput:
    """What a plan is proposed from. ``profile`` None: rated from ``facts``.

    ``chronic``: pain for 3 months or longer. ``session_minutes``: one of
    ``SESSION_LENGTHS``.
    """

    facts: AssessmentFacts
    profile: ElementProfile | None
    precautions: Precautions | None
    chronic: bool = False
    session_minutes: int = DEFAULT_SESSION_MINUTES

    def __post_init__(self) -> None:
        if not isinstance(self.chronic, bool):
            raise DomainError("must be true or false", field="chronic", value=self.chronic)
        check_session_minutes(self.session_minutes)


def check_session_minutes(value: object) -> int:
    """The session length if it is one of ``SESSION_LENGTHS``; else ``DomainError``
    naming ``session_minutes``."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in SESSION_LENGTHS:
        lengths = ", ".join(str(m) for m in SESSION_LENGTHS[:-1])
        raise DomainError(
            f"must be {lengths} or {SESSION_LENGTHS[-1]} minutes",
            field="session_minutes",
            value=value,
        )
    return value


@dataclass(frozen=True, slots=True)
class Course:
    """The course of care: first block, frequency, review and maintenance, with reasons."""

    initial_sessions: int
    sessions_per_week: int
    review_at_session: int
    maintenance_every_weeks: int | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Coverage:
    """How one element of pain is addressed: the steps (0-based indexes) and a note."""

    element: Element
    rating: int
    step_indexes: tuple[int, ...]
    covered: bool
    note: str


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A step the precautions or the time budget kept out of the session, and why."""

    muscle_id: str
    trigger_point: str | None
    side: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A step the therapist may add with one tap (a satellite or chain partner of an active
    trigger point): not in the plan until added. ``step`` is ready to save."""

    step: Step
    reason: str


@dataclass(frozen=True, slots=True)
class Plan:
    """A proposed plan: the course and one session's steps, with coverage, what was left out
    and the steps offered as suggestions."""

    course: Course
    steps: tuple[Step, ...]
    session_minutes: int
    coverage: tuple[Coverage, ...]
    left_out: tuple[LeftOut, ...]
    precautions_applied: tuple[str, ...]
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def fixed_minutes(self) -> int:
        """Check-in, warm-up and closing [ours]."""
        return fixed_minutes()

    @property
    def step_budget(self) -> int:
        """Minutes available for the steps."""
        return step_budget(self.session_minutes)

    @property
    def step_minutes(self) -> float:
        return total_minutes(self.steps)

    @property
    def covered(self) -> bool:
        """Every element found is addressed by at least one step."""
        return all(c.covered for c in self.coverage)


def _step_numbers(indexes: Sequence[int]) -> str:
    numbers = [str(i + 1) for i in indexes]
    if len(numbers) == 1:
        return f"step {numbers[0]}"
    return "steps " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


def coverage_of(steps: Sequence[Step], profile: ElementProfile | None) -> tuple[Coverage, ...]:
    """For each element rated 1 or more, the steps that address it (recomputed after edits)."""
    if profile is None:
        return ()
    result = []
    for rating in profile.ratings:
        if rating.rating < 1:
            continue
        indexes = tuple(i for i, s in enumerate(steps) if rating.element in s.elements)
        if indexes:
            note = f"Addressed by {_step_numbers(indexes)}."
        else:
            note = "Not addressed by any step: add a step that addresses it."
        result.append(Coverage(rating.element, rating.rating, indexes, bool(indexes), note))
    return tuple(result)


# --------------------------------------------------------------------------- targets


@dataclass(slots=True)
class _Target:
    """A muscle (trigger point, side) the findings call for, gathered before steps are made."""

    muscle_id: str
    trigger_point: str | None
    side: str | None
    rank: tuple[int, ...]
    elements: set[Element] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)
    press: bool = False
    short: bool = False
    release: bool = False
    tenderness: int = 0
    taut_band: bool = False

    def add(self, other: _Target) -> None:
        self.rank = min(self.rank, other.rank)
        self.elements |= other.elements
        for reason in other.reasons:
            if reason not in self.reasons:
                self.reasons.append(reason)
        self.press |= other.press
        self.short |= other.short
        self.release |= other.release
        self.tenderness = max(self.tenderness, other.tenderness)
        self.taut_band |= other.taut_band


_TIER_ACTIVE, _TIER_PALPATED, _TIER_NERVE, _TIER_EXAM, _TIER_POSTURE, _TIER_SATELLITE = range(6)


def _palpation_rank(index: int, fact: PalpationFact) -> tuple[int, ...]:
    activity = {True: 0, None: 1, False: 2}[fact.active]
    return (
        _TIER_ACTIVE if fact.active else _TIER_PALPATED,
        activity,
        -(fact.tenderness or 0),
        -int(fact.twitch),
        -int(fact.referral_reproduced),
        index,
    )


def _palpation_reason(fact: PalpationFact) -> str:
    if fact.active is True:
        parts = ["Active trigger point"]
    elif fact.active is False:
        parts = ["Latent trigger point"]
    elif fact.nodule and fact.taut_band:
        parts = ["Nodule in a taut band"]
    else:
        parts = ["Palpation finding"]
    if fact.tenderness is not None:
        parts.append(f"tenderness {fact.tenderness}/3")
    if fact.taut_band and not (fact.active is None and fact.nodule):
        parts.append("taut band")
    if fact.twitch:
        parts.append("local twitch response")
    if fact.referral_reproduced:
        parts.append("reproduced the referral")
    if fact.ppt_kpa is not None:
        parts.append(
            f"pressure pain threshold {pressure.to_unit(fact.ppt_kpa, 'kg_cm2'):.1f} kg/cm²"
        )
    return ", ".join(parts)


def _exam_targets(facts: AssessmentFacts) -> list[_Target]:
    targets: list[_Target] = []
    for index, fact in enumerate(facts.exams):
        test = examination.exam_test(fact.test_id)
        abnormal = test.abnormal(fact.value, fact.positive) is True
        painful = fact.painful and test.category == examination.Category.RANGE_OF_MOTION
        if not (abnormal or painful):
            continue
        where = f"{test.label}, {fact.side}" if fact.side else test.label
        what: list[str] = []
        if abnormal:
            if fact.positive:
                what.append("positive")
            if fact.value is not None and test.result_type == examination.ResultType.GRADE_0_5:
                what.append(f"grade {fact.value:g}/5")
            elif fact.value is not None:
                what.append(
                    f"{fact.value:g}°" + (f" (normal {test.normal})" if test.normal else "")
                )
        if painful:
            what.append("painful")
        reason = f"{where}: {', '.join(what)}; this muscle is one the test implicates"
        side = fact.side
        if test.muscle_side == "opposite" and side is not None:
            side = "left" if side == "right" else "right"
        element = Element(test.element) if abnormal else Element.BIOMECHANICAL_DYSFUNCTION
        elements = {element}
        if painful:
            elements.add(Element.BIOMECHANICAL_DYSFUNCTION)
        category = examination.Category(test.category)
        limited = abnormal and category in (
            examination.Category.RANGE_OF_MOTION,
            examination.Category.MUSCLE_LENGTH,
        )
        for order, muscle_id in enumerate(test.muscles):
            targets.append(
                _Target(
                    muscle_id,
                    None,
                    side,
                    (_TIER_EXAM, index, order),
                    set(elements),
                    [reason],
                    press=abnormal and not limited,
                    short=limited,
                    release=not abnormal,
                )
            )
    return targets


def _nerve_targets(facts: AssessmentFacts) -> list[_Target]:
    abnormal_tests = [
        f
        for f in facts.exams
        if examination.exam_test(f.test_id).abnormal(f.value, f.positive) is True
    ]
    regions = [atlas.region(r) for r in sorted(set(facts.paraesthesia_regions))]
    targets: list[_Target] = []
    for index, rule in enumerate(rules().nerves):
        signs: list[tuple[str, str | None]] = []
        for fact in abnormal_tests:
            if fact.test_id in rule.tests:
                label = examination.exam_test(fact.test_id).label
                signs.append(
                    (f"{label} positive" + (f" ({fact.side})" if fact.side else ""), fact.side)
                )
        for region in regions:
            if region.area in rule.areas:
                side = None if region.side is atlas.Side.MIDLINE else str(region.side.value)
                signs.append((f"tingling or numbness on {region.label}", side))
        if not signs:
            continue
        sides: list[str | None] = [*sorted({s for _, s in signs if s is not None})]
        texts = "; ".join(dict.fromkeys(t for t, _ in signs))
        for side in sides or [None]:
            for order, muscle_id in enumerate(rule.muscles):
                name = load_knowledge_base().muscle(muscle_id).name
                targets.append(
                    _Target(
                        muscle_id,
                        None,
                        side,
                        (_TIER_NERVE, index, order),
                        {Element.NERVE_COMPRESSION},
                        [f"{name} can entrap the {rule.nerve}: {texts}"],
                        press=True,
                    )
                )
    return targets


def _posture_targets(facts: AssessmentFacts) -> tuple[list[_Target], list[LeftOut]]:
    findings: list[PostureFinding] = []
    for item in facts.posture:
        if isinstance(item, Measure):
            findings.extend(findings_for((item,)))
        else:
            findings.append(item)
    targets: list[_Target] = []
    weak: list[LeftOut] = []
    for index, finding in enumerate(findings):
        for order, hypothesis in enumerate(finding.hypotheses):
            reason = f"Posture: {finding.text.rstrip('.')}. {hypothesis.reason}"
            if hypothesis.state == "weak/long":
                weak.append(
                    LeftOut(
                        hypothesis.muscle_id,
                        None,
                        hypothesis.side,
                        f"{reason} Weak and long: it needs strengthening, not release.",
                    )
                )
                continue
            targets.append(
                _Target(
                    hypothesis.muscle_id,
                    None,
                    hypothesis.side,
                    (_TIER_POSTURE, index, order),
                    {Element.POSTURAL_DISTORTION},
                    [reason],
                    short=hypothesis.state == "short/tight",
                    release=hypothesis.state != "short/tight",
                )
            )
    return targets, weak


def _satellite_targets(facts: AssessmentFacts) -> list[_Target]:
    """Satellites of each active trigger point: a satellite muscle's point that lies in the
    active point's referral zone, on the side the zone is on (tss3)."""
    kb = load_knowledge_base()
    targets: list[_Target] = []
    for index, fact in enumerate(facts.palpation):
        if fact.active is not True or fact.trigger_point is None:
            continue
        muscle = kb.muscle(fact.muscle_id)
        point = muscle.trigger_point(fact.trigger_point)
        for order, satellite_id in enumerate(muscle.satellites):
            satellite = kb.muscle(satellite_id)
            for sat_point in satellite.trigger_points:
                zone = next((z for z in point.zones if z.area == sat_point.area), None)
                if zone is None:
                    continue
                side = fact.side
                if zone.side.value == "contralateral" and side is not None:
                    side = "left" if side == "right" else "right"
                elif zone.side.value == "bilateral":
                    side = None
                area = atlas.area(sat_point.area).label
                targets.append(
                    _Target(
                        satellite_id,
                        sat_point.id,
                        side,
                        (_TIER_SATELLITE, index, order),
                        {Element.TRIGGER_POINTS},
                        [
                            f"Satellite of {muscle.name} ({point.label}): its trigger point "
                            f"lies in that point's referral zone ({area.lower()})"
                        ],
                        press=True,
                    )
                )
    return targets


def _chain_partner_targets(facts: AssessmentFacts) -> list[_Target]:
    """Chain partners of each active trigger point: its synergists that share a myofascial
    chain with it, on the same side (the knowledge base's synergists and chains)."""
    kb = load_knowledge_base()
    targets: list[_Target] = []
    for index, fact in enumerate(facts.palpation):
        if fact.active is not True:
            continue
        muscle = kb.muscle(fact.muscle_id)
        for order, partner_id in enumerate(muscle.synergists):
            partner = kb.muscle(partner_id)
            shared = sorted(set(muscle.chains) & set(partner.chains))
            if not shared:
                continue
            chain = kb.chains[shared[0]].label
            targets.append(
                _Target(
                    partner_id,
                    None,
                    fact.side,
                    (_TIER_SATELLITE + 1, index, order),
                    {Element.TRIGGER_POINTS},
                    [
                        f"Chain partner of {muscle.name}: a synergist on the same chain "
                        f"({chain}); check it for trigger points"
                    ],
                    press=True,
                )
            )
    return targets


def _finding_sides(facts: AssessmentFacts) -> set[str]:
    """The sides any finding is on: palpation, examination, body-map tingling, posture."""
    sides = {f.side for f in facts.palpation if f.side}
    sides |= {f.side for f in facts.exams if f.side}
    for region_id in facts.paraesthesia_regions:
        side = atlas.region(region_id).side
        if side is not atlas.Side.MIDLINE:
            sides.add(str(side.value))
    for item in facts.posture:
        found = findings_for((item,)) if isinstance(item, Measure) else (item,)
        sides |= {h.side for f in found for h in f.hypotheses if h.side}
    return sides


def _gather(facts: AssessmentFacts, profile: ElementProfile) -> tuple[list[_Target], list[LeftOut]]:
    """Every target the findings call for, merged per muscle and side, best first.

    Nerve-entrapment muscles come in only while nerve compression is rated above 0 (a
    therapist's override to 0 drops them).
    """
    targets: list[_Target] = []
    for index, fact in enumerate(facts.palpation):
        elements = set(palpation_elements(fact, facts))
        if not elements and not fact.tenderness:
            continue
        target = _Target(
            fact.muscle_id,
            fact.trigger_point,
            fact.side,
            _palpation_rank(index, fact),
            elements,
            [_palpation_reason(fact)],
            press=True,
            tenderness=fact.tenderness or 0,
            taut_band=fact.taut_band,
        )
        key = (fact.muscle_id, fact.trigger_point, fact.side)
        twin = next((t for t in targets if (t.muscle_id, t.trigger_point, t.side) == key), None)
        if twin is None:
            targets.append(target)
        else:  # the same point palpated twice: one step
            twin.add(target)
    posture, weak = _posture_targets(facts)
    nerves = _nerve_targets(facts) if profile.rating(Element.NERVE_COMPRESSION).rating else []
    others = nerves + _exam_targets(facts) + posture
    sides = _finding_sides(facts)
    for other in sorted(others, key=lambda t: t.rank):
        if other.side is None and len(sides) == 1:
            # Sides only where findings are: a finding with no side goes to the one side
            # every sided finding is on, not to both.
            other.side = next(iter(sides))
        same = [
            t
            for t in targets
            if t.muscle_id == other.muscle_id
            and (t.side == other.side or other.side is None)
            and (other.trigger_point is None or t.trigger_point in (None, other.trigger_point))
        ]
        if other.side is None and same:
            for target in same:  # a sideless finding joins the muscle's sided targets
                target.add(other)
        elif same:
            same[0].add(other)
        else:
            targets.append(other)
    _add_chain_reasons(targets, facts)
    targets.sort(key=lambda t: t.rank)
    treated = {(t.muscle_id, t.side) for t in targets}
    weak = [w for w in weak if (w.muscle_id, w.side) not in treated]
    return targets, weak


def _add_chain_reasons(targets: list[_Target], facts: AssessmentFacts) -> None:
    kb = load_knowledge_base()
    active = [f for f in facts.palpation if f.active is True]
    for target in targets:
        if target.rank[0] in (_TIER_ACTIVE, _TIER_PALPATED):
            continue
        chains = set(kb.muscle(target.muscle_id).chains)
        for fact in active:
            if fact.muscle_id == target.muscle_id:
                continue
            shared = sorted(chains & set(kb.muscle(fact.muscle_id).chains))
            if shared:
                chain = kb.chains[shared[0]].label
                reason = (
                    f"Same chain ({chain}) as the active trigger point in "
                    f"{kb.muscle(fact.muscle_id).name}"
                )
                if reason not in target.reasons:
                    target.reasons.append(reason)


# --------------------------------------------------------------------------- steps from targets


def _primary_options(target: _Target) -> list[Technique]:
    """The one primary technique a target gets, best first, with its fallback.

    A point to press: ischemic compression (seed000), positional release first when it is
    very tender (planning.toml ``very_tender``) or when compression is ruled out. A muscle
    only to release: positional release. A short muscle with nothing to press or release
    gets no primary technique, only its stretch.
    """
    if target.press:
        if target.tenderness >= rules().very_tender:
            return [Technique.POSITIONAL_RELEASE, Technique.ISCHEMIC_COMPRESSION]
        return [Technique.ISCHEMIC_COMPRESSION, Technique.POSITIONAL_RELEASE]
    if target.release or not target.short:
        return [Technique.POSITIONAL_RELEASE]
    return []


def _adjuncts(target: _Target) -> list[Technique]:
    """Techniques a finding calls for besides the primary: a short muscle gets a
    facilitated stretch (facstretch)."""
    return [Technique.FACILITATED_STRETCH] if target.short else []


def compression_range(
    pressure_lb: tuple[float, float], cap: float | None
) -> tuple[tuple[float, float] | None, bool]:
    """The compression range in kg under the cap (None if the cap leaves nothing to press
    with); the flag says the cap lowered it."""
    low_lb, high_lb = pressure_lb
    high_lb = min(high_lb, PRESSURE_MAX_LB)
    low_lb = min(low_lb, high_lb)
    low, high = round(lb_to_kg(low_lb), 2), round(lb_to_kg(high_lb), 2)
    lowered = False
    if cap is not None and high > cap:
        high = math.floor(cap * 100 + 1e-9) / 100
        lowered = True
        if low >= high:
            low = math.floor(high * rules().low_fraction_of_cap * 100) / 100
    if low >= high:
        low = round(high - 0.01, 2)
    if low <= 0 or high <= 0:
        return None, lowered
    return (low, high), lowered


def _new(target: _Target, technique: Technique, **params: Any) -> Step:
    r = rules()
    elements = tuple(e for e in Element if e in target.elements & r.capabilities[technique])
    return Step(
        target.muscle_id,
        target.trigger_point,
        target.side,
        technique,
        elements=elements,
        reasons=tuple(target.reasons),
        source=r.capability_source[technique],
        **params,
    )


def _make_step(
    target: _Target, technique: Technique, cap: float | None
) -> tuple[Step | None, bool]:
    """The step for this technique with the knowledge base's parameters; None when the
    muscle has no such technique or the cap leaves no pressure; the flag says the cap
    lowered the pressure."""
    r = rules()
    t = load_knowledge_base().muscle(target.muscle_id).techniques
    if technique is Technique.ISCHEMIC_COMPRESSION:
        ic = t.ischemic_compression
        kg, lowered = compression_range(ic.pressure_lb, cap)
        if kg is None:
            return None, lowered
        hold = max(ic.hold_s[0], min(r.compression_hold_s, ic.hold_s[1], HOLD_MAX_S))
        step = _new(
            target,
            technique,
            pressure_kg=kg,
            contact=ic.contact.value,
            hold_s=hold,
            repetitions=r.compression_repetitions,
        )
        return step, lowered
    if technique is Technique.POSITIONAL_RELEASE:
        pr = t.positional_release
        if pr is None:
            return None, False
        return _new(
            target, technique, hold_s=min(pr.hold_s, HOLD_MAX_S), position=pr.position
        ), False
    if technique is Technique.CROSS_FIBRE_FRICTION:
        cf = t.cross_fibre_friction
        if cf is None:
            return None, False
        duration = int(round((cf.duration_s[0] + cf.duration_s[1]) / 20) * 10)
        return _new(target, technique, duration_s=duration), False
    fs = t.facilitated_stretch
    if fs is None:
        return None, False
    step = _new(
        target,
        technique,
        position=fs.position,
        contract_s=fs.contract_s,
        repetitions=fs.repetitions,
    )
    return step, False


def default_step(
    muscle_id: str,
    trigger_point: str | None,
    side: str | None,
    technique: Technique | str,
    precautions: Precautions | None = None,
    *,
    elements: Iterable[Element | str] = (),
    reasons: Iterable[str] = (),
) -> Step | None:
    """A step with the knowledge base's parameters, as ``propose`` makes them (compression
    under the precaution cap); ``elements`` are kept only where the technique addresses
    them. None where the muscle has no such technique or the cap leaves nothing to press
    with. The step is not checked against the precautions: call ``check_step``."""
    target = _Target(
        muscle_id,
        trigger_point,
        side,
        (0,),
        {Element(e) for e in elements},
        list(reasons),
    )
    cap = precautions.max_pressure_kg if precautions else None
    step, _ = _make_step(target, Technique(technique), cap)
    return step


@dataclass(slots=True)
class _Candidate:
    step: Step
    order: tuple[int, ...]
    primary: bool
    core: bool
    """A palpated point (or an adjunct a finding calls for on it); other candidates come
    in only to cover an element nothing else covers, else they are suggestions."""


def _course(profile: ElementProfile, chronic: bool) -> Course:
    c = rules().course
    top = max((r.rating for r in profile.ratings), default=0)
    reasons: list[str] = []
    if chronic:
        initial = c.chronic_initial_sessions
        maintenance = c.chronic_maintenance_every_weeks
        reasons.append(
            f"Pain for 3 months or longer: a longer first block of {initial} sessions, "
            "since chronic pain recovers in layers."
        )
    elif top <= 1:
        initial = c.initial_sessions_light
        maintenance = c.maintenance_every_weeks
        reasons.append(
            f"Recent pain with no element rated above 1: a first block of {initial} sessions."
        )
    else:
        initial = c.initial_sessions
        maintenance = c.maintenance_every_weeks
        reasons.append(f"Recent pain: a first block of {initial} sessions.")
    if top >= 3:
        per_week = c.sessions_per_week
        reasons.append(
            f"{per_week} sessions a week while an element of pain is rated 3 of 3 "
            "(crisis care), fewer as it settles."
        )
    else:
        per_week = c.sessions_per_week_light
        reasons.append(f"{per_week} session a week: no element is rated 3 of 3.")
    reasons.append(
        f"Review at session {c.review_at_session}: most clients feel significant relief "
        "within 3-5 targeted sessions; without meaningful improvement by then, review the plan "
        "or refer."
    )
    reasons.append(
        f"Then maintenance every {maintenance} weeks, reassessing the trigger points each time"
        + ("; chronic cases need it closer together." if chronic else ".")
    )
    return Course(initial, per_week, c.review_at_session, maintenance, tuple(reasons))


def _labels(restrictions: Iterable[str]) -> str:
    return ", ".join(TECHNIQUES[r].lower() for r in restrictions)


def propose(data: PlanInput) -> Plan:
    """Propose a plan: the course of care and one session's steps, within the time budget,
    honouring every precaution and addressing every element of pain found.

    Pure and deterministic: the same input gives the same plan.
    """
    facts, precautions = data.facts, data.precautions
    profile = data.profile if data.profile is not None else rate_elements(facts)
    cap = precautions.max_pressure_kg if precautions else None
    targets, weak = _gather(facts, profile)

    left_out: list[LeftOut] = []
    candidates: list[_Candidate] = []
    blocked: dict[Element, list[str]] = {}
    lowered_steps = 0
    substituted: dict[str, int] = {}
    avoided_count = 0

    def note_blocked(elements: Iterable[Element], why: str) -> None:
        for element in elements:
            blocked.setdefault(element, []).append(why)

    for t_index, target in enumerate(targets):
        where = _where(target.muscle_id, target.trigger_point, target.side)
        avoided = avoided_regions_of(
            target.muscle_id, target.trigger_point, target.side, precautions
        )
        if avoided:
            why = f"lies in a region to avoid ({_region_labels(avoided)})"
            left_out.append(
                LeftOut(
                    target.muscle_id,
                    target.trigger_point,
                    target.side,
                    f"{where} {why}; no step on it while the precaution stands.",
                )
            )
            note_blocked(target.elements, f"{where} {why}")
            avoided_count += 1
            continue
        primary: Step | None = None
        for technique in _primary_options(target):
            restrictions = ruled_out_by(
                technique, target.muscle_id, target.trigger_point, precautions
            )
            if restrictions:
                for r in restrictions:
                    substituted[r] = substituted.get(r, 0) + 1
                note_blocked(
                    target.elements & rules().capabilities[technique],
                    f"{technique.label.lower()} is ruled out on {where}",
                )
                continue
            step, lowered = _make_step(target, technique, cap)
            if step is not None:
                primary = step
                lowered_steps += int(lowered)
                break
        if primary is None and _primary_options(target):
            left_out.append(
                LeftOut(
                    target.muscle_id,
                    target.trigger_point,
                    target.side,
                    f"{where}: no technique the precautions allow; no step on it.",
                )
            )
        made = [primary] if primary is not None else []
        for technique in _adjuncts(target):
            restrictions = ruled_out_by(
                technique, target.muscle_id, target.trigger_point, precautions
            )
            if restrictions:
                for r in restrictions:
                    substituted[r] = substituted.get(r, 0) + 1
                note_blocked(
                    target.elements & rules().capabilities[technique],
                    f"{technique.label.lower()} is ruled out on {where}",
                )
                if primary is None or primary.technique is not Technique.POSITIONAL_RELEASE:
                    # Positional release takes the ruled-out stretch's place.
                    technique = Technique.POSITIONAL_RELEASE
                else:
                    continue
            step, _ = _make_step(target, technique, cap)
            if step is not None:
                made.append(step)
        for position, step in enumerate(made):
            order = (t_index, _WITHIN_TARGET_ORDER.index(step.technique))
            core = target.rank[0] in (_TIER_ACTIVE, _TIER_PALPATED)
            candidates.append(_Candidate(step, order, position == 0, core))

    # Coverage first, then fill in priority order, within the budget.
    budget = step_budget(data.session_minutes)
    queue = sorted(candidates, key=lambda c: (not c.core, not c.primary))
    chosen_ids: set[int] = set()
    used = 0.0
    rated = sorted(
        (r for r in profile.ratings if r.rating >= 1),
        key=lambda r: (-r.rating, list(Element).index(r.element)),
    )
    for rating in rated:
        if any(rating.element in queue[i].step.elements for i in chosen_ids):
            continue
        for i, candidate in enumerate(queue):
            if (
                rating.element in candidate.step.elements
                and used + candidate.step.minutes <= budget
            ):
                chosen_ids.add(i)
                used += candidate.step.minutes
                break
    offered: list[Suggestion] = []
    for i, candidate in enumerate(queue):
        if i in chosen_ids:
            continue
        if not candidate.core:
            offered.append(Suggestion(candidate.step, candidate.step.reasons[0]))
            continue
        if used + candidate.step.minutes <= budget:
            chosen_ids.add(i)
            used += candidate.step.minutes
        else:
            s = candidate.step
            left_out.append(
                LeftOut(
                    s.muscle_id,
                    s.trigger_point,
                    s.side,
                    f"{s.technique.label}: no time this session ({s.minutes:g} min; "
                    f"{budget - used:g} of {budget} min left); next session.",
                )
            )
    selected = sorted((queue[i] for i in chosen_ids), key=lambda c: c.order)
    steps = tuple(c.step for c in selected)

    coverage = []
    for item in coverage_of(steps, profile):
        if item.covered:
            coverage.append(item)
            continue
        if item.element in blocked:
            why = "; ".join(dict.fromkeys(blocked[item.element]))
            note = (
                f"Not covered: the precautions rule out every step that would address it ({why})."
            )
        elif any(item.element in c.step.elements for c in candidates):
            note = "Not covered: the steps that would address it do not fit this session's time."
        else:
            note = (
                "Not covered: no finding names a muscle for it; add a step by hand, "
                "or refer if the signs progress."
            )
        coverage.append(Coverage(item.element, item.rating, (), False, note))

    applied = _applied(precautions, substituted, lowered_steps, avoided_count)
    return Plan(
        course=_course(profile, data.chronic),
        steps=steps,
        session_minutes=data.session_minutes,
        coverage=tuple(coverage),
        left_out=tuple(left_out + weak),
        precautions_applied=applied,
        suggestions=suggest(facts, steps, precautions, offered),
    )


SUGGESTIONS_MAX: Final = 10
"""At most this many suggestions are offered with a plan [ours]."""


def suggest(
    facts: AssessmentFacts,
    steps: Sequence[Step],
    precautions: Precautions | None,
    implicated: Sequence[Suggestion] = (),
) -> tuple[Suggestion, ...]:
    """Steps the therapist may add with one tap: muscles an examination test or the posture
    implicates but palpation did not confirm (``implicated``), then satellites and chain
    partners of the active trigger points. One primary technique each, the precautions
    honoured, none on a muscle and side the plan already works, none in a region to avoid."""
    cap = precautions.max_pressure_kg if precautions else None
    taken = {(s.muscle_id, s.side) for s in steps}
    found: list[Suggestion] = []
    for item in implicated:
        key = (item.step.muscle_id, item.step.side)
        if key not in taken and len(found) < SUGGESTIONS_MAX:
            found.append(item)
            taken.add(key)
    for target in _satellite_targets(facts) + _chain_partner_targets(facts):
        key = (target.muscle_id, target.side)
        if key in taken or (target.muscle_id, None) in taken:
            continue
        if avoided_regions_of(target.muscle_id, target.trigger_point, target.side, precautions):
            continue
        for technique in _primary_options(target):
            if ruled_out_by(technique, target.muscle_id, target.trigger_point, precautions):
                continue
            step, _ = _make_step(target, technique, cap)
            if step is not None:
                found.append(Suggestion(step, target.reasons[0]))
                taken.add(key)
                break
        if len(found) >= SUGGESTIONS_MAX:
            break
    return tuple(found)


def _applied(
    precautions: Precautions | None,
    substituted: Mapping[str, int],
    lowered_steps: int,
    avoided_count: int,
) -> tuple[str, ...]:
    if precautions is None or precautions.is_empty:
        return ()
    texts: list[str] = []
    table = rules().restrictions
    for r in precautions.techniques_not_allowed:
        label = TECHNIQUES.get(r, r)
        if r not in table:
            texts.append(f"{label} not allowed.")
            continue
        ruled = sorted(t.label.lower() for t in table[r].rules_out)
        scope = ""
        if table[r].muscles:
            names = ", ".join(
                load_knowledge_base().muscle(m).name for m in sorted(table[r].muscles)
            )
            scope = f" on {names} and the abdomen"
        count = substituted.get(r, 0)
        if ruled:
            effect = f"no {' or '.join(ruled)}{scope}"
            if count:
                effect += f"; {count} step{'s' if count != 1 else ''} changed or left out"
            texts.append(f"{label} not allowed: {effect}.")
        elif r == "direct_pressure_on_site":
            texts.append(f"{label} not allowed: the regions and sites to avoid are kept clear.")
    if precautions.max_pressure_kg is not None:
        cap = precautions.max_pressure_kg
        text = f"Pressure capped at {pressure_text(cap)}"
        if lowered_steps:
            text += (
                f": compression lowered on {lowered_steps} step{'s' if lowered_steps != 1 else ''}."
            )
        else:
            text += ": no proposed step needed lowering."
        texts.append(text)
    if precautions.regions_to_avoid:
        labels = _region_labels(_avoided_regions(precautions))
        text = f"Regions to avoid: {labels}"
        text += (
            f"; {avoided_count} muscle{'s' if avoided_count != 1 else ''} left out."
            if avoided_count
            else "; no proposed step lies there."
        )
        texts.append(text)
    if precautions.sites_to_avoid:
        texts.append(
            "Sites to avoid (check each step by hand): "
            + "; ".join(precautions.sites_to_avoid)
            + "."
        )
    for item in precautions.positioning:
        texts.append(f"Positioning: {item}")
    for item in precautions.notes:
        texts.append(f"Note: {item}")
    return tuple(texts)


# --------------------------------------------------------------------------- JSON


def step_json(step: Step) -> dict[str, object]:
    """One step as plain JSON values (pressures in kg and lb)."""
    return {
        "muscle_id": step.muscle_id,
        "muscle": load_knowledge_base().muscle(step.muscle_id).name,
        "trigger_point": step.trigger_point,
        "side": step.side,
        "label": step.label,
        "technique": step.technique.value,
        "technique_label": step.technique.label,
        "pressure_kg": list(step.pressure_kg) if step.pressure_kg else None,
        "pressure_lb": list(step.pressure_lb) if step.pressure_lb else None,
        "contact": step.contact,
        "hold_s": step.hold_s,
        "repetitions": step.repetitions,
        "duration_s": step.duration_s,
        "position": step.position,
        "contract_s": step.contract_s,
        "minutes": step.minutes,
        "elements": [e.value for e in step.elements],
        "reasons": list(step.reasons),
        "source": step.source,
    }


def plan_json(plan: Plan) -> dict[str, object]:
    """The plan as plain JSON values, for ``Plan.proposal`` and the API."""
    c = plan.course
    return {
        "course": {
            "initial_sessions": c.initial_sessions,
            "sessions_per_week": c.sessions_per_week,
            "review_at_session": c.review_at_session,
            "maintenance_every_weeks": c.maintenance_every_weeks,
            "reasons": list(c.reasons),
        },
        "session_minutes": plan.session_minutes,
        "fixed_minutes": {
            "check_in": rules().check_in_minutes,
            "warm_up": rules().warm_up_minutes,
            "closing": rules().closing_minutes,
        },
        "step_budget_minutes": plan.step_budget,
        "step_minutes": plan.step_minutes,
        "steps": [step_json(s) for s in plan.steps],
        "coverage": [
            {
                "element": item.element.value,
                "label": item.element.label,
                "rating": item.rating,
                "steps": list(item.step_indexes),
                "covered": item.covered,
                "note": item.note,
            }
            for item in plan.coverage
        ],
        "left_out": [
            {
                "muscle_id": item.muscle_id,
                "trigger_point": item.trigger_point,
                "side": item.side,
                "reason": item.reason,
            }
            for item in plan.left_out
        ],
        "precautions_applied": list(plan.precautions_applied),
        "suggestions": [
            {"reason": item.reason, "step": step_json(item.step)} for item in plan.suggestions
        ],
    }
