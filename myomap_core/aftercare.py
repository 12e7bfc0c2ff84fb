"""Aftercare after a session: the sheet the client takes home and the daily home program.

``aftercare(data)`` turns what was done in the session (muscles, sides, techniques, whether
pressure was applied, the readings that needed an ease-off), the intake's work and posture
answers and the screening precautions into an :class:`AftercareSheet`:

* general instructions that are always there (water, light walking, no heavy lifting for at
  least 24 hours, slight soreness is normal and fades);
* warning signs that need a doctor, with how urgently (more for clients on blood thinners);
* self-care for every muscle treated, from the knowledge base's ``Muscle.self_care``, with
  explicit limits; no self-compression where the precautions rule out pressure work;
* posture and workstation advice chosen from the intake answers;
* the home program: items with stable ids the client ticks off each day.

Every rule and number names its source id (``sources*.toml``); ``ours_aftercare`` marks
Myomap's own choices.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from myomap_core import atlas
from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.knowledge.records import Muscle
from myomap_core.planning import DISCOMFORT_MAX, PRESSURE_MIN_LB, Technique
from myomap_core.screening import Decision, Precautions
from myomap_core.units import plural

OURS: Final = "ours_aftercare"
LIFTING_PAUSE_HOURS: Final = 24
"""No heavy lifting for at least this long after a session (seed 000)."""
STRETCH_HOLD_S: Final = (30, 60)
STRETCH_REPETITIONS: Final = (2, 3)
STRETCH_TIMES_PER_DAY: Final = 2
COMPRESSION_HOLD_S: Final = (30, 60)
COMPRESSION_MAX_DISCOMFORT: Final = DISCOMFORT_MAX
COMPRESSION_SPOTS_MAX: Final = 3
COMPRESSION_TIMES_PER_DAY: Final = 2
WALK_MINUTES: Final = (10, 20)
SITTING_BREAK_MINUTES: Final = (30, 45)
LONG_SITTING_HOURS: Final = 4
KG_PER_LB: Final = 0.45359237
PRESSURE_TECHNIQUES: Final = frozenset(
    {Technique.ISCHEMIC_COMPRESSION, Technique.CROSS_FIBRE_FRICTION}
)
"""Techniques that count as pressure work (soreness is likelier after them)."""
NO_PRESSURE_PRECAUTIONS: Final = frozenset({"ischemic_compression", "deep_pressure"})
"""Screening precautions that rule out pressing on a trigger point, at home too."""
WORK_TYPES: Final = ("sitting", "standing", "mixed", "physical", "not_working")
LIFTING: Final = ("none", "light", "heavy")
SIDES: Final = ("left", "right")
_ITEM_ID = re.compile(r"^[a-z][a-z0-9_.-]{0,79}$")


class Urgency(StrEnum):
    """How soon a warning sign needs a doctor, most urgent first."""

    EMERGENCY = "emergency"
    SAME_DAY = "same_day"

    @property
    def label(self) -> str:
        return _URGENCY_LABELS[self]


_URGENCY_LABELS: Final = {
    Urgency.EMERGENCY: "Call emergency services or go to the emergency department now",
    Urgency.SAME_DAY: "Call your doctor the same day",
}


class ItemKind(StrEnum):
    """What a home program item is."""

    WALK = "walk"
    STRETCH = "stretch"
    SELF_COMPRESSION = "self_compression"
    MOVEMENT_BREAKS = "movement_breaks"


def _text(name: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DomainError("must be non-empty text", field=name, value=value)


def _source(name: str, value: str) -> None:
    _text(name, value)
    if value not in load_knowledge_base().sources:
        raise DomainError(f"unknown source {value!r}", field=name, value=value)


@dataclass(frozen=True, slots=True)
class Instruction:
    """One instruction or piece of advice, with the source it rests on."""

    id: str
    text: str
    source: str

    def __post_init__(self) -> None:
        if not _ITEM_ID.match(self.id):
            raise DomainError("must be a short lower-case id", field="id", value=self.id)
        _text("text", self.text)
        _source("source", self.source)


@dataclass(frozen=True, slots=True)
class WarningSign:
    """A sign after treatment that needs a doctor, and how soon."""

    id: str
    text: str
    urgency: Urgency
    source: str

    def __post_init__(self) -> None:
        if not _ITEM_ID.match(self.id):
            raise DomainError("must be a short lower-case id", field="id", value=self.id)
        _text("text", self.text)
        if not isinstance(self.urgency, Urgency):
            raise DomainError("must be an Urgency", field="urgency", value=self.urgency)
        _source("source", self.source)


@dataclass(frozen=True, slots=True)
class Exercise:
    """A stretch or self-compression: the knowledge base's words and the limits that apply."""

    how: str
    limits: tuple[Instruction, ...]

    def __post_init__(self) -> None:
        _text("how", self.how)
        if not self.limits:
            raise DomainError("needs at least one limit", field="limits")


@dataclass(frozen=True, slots=True)
class MuscleCare:
    """Self-care for one treated muscle. ``self_compression`` is None when ruled out."""

    muscle_id: str
    muscle_name: str
    sides: tuple[str, ...]
    stretch: Exercise
    self_compression: Exercise | None
    compression_left_out: str = ""
    eased_off: bool = False
    source: str = ""

    def __post_init__(self) -> None:
        _text("muscle_id", self.muscle_id)
        _text("muscle_name", self.muscle_name)
        for i, side in enumerate(self.sides):
            if side not in SIDES:
                raise DomainError("must be left or right", field=f"sides[{i}]", value=side)
        if self.self_compression is None and not self.compression_left_out:
            raise DomainError("say why self-compression is left out", field="compression_left_out")
        _source("source", self.source)

    @property
    def where(self) -> str:
        """``left side``, ``right side``, ``both sides`` or empty (midline or not recorded)."""
        if len(self.sides) == 2:
            return "both sides"
        return f"{self.sides[0]} side" if self.sides else ""


@dataclass(frozen=True, slots=True)
class HomeItem:
    """One thing to do at home each day. ``id`` is stable: the same session gives the same ids."""

    id: str
    kind: ItemKind
    title: str
    what: str
    how_long: str
    how_often: str
    muscle_id: str | None
    source: str

    def __post_init__(self) -> None:
        if not _ITEM_ID.match(self.id):
            raise DomainError("must be a short lower-case id", field="id", value=self.id)
        if not isinstance(self.kind, ItemKind):
            raise DomainError("must be an ItemKind", field="kind", value=self.kind)
        for name in ("title", "what", "how_long", "how_often"):
            _text(name, getattr(self, name))
        _source("source", self.source)


@dataclass(frozen=True, slots=True)
class TreatedMuscle:
    """A muscle worked on in the session: sides, techniques and how it went."""

    muscle_id: str
    sides: tuple[str, ...] = ()
    techniques: tuple[Technique, ...] = ()
    trigger_points: tuple[str, ...] = ()
    ease_off_count: int = 0

    def __post_init__(self) -> None:
        load_knowledge_base().muscle(self.muscle_id)
        for i, side in enumerate(self.sides):
            if side not in SIDES:
                raise DomainError("must be left or right", field=f"sides[{i}]", value=side)
        for i, technique in enumerate(self.techniques):
            if not isinstance(technique, Technique):
                raise DomainError("must be a Technique", field=f"techniques[{i}]", value=technique)
        if self.ease_off_count < 0:
            raise DomainError(
                "cannot be negative", field="ease_off_count", value=self.ease_off_count
            )


@dataclass(frozen=True, slots=True)
class WorkPosture:
    """The intake's work and posture answers (keys of the intake form)."""

    work_type: str | None = None
    sitting_hours: int | None = None
    workstation: str = ""
    lifting: str | None = None
    lifting_notes: str = ""

    def __post_init__(self) -> None:
        if self.work_type is not None and self.work_type not in WORK_TYPES:
            raise DomainError(
                f"one of {', '.join(WORK_TYPES)}", field="work_type", value=self.work_type
            )
        if self.sitting_hours is not None and not 0 <= self.sitting_hours <= 24:
            raise DomainError("must be 0-24", field="sitting_hours", value=self.sitting_hours)
        if self.lifting is not None and self.lifting not in LIFTING:
            raise DomainError(f"one of {', '.join(LIFTING)}", field="lifting", value=self.lifting)

    @classmethod
    def from_answers(cls, answers: Mapping[str, object]) -> WorkPosture:
        """From intake answers; blank or unknown choices count as not answered."""

        def choice(key: str, allowed: tuple[str, ...]) -> str | None:
            value = answers.get(key)
            return value if isinstance(value, str) and value in allowed else None

        hours = answers.get("sitting_hours")
        if isinstance(hours, str) and hours.strip().isdigit():
            hours = int(hours.strip())
        return cls(
            work_type=choice("work_type", WORK_TYPES),
            sitting_hours=hours
            if isinstance(hours, int) and not isinstance(hours, bool) and 0 <= hours <= 24
            else None,
            workstation=str(answers.get("workstation") or "")[:2000],
            lifting=choice("lifting", LIFTING),
            lifting_notes=str(answers.get("lifting_notes") or "")[:2000],
        )


@dataclass(frozen=True, slots=True)
class AftercareInput:
    """What the sheet is made from."""

    muscles: tuple[TreatedMuscle, ...]
    work: WorkPosture = field(default_factory=WorkPosture)
    precautions: Precautions | None = None
    bleeding_risk: bool = False
    """Blood thinners or a bleeding disorder (the screening's bleeding-risk finding)."""
    pressure_work: bool | None = None
    """Pressure was applied; None = judge from the techniques."""
    stopped_for_safety: bool = False
    """The session was stopped for safety: the sheet says what to do instead of self-care."""
    stopped_decision: Decision | None = None
    """The screening decision that stopped it (None: no current screening)."""

    def __post_init__(self) -> None:
        if self.stopped_decision is not None and not self.stopped_for_safety:
            raise DomainError("only for a session stopped for safety", field="stopped_decision",
                              value=self.stopped_decision)  # fmt: skip
        seen: set[str] = set()
        for i, muscle in enumerate(self.muscles):
            if not isinstance(muscle, TreatedMuscle):
                raise DomainError("must be a TreatedMuscle", field=f"muscles[{i}]")
            if muscle.muscle_id in seen:
                raise DomainError(
                    "muscle listed twice; merge its sides", field=f"muscles[{i}]", value=muscle
                )
            seen.add(muscle.muscle_id)

    @property
    def pressure_done(self) -> bool:
        if self.pressure_work is not None:
            return self.pressure_work
        return any(t in PRESSURE_TECHNIQUES for m in self.muscles for t in m.techniques)

    @property
    def ease_off_readings(self) -> int:
        return sum(m.ease_off_count for m in self.muscles)


@dataclass(frozen=True, slots=True)
class AftercareSheet:
    """Everything the client takes home."""

    general: tuple[Instruction, ...]
    warning_signs: tuple[WarningSign, ...]
    self_care: tuple[MuscleCare, ...]
    posture: tuple[Instruction, ...]
    home_program: tuple[HomeItem, ...]
    notes: tuple[Instruction, ...] = ()
    """What this session adds: pressure work, ease-off readings, precautions at home."""

    def __post_init__(self) -> None:
        ids = [item.id for item in self.home_program]
        for i, item_id in enumerate(ids):
            if item_id in ids[:i]:
                raise DomainError(
                    "item id used twice", field=f"home_program[{i}].id", value=item_id
                )

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.home_program)

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source id the sheet cites, in first-use order."""
        cited: list[str] = [w.source for w in self.warning_signs]
        cited[:0] = [i.source for i in self.general]
        cited.extend(i.source for i in (*self.posture, *self.notes))
        for care in self.self_care:
            cited.append(care.source)
            for exercise in (care.stretch, care.self_compression):
                if exercise is not None:
                    cited.extend(limit.source for limit in exercise.limits)
        cited.extend(item.source for item in self.home_program)
        return tuple(dict.fromkeys(cited))


# --------------------------------------------------------------------------- the rules

GENERAL: Final = (
    Instruction(
        "water",
        "Drink plenty of water today and tomorrow: a glass with each meal and one between "
        "meals. It helps the treated tissue recover.",
        "seed000",
    ),
    Instruction(
        "walk",
        f"Take a light walk at an easy pace for {WALK_MINUTES[0]}-{WALK_MINUTES[1]} minutes "
        "today and on the following days. Gentle movement helps more than resting still.",
        "seed000",
    ),
    Instruction(
        "no_heavy_lifting",
        f"No heavy lifting for at least {LIFTING_PAUSE_HOURS} hours after the session: no "
        "heavy shopping bags, moving furniture, lifting children from the floor or weights "
        "at the gym.",
        "seed000",
    ),
    Instruction(
        "soreness",
        "Slight soreness in the treated muscles, like after a workout, is normal. It fades "
        "within a day or two.",
        "seed004",
    ),
)

WARNING_SIGNS: Final = (
    WarningSign(
        "bladder_bowel",
        "Trouble passing urine, losing control of your bladder or bowels, or numbness around "
        "your bottom or genitals.",
        Urgency.EMERGENCY,
        "bmj_cauda_equina",
    ),
    WarningSign(
        "weakness_both_legs",
        "Weakness or numbness in both legs, or your legs giving way.",
        Urgency.EMERGENCY,
        "nice_ng59",
    ),
    WarningSign(
        "new_numbness",
        "New numbness, pins and needles or weakness in an arm or a leg that was not there "
        "before the session.",
        Urgency.SAME_DAY,
        "ifompt2020",
    ),
    WarningSign(
        "severe_pain",
        "Severe pain, pain that keeps getting worse, or pain that spreads, instead of the "
        "slight soreness that fades within a day or two.",
        Urgency.SAME_DAY,
        OURS,
    ),
    WarningSign(
        "fever",
        "Fever, chills or feeling generally unwell together with your pain.",
        Urgency.SAME_DAY,
        "ifompt2020",
    ),
    WarningSign(
        "bruise_swelling",
        "Unusual bruising, or swelling, heat or redness where you were treated.",
        Urgency.SAME_DAY,
        "batavia2004",
    ),
    WarningSign(
        "calf",
        "A calf that becomes painful, swollen, warm or red.",
        Urgency.SAME_DAY,
        "batavia2004",
    ),
)

BLEEDING_SIGNS: Final = (
    WarningSign(
        "bleed_spreading",
        "You take a blood thinner: a bruise bigger than the palm of your hand, a bruise that "
        "keeps spreading, or a treated area that becomes swollen, hard and painful.",
        Urgency.SAME_DAY,
        "nhs_anticoagulants",
    ),
    WarningSign(
        "bleed_serious",
        "You take a blood thinner: blood in your urine, black or bloody stools, coughing or "
        "vomiting blood, a nosebleed that lasts more than 10 minutes, or a sudden severe "
        "headache.",
        Urgency.EMERGENCY,
        "nhs_anticoagulants",
    ),
)

STRETCH_LIMITS: Final = (
    Instruction(
        "stretch_hold",
        f"Hold {STRETCH_HOLD_S[0]}-{STRETCH_HOLD_S[1]} seconds and breathe slowly; repeat "
        f"{STRETCH_REPETITIONS[0]}-{STRETCH_REPETITIONS[1]} times.",
        "acsm11",
    ),
    Instruction(
        "stretch_often",
        f"Once or twice a day (no more than {STRETCH_TIMES_PER_DAY} times), every day.",
        "acsm11",
    ),
    Instruction(
        "stretch_gentle",
        "Go only to a gentle pull, never to pain. Stop if the pain increases or spreads, or "
        "if you feel numbness or tingling.",
        "seed004",
    ),
)

COMPRESSION_LIMITS: Final = (
    Instruction(
        "press_intensity",
        f"Press only until the discomfort is {COMPRESSION_MAX_DISCOMFORT} out of 10 or less, "
        "never more, as in the session.",
        "seed004",
    ),
    Instruction(
        "press_hold",
        f"Hold each tender spot {COMPRESSION_HOLD_S[0]}-{COMPRESSION_HOLD_S[1]} seconds, then "
        "let go; the discomfort should ease while you hold.",
        "nmt1",
    ),
    Instruction(
        "press_often",
        f"At most {COMPRESSION_SPOTS_MAX} spots per muscle, once or twice a day (no more than "
        f"{COMPRESSION_TIMES_PER_DAY} times). Start the day after the session, once the "
        "soreness has settled.",
        OURS,
    ),
    Instruction(
        "press_stop",
        "Stop if the pain increases, if you feel numbness, tingling or sharp pain, or if a "
        "bruise appears. Never press on bone, on a lump you do not know, or on broken skin.",
        OURS,
    ),
)


STOPPED_ADVICE: Final[Mapping[Decision | None, str]] = {
    Decision.EMERGENCY: (
        "Go to a hospital emergency department now; call an ambulance if you cannot travel "
        "safely. Tell them about the symptoms you reported today."
    ),
    Decision.URGENT_REFERRAL: (
        "See a doctor urgently, within the next few days, and show them this sheet."
    ),
    Decision.SAME_DAY_REFERRAL: (
        "See a doctor today: a same-day appointment with your GP or an urgent care centre."
    ),
    Decision.REFER_BEFORE_TREATMENT: (
        "See your doctor before your next treatment: your therapist needs their clearance first."
    ),
    Decision.TREAT_WITH_PRECAUTIONS: (
        "Your therapist will talk with you before the next treatment about what you reported today."
    ),
    Decision.TREAT: (
        "Your therapist will talk with you before the next treatment about what you reported today."
    ),
    None: "Answer the health questions with your therapist before your next treatment.",
}
"""What the client is told to do after a session stopped for safety, by the screening's
decision: the decision's instruction in the client's words (screening.py, ``Decision``)."""


def stopped_sheet(decision: Decision | None) -> AftercareSheet:
    """The sheet of a session stopped for safety: what to do now and the warning signs; no
    self-care or home program, and nothing about the course of treatment."""
    now = Instruction(
        "stopped_for_safety",
        "Your treatment was stopped today for your safety. " + STOPPED_ADVICE[decision],
        "ours_screening",
    )
    return AftercareSheet(
        general=(now,),
        warning_signs=tuple(sorted(WARNING_SIGNS, key=lambda w: tuple(Urgency).index(w.urgency))),
        self_care=(),
        posture=(),
        home_program=(),
    )


def aftercare(data: AftercareInput) -> AftercareSheet:
    """The aftercare sheet and home program for one session."""
    if data.stopped_for_safety:
        return stopped_sheet(data.stopped_decision)
    kb = load_knowledge_base()
    precautions = data.precautions or Precautions()
    no_pressure = _pressure_ruled_out(precautions, data.bleeding_risk)
    avoided = set(precautions.regions_to_avoid)
    self_care: list[MuscleCare] = []
    program: list[HomeItem] = [
        HomeItem(
            id="walk",
            kind=ItemKind.WALK,
            title="Light walk",
            what="Walk at an easy pace, where you can still talk comfortably.",
            how_long=f"{WALK_MINUTES[0]}-{WALK_MINUTES[1]} minutes",
            how_often="Once a day",
            muscle_id=None,
            source="seed000",
        )
    ]
    for treated in data.muscles:
        muscle = kb.muscle(treated.muscle_id)
        where = _where(treated.sides)
        name = muscle.name + (f" ({where})" if where else "")
        left_out = no_pressure or _region_avoided(muscle, treated, avoided)
        compression = (
            None if left_out else Exercise(muscle.self_care.self_compression, COMPRESSION_LIMITS)
        )
        self_care.append(
            MuscleCare(
                muscle_id=muscle.id,
                muscle_name=muscle.name,
                sides=tuple(s for s in SIDES if s in treated.sides),
                stretch=Exercise(muscle.self_care.stretch, STRETCH_LIMITS),
                self_compression=compression,
                compression_left_out=left_out,
                eased_off=treated.ease_off_count > 0,
                source=_muscle_source(muscle),
            )
        )
        program.append(
            HomeItem(
                id=f"stretch.{muscle.id}",
                kind=ItemKind.STRETCH,
                title=f"Stretch: {name}",
                what=muscle.self_care.stretch,
                how_long=f"Hold {STRETCH_HOLD_S[0]}-{STRETCH_HOLD_S[1]} s, "
                f"{STRETCH_REPETITIONS[0]}-{STRETCH_REPETITIONS[1]} times"
                + (", each side" if len(treated.sides) == 2 else ""),
                how_often="Once or twice a day",
                muscle_id=muscle.id,
                source="acsm11",
            )
        )
        if compression is not None:
            program.append(
                HomeItem(
                    id=f"press.{muscle.id}",
                    kind=ItemKind.SELF_COMPRESSION,
                    title=f"Self-compression: {name}",
                    what=muscle.self_care.self_compression,
                    how_long=f"{COMPRESSION_HOLD_S[0]}-{COMPRESSION_HOLD_S[1]} s per spot, "
                    f"up to {COMPRESSION_SPOTS_MAX} spots, discomfort "
                    f"{COMPRESSION_MAX_DISCOMFORT}/10 or less",
                    how_often="Once or twice a day, from the day after the session",
                    muscle_id=muscle.id,
                    source=OURS,
                )
            )
    posture = _posture(data.work)
    if any(p.id == "sitting_breaks" for p in posture):
        low, high = SITTING_BREAK_MINUTES
        program.append(
            HomeItem(
                id="breaks",
                kind=ItemKind.MOVEMENT_BREAKS,
                title="Movement breaks",
                what="Stand up, walk a few steps and roll your shoulders.",
                how_long="1-2 minutes",
                how_often=f"Every {low}-{high} minutes of sitting",
                muscle_id=None,
                source="buckley2015",
            )
        )
    warnings = WARNING_SIGNS + (BLEEDING_SIGNS if data.bleeding_risk else ())
    return AftercareSheet(
        general=GENERAL,
        warning_signs=tuple(sorted(warnings, key=lambda w: tuple(Urgency).index(w.urgency))),
        self_care=tuple(self_care),
        posture=posture,
        home_program=tuple(program),
        notes=_notes(data, precautions, no_pressure),
    )


def _where(sides: Iterable[str]) -> str:
    present = [s for s in SIDES if s in sides]
    if len(present) == 2:
        return "both sides"
    return f"{present[0]} side" if present else ""


def _muscle_source(muscle: Muscle) -> str:
    """The muscle's first reference (its trigger point manual chapter)."""
    return muscle.sources[0].ref if muscle.sources else OURS


def _pressure_ruled_out(precautions: Precautions, bleeding_risk: bool) -> str:
    """Why no self-compression at all, or empty when it is allowed."""
    if bleeding_risk:
        return (
            "Not advised: with a blood thinner or a bleeding disorder, pressing on the muscle "
            "can cause bruising or bleeding into it."
        )
    ruled_out = NO_PRESSURE_PRECAUTIONS & set(precautions.techniques_not_allowed)
    if ruled_out:
        return "Not advised: your health screening rules out firm pressure on the muscles."
    cap = precautions.max_pressure_kg
    if cap is not None and cap < PRESSURE_MIN_LB * KG_PER_LB:
        return (
            "Not advised: your health screening allows only light pressure, lighter than "
            "trigger point work needs."
        )
    return ""


def self_compression_left_out(muscle: Muscle, precautions: Precautions, bleeding_risk: bool) -> str:
    """Why self-compression of ``muscle`` is not advised (for any of its trigger points), or
    empty when it is allowed: the same rules as the sheet's."""
    ruled_out = _pressure_ruled_out(precautions, bleeding_risk)
    if ruled_out:
        return ruled_out
    avoided = set(precautions.regions_to_avoid)
    for point in muscle.trigger_points if avoided else ():
        if point.area in avoided or set(atlas.region_ids_for_area(point.area)) & avoided:
            return "Not advised: your health screening asks to avoid pressure on this area."
    return ""


def _region_avoided(muscle: Muscle, treated: TreatedMuscle, avoided: set[str]) -> str:
    """Why self-compression is left out for this muscle (a region to avoid), or empty."""
    if not avoided:
        return ""
    points = muscle.trigger_points
    chosen = [p for p in points if not treated.trigger_points or p.id in treated.trigger_points]
    for point in chosen or points:
        regions = set(atlas.region_ids_for_area(point.area))
        if treated.sides and len(regions) > 1:
            regions = {r for r in regions if any(r.endswith(f"_{s}") for s in treated.sides)}
        if point.area in avoided or regions & avoided:
            return "Not advised: your health screening asks to avoid pressure on this area."
    return ""


def _mentions(text: str, *words: str) -> bool:
    lowered = text.lower()
    return any(re.search(rf"\b{re.escape(w)}", lowered) for w in words)


def _posture(work: WorkPosture) -> tuple[Instruction, ...]:
    """Advice chosen from the work and posture answers, in a fixed order."""
    advice: list[Instruction] = []
    station = work.workstation
    long_sitting = (work.sitting_hours or 0) >= LONG_SITTING_HOURS or work.work_type in (
        "sitting",
        "mixed",
    )
    if long_sitting:
        low, high = SITTING_BREAK_MINUTES
        hours = f" ({plural(work.sitting_hours, 'hour')} a day)" if work.sitting_hours else ""
        advice.append(
            Instruction(
                "sitting_breaks",
                f"You sit for long periods{hours}. Stand up and move for a minute or two every "
                f"{low}-{high} minutes; set a timer if you forget.",
                "buckley2015",
            )
        )
    screen = _mentions(station, "screen", "monitor", "laptop", "computer", "desk")
    if long_sitting or screen:
        advice.append(
            Instruction(
                "screen_height",
                "Put the top of the screen at or just below eye level, about an arm's length "
                "away, so your head stays upright instead of leaning forward.",
                "osha_workstations",
            )
        )
    if _mentions(station, "laptop"):
        advice.append(
            Instruction(
                "laptop",
                "On a laptop, raise the screen on a stand or books and use a separate keyboard "
                "and mouse, so you do not bend over it.",
                "osha_workstations",
            )
        )
    if long_sitting or _mentions(station, "chair", "stool", "sofa", "couch"):
        advice.append(
            Instruction(
                "chair",
                "Sit back in the chair with your lower back supported, feet flat on the floor "
                "or a footrest, knees about level with your hips.",
                "osha_workstations",
            )
        )
    if _mentions(station, "phone", "mobile", "tablet", "headset", "call"):
        advice.append(
            Instruction(
                "phone",
                "Bring the phone up to eye level instead of bending your neck down to it, and "
                "use a headset or speaker for long calls; never hold the phone between ear "
                "and shoulder.",
                "osha_workstations",
            )
        )
    if work.work_type == "standing":
        advice.append(
            Instruction(
                "standing",
                "When you stand for long, shift your weight often, rest one foot on a low step "
                "in turn, and wear supportive shoes.",
                OURS,
            )
        )
    if work.lifting == "heavy" or work.work_type == "physical":
        advice.append(
            Instruction(
                "lifting_technique",
                "When you lift: plan the lift, get close to the load, bend your knees, keep the "
                "load close to your waist and turn with your feet, not by twisting your back. "
                "Ask for help or use a trolley for heavy loads.",
                "hse_indg143",
            )
        )
    if _mentions(work.lifting_notes, "child", "baby", "kid", "toddler", "grandchild"):
        advice.append(
            Instruction(
                "lifting_children",
                "Lift children from a squat with them close to your body, and swap the hip "
                "you carry them on instead of always using the same side.",
                OURS,
            )
        )
    return tuple(advice)


def _notes(
    data: AftercareInput, precautions: Precautions, no_pressure: str
) -> tuple[Instruction, ...]:
    notes: list[Instruction] = []
    if data.pressure_done:
        notes.append(
            Instruction(
                "pressure_soreness",
                "Today's session included firm pressure on trigger points. The spots that were "
                "pressed may feel tender for a day or two; that is expected.",
                "seed000",
            )
        )
    readings = data.ease_off_readings
    if readings:
        eased = [m for m in data.muscles if m.ease_off_count]
        names = ", ".join(load_knowledge_base().muscle(m.muscle_id).name for m in eased)
        notes.append(
            Instruction(
                "eased_off",
                f"The pressure was eased off {readings} time{'s' if readings != 1 else ''} when "
                f"it felt above {DISCOMFORT_MAX} out of 10 ({names}). Be extra gentle there at "
                "home and keep below that level.",
                "seed004",
            )
        )
    if no_pressure:
        notes.append(
            Instruction(
                "no_self_compression",
                no_pressure + " Stretch gently instead.",
                "batavia2004" if data.bleeding_risk else OURS,
            )
        )
    if "forceful_stretch" in precautions.techniques_not_allowed:
        notes.append(
            Instruction(
                "gentle_stretch_only",
                "Stretch only gently: your health screening rules out forceful stretching.",
                "batavia2004",
            )
        )
    return tuple(notes)


def sheet_json(sheet: AftercareSheet) -> dict[str, object]:
    """The sheet as JSON (stored as the snapshot and returned by the API)."""
    sources = load_knowledge_base().sources

    def instruction(i: Instruction) -> dict[str, object]:
        return {"id": i.id, "text": i.text, "source": i.source}

    def exercise(e: Exercise | None) -> dict[str, object] | None:
        if e is None:
            return None
        return {"how": e.how, "limits": [instruction(limit) for limit in e.limits]}

    return {
        "general": [instruction(i) for i in sheet.general],
        "warning_signs": [
            {
                "id": w.id,
                "text": w.text,
                "urgency": w.urgency.value,
                "urgency_label": w.urgency.label,
                "source": w.source,
            }
            for w in sheet.warning_signs
        ],
        "self_care": [
            {
                "muscle_id": c.muscle_id,
                "muscle_name": c.muscle_name,
                "sides": list(c.sides),
                "where": c.where,
                "stretch": exercise(c.stretch),
                "self_compression": exercise(c.self_compression),
                "compression_left_out": c.compression_left_out,
                "eased_off": c.eased_off,
                "source": c.source,
            }
            for c in sheet.self_care
        ],
        "posture": [instruction(i) for i in sheet.posture],
        "home_program": [
            {
                "id": h.id,
                "kind": h.kind.value,
                "title": h.title,
                "what": h.what,
                "how_long": h.how_long,
                "how_often": h.how_often,
                "muscle_id": h.muscle_id,
                "source": h.source,
            }
            for h in sheet.home_program
        ],
        "notes": [instruction(i) for i in sheet.notes],
        "sources": [
            {
                "id": s,
                "label": sources[s].label,
                "citation": sources[s].citation,
                "ours": sources[s].ours,
            }
            for s in sheet.sources
        ],
    }
