"""SOAP notes: a draft in clinical English from a session, and the chain of signed entries.

``draft`` turns what the client reported, what was done and found in the session, the latest
assessment and outcome scores, and the plan into the four parts of a SOAP note. Muscle and
trigger point names come from the knowledge base; pressures are given in kg and lb.

Signed notes and their amendments form one chain per client, numbered 1, 2, 3 … (``seq``):
each entry stores the HMAC-SHA256, under a key kept outside the database, of its signed
content together with the hash of the entry before it (``content_hash``). ``verify_chain``
names any entry whose content was changed afterwards (recomputing the hash needs the key),
any link that was broken (an entry removed, inserted or reordered), any gap in the numbering,
and, given the heads recorded outside the chain when each entry was signed (``ChainHead``),
a chain cut short, un-signed at its end or deleted whole.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Final, TypeVar

from myomap_core.errors import DomainError
from myomap_core.planning import DISCOMFORT_MAX, Technique
from myomap_core.pressure import KGF_PER_LBF

E = TypeVar("E", bound=StrEnum)

GENESIS: Final = "0" * 64
"""The ``previous_hash`` of a client's first signed entry."""

NPRS_RANGE: Final = (0, 10)
DISCOMFORT_RANGE: Final = (0, 10)

CONTACT_WORDS: Final = {
    "thumb": "with the thumb",
    "fingertips": "with the fingertips",
    "fingers": "with the fingers",
    "knuckle": "with a knuckle",
    "elbow": "with the elbow",
    "pincer": "in a pincer grip",
    "tool": "with a pressure tool",
}


class StepStatus(StrEnum):
    """What became of a planned step in the session."""

    DONE = "done"
    SKIPPED = "skipped"
    PENDING = "pending"


# --------------------------------------------------------------------------- validation


def _score(name: str, value: int | None, bounds: tuple[int, int]) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("must be a whole number", field=name, value=value)
    if not bounds[0] <= value <= bounds[1]:
        raise DomainError(f"must be between {bounds[0]} and {bounds[1]}", field=name, value=value)


def _positive(name: str, value: int | float | None, *, zero: bool = False) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DomainError("must be a number", field=name, value=value)
    if value < 0 or (value == 0 and not zero):
        raise DomainError("must be above zero", field=name, value=value)


def _texts(name: str, values: tuple[str, ...]) -> None:
    if not isinstance(values, tuple) or not all(isinstance(v, str) for v in values):
        raise DomainError("must be a tuple of text", field=name, value=values)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class Subjective:
    """What the client reports: complaint and goals from the intake, the check-in since the
    last visit, and pain before and after treatment (NPRS 0–10)."""

    complaint: str = ""
    goals: str = ""
    checkin: str = ""
    """What changed since the last visit, in the client's words."""
    pain_before: int | None = None
    pain_after: int | None = None
    response: str = ""
    """Response to the last treatment as said at the check-in: "better", "the same", "worse"."""
    soreness: str = ""
    """Soreness after the last treatment, as a phrase ("no soreness after the last treatment")."""
    safety_asked: bool = False
    """The per-visit safety questions were asked at this visit's check-in."""
    safety_yes: tuple[str, ...] = ()
    """The per-visit safety questions answered yes, in a few words each."""

    def __post_init__(self) -> None:
        for name in ("complaint", "goals", "checkin", "response", "soreness"):
            if not isinstance(getattr(self, name), str):
                raise DomainError("must be text", field=name, value=getattr(self, name))
        _score("pain_before", self.pain_before, NPRS_RANGE)
        _score("pain_after", self.pain_after, NPRS_RANGE)
        _texts("safety_yes", self.safety_yes)
        if self.safety_yes and not self.safety_asked:
            raise DomainError("yes answers need the questions asked", field="safety_yes",
                              value=self.safety_yes)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Stopped:
    """The session was stopped for safety: when, by whom, why, and what the client was told."""

    at: datetime
    by: str
    reason: str
    advice: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.at, datetime):
            raise DomainError("must be a date and time", field="stopped.at", value=self.at)
        for name in ("by", "reason", "advice"):
            if not isinstance(getattr(self, name), str):
                raise DomainError("must be text", field=f"stopped.{name}",
                                  value=getattr(self, name))  # fmt: skip
        if not self.reason.strip():
            raise DomainError("say why the session was stopped", field="stopped.reason")


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One step of the session: what was planned and what happened."""

    order: int
    muscle_id: str
    technique: Technique
    status: StepStatus = StepStatus.DONE
    trigger_point: str | None = None
    side: str | None = None
    pressure_kg: tuple[float, float] | None = None
    contact: str | None = None
    hold_s: int | None = None
    repetitions: int = 1
    duration_s: int | None = None
    position: str = ""
    contract_s: int | None = None
    discomfort: tuple[int, ...] = ()
    """Every discomfort reading (0–10) in the order given."""
    released: bool = False
    twitch: bool = False
    referral_reproduced: bool = False
    hold_s_total: int = 0
    skip_reason: str = ""

    def __post_init__(self) -> None:
        from myomap_core.knowledge import load_knowledge_base

        if isinstance(self.order, bool) or not isinstance(self.order, int) or self.order < 1:
            raise DomainError("must be a whole number from 1", field="order", value=self.order)
        try:
            muscle = load_knowledge_base().muscle(self.muscle_id)
        except DomainError as exc:
            raise DomainError(
                exc.message, field="muscle_id", value=self.muscle_id, suggestions=exc.suggestions
            ) from None
        if self.trigger_point is not None and self.trigger_point not in {
            p.id for p in muscle.trigger_points
        }:
            raise DomainError(
                f"is not a trigger point of {muscle.name}",
                field="trigger_point",
                value=self.trigger_point,
                suggestions=[p.id for p in muscle.trigger_points],
            )
        object.__setattr__(self, "technique", _enum(Technique, "technique", self.technique))
        object.__setattr__(self, "status", _enum(StepStatus, "status", self.status))
        if self.side not in (None, "left", "right"):
            raise DomainError("must be left, right or empty", field="side", value=self.side)
        if self.pressure_kg is not None:
            low, high = self.pressure_kg
            _positive("pressure_kg", low)
            _positive("pressure_kg", high)
            if low > high:
                raise DomainError(
                    "the lower pressure is above the upper", field="pressure_kg", value=low
                )
        for name in ("hold_s", "duration_s", "contract_s"):
            _positive(name, getattr(self, name))
        _positive("repetitions", self.repetitions)
        _positive("hold_s_total", self.hold_s_total, zero=True)
        if not isinstance(self.discomfort, tuple):
            raise DomainError("must be a tuple of readings", field="discomfort")
        for i, reading in enumerate(self.discomfort):
            _score(f"discomfort[{i}]", reading, DISCOMFORT_RANGE)
        for name in ("released", "twitch", "referral_reproduced"):
            if not isinstance(getattr(self, name), bool):
                raise DomainError("must be true or false", field=name, value=getattr(self, name))

    @property
    def ease_off(self) -> tuple[int, ...]:
        """Readings above the discomfort limit (each one meant: ease off)."""
        return tuple(r for r in self.discomfort if r > DISCOMFORT_MAX)


def _enum(kind: type[E], name: str, value: object) -> E:
    try:
        return kind(str(value))
    except ValueError:
        raise DomainError(
            f"must be one of {', '.join(k.value for k in kind)}", field=name, value=value
        ) from None


@dataclass(frozen=True, slots=True)
class AssessmentSummary:
    """The latest assessment: its date, headline findings and element ratings (0–3)."""

    visit_date: date | None = None
    findings: tuple[str, ...] = ()
    elements: tuple[tuple[str, int], ...] = ()
    """(element label, rating 0–3) in the profile's order."""

    def __post_init__(self) -> None:
        _texts("findings", self.findings)
        for i, (label, rating) in enumerate(self.elements):
            if not isinstance(label, str) or not label:
                raise DomainError("needs a label", field=f"elements[{i}]", value=label)
            _score(f"elements[{i}]", rating, (0, 3))


@dataclass(frozen=True, slots=True)
class OutcomeSummary:
    """Outcome scores as text (``ODI 22.2 % (minimal)``) and the progress status."""

    scores: tuple[str, ...] = ()
    status: str = ""
    explanation: str = ""
    next_step: str = ""
    """What the measures suggest for the plan, in a sentence or two."""

    def __post_init__(self) -> None:
        _texts("scores", self.scores)
        for name in ("status", "explanation", "next_step"):
            if not isinstance(getattr(self, name), str):
                raise DomainError("must be text", field=name, value=getattr(self, name))


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """What comes next: the next session in the course, the review and home care given."""

    next_session: int
    initial_sessions: int | None = None
    sessions_per_week: int | None = None
    review_at_session: int = 5
    maintenance_every_weeks: int | None = None
    home_care_muscles: tuple[str, ...] = ()
    """Muscle ids whose self-care (stretch, self-compression) was given to the client."""
    aftercare_given: bool = True

    def __post_init__(self) -> None:
        for name in (
            "next_session",
            "initial_sessions",
            "sessions_per_week",
            "review_at_session",
            "maintenance_every_weeks",
        ):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 1
            ):
                raise DomainError("must be a whole number from 1", field=name, value=value)
        _texts("home_care_muscles", self.home_care_muscles)


@dataclass(frozen=True, slots=True)
class NoteInput:
    """Everything a SOAP note is drafted from."""

    session_number: int
    session_date: date
    subjective: Subjective = field(default_factory=Subjective)
    steps: tuple[StepRecord, ...] = ()
    minutes: int | None = None
    remarks: tuple[str, ...] = ()
    """Notes the therapist typed during the session."""
    assessment: AssessmentSummary | None = None
    outcomes: OutcomeSummary | None = None
    plan: PlanSummary | None = None
    stopped: Stopped | None = None

    def __post_init__(self) -> None:
        if (
            isinstance(self.session_number, bool)
            or not isinstance(self.session_number, int)
            or self.session_number < 1
        ):
            raise DomainError(
                "must be a whole number from 1", field="session_number", value=self.session_number
            )
        if not isinstance(self.steps, tuple):
            raise DomainError("must be a tuple of steps", field="steps")
        _positive("minutes", self.minutes, zero=True)
        _texts("remarks", self.remarks)


@dataclass(frozen=True, slots=True)
class SoapDraft:
    """The four parts of a SOAP note."""

    subjective: str
    objective: str
    assessment: str
    plan: str

    @property
    def is_empty(self) -> bool:
        return not any(
            p.strip() for p in (self.subjective, self.objective, self.assessment, self.plan)
        )


# --------------------------------------------------------------------------- wording


def _lb(kg: float) -> str:
    return f"{round(kg / KGF_PER_LBF * 2) / 2:g}"


def _kg(kg: float) -> str:
    return f"{round(kg, 1):g}"


def pressure_text(pressure_kg: tuple[float, float]) -> str:
    """``3.6–5.4 kg (8–12 lb)``; one value when the range is a single pressure."""
    low, high = pressure_kg
    if _kg(low) == _kg(high):
        return f"{_kg(low)} kg ({_lb(low)} lb)"
    return f"{_kg(low)}–{_kg(high)} kg ({_lb(low)}–{_lb(high)} lb)"


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _quote(text: str) -> str:
    return " ".join(text.split()).rstrip(".")


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _lower(text: str) -> str:
    """Lower the first letter to go mid-sentence, unless the word is an abbreviation (TrP1)."""
    first_word = text.split(" ", 1)[0]
    if any(c.isupper() or c.isdigit() for c in first_word[1:]):
        return text
    return text[:1].lower() + text[1:]


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _series(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def muscle_words(muscle_id: str, side: str | None, trigger_point: str | None = None) -> str:
    """``left upper trapezius — middle of the upper fibres (TrP2)``: names from the knowledge
    base, the side first, ``both sides`` when no side is given; lower case to go mid-sentence."""
    from myomap_core.knowledge import load_knowledge_base

    muscle = load_knowledge_base().muscle(muscle_id)
    name = muscle.name
    name = f"{side} {_lower(name)}" if side else f"{_lower(name)}, both sides"
    if trigger_point:
        label = next((p.label for p in muscle.trigger_points if p.id == trigger_point), "")
        if label:
            name += f" — {_lower(label)}"
    return name


def _technique_words(step: StepRecord) -> str:
    parts: list[str] = [step.technique.label.lower()]
    contact = CONTACT_WORDS.get(step.contact or "")
    if step.technique is Technique.ISCHEMIC_COMPRESSION:
        if contact:
            parts.append(contact)
        if step.pressure_kg:
            parts.append(f"at {pressure_text(step.pressure_kg)}")
        if step.hold_s:
            parts.append(f"held {step.hold_s} seconds")
    elif step.technique is Technique.CROSS_FIBRE_FRICTION:
        if step.pressure_kg:
            parts.append(f"at {pressure_text(step.pressure_kg)}")
        if step.duration_s:
            parts.append(f"for {step.duration_s} seconds")
    elif step.technique is Technique.POSITIONAL_RELEASE:
        if step.position:
            parts.append(f"({_quote(step.position)[0].lower()}{_quote(step.position)[1:]})")
        if step.hold_s:
            parts.append(f"held {step.hold_s} seconds")
    elif step.technique is Technique.FACILITATED_STRETCH and step.contract_s:
        parts.append(f"with {step.contract_s}-second contractions")
    text = " ".join(parts).replace(" held ", ", held ")
    if step.repetitions > 1:
        text += f", {_plural(step.repetitions, 'repetition')}"
    return text


def _step_text(step: StepRecord) -> str:
    where = muscle_words(step.muscle_id, step.side, step.trigger_point)
    text = f"{step.order}. {where[0].upper()}{where[1:]}: {_technique_words(step)}"
    if (
        step.hold_s_total
        and step.technique in (Technique.ISCHEMIC_COMPRESSION, Technique.POSITIONAL_RELEASE)
        and (step.repetitions > 1 or step.hold_s_total != step.hold_s)
    ):
        text += f" ({step.hold_s_total} seconds held in all)"
    sentences = [text + "."]
    if step.discomfort:
        readings = "/10, ".join(str(r) for r in step.discomfort) + "/10"
        peak = max(step.discomfort)
        if len(step.discomfort) == 1:
            sentences.append(f"Discomfort {readings}.")
        else:
            sentences.append(f"Discomfort readings {readings} (peak {peak}/10).")
        if step.ease_off:
            above = ", ".join(f"{r}/10" for r in step.ease_off)
            sentences.append(
                f"EASE OFF: discomfort went above {DISCOMFORT_MAX}/10 "
                f"({above}); pressure was reduced."
            )
    responses = []
    if step.released:
        responses.append("the trigger point released")
    if step.twitch:
        responses.append("a local twitch response was seen")
    if step.referral_reproduced:
        responses.append("the referred pain pattern was reproduced")
    if responses:
        sentences.append(_sentence(_series(responses)))
    return " ".join(sentences)


def _subjective(data: NoteInput) -> str:
    s = data.subjective
    parts = []
    if s.complaint.strip():
        parts.append(f"Main complaint at intake: {_quote(s.complaint)}.")
    if s.goals.strip():
        parts.append(f"The client's goals: {_quote(s.goals)}.")
    if s.response:
        felt = f"At this visit's check-in, the client reports feeling {s.response}"
        felt += " since the last treatment"
        parts.append(felt + (f", with {s.soreness}." if s.soreness else "."))
    if s.checkin.strip():
        parts.append(f"Since the last visit, the client reports: {_quote(s.checkin)}.")
    elif data.session_number > 1 and not s.safety_asked:
        parts.append("No check-in since the last visit was recorded.")
    if s.safety_yes:
        parts.append(
            f"Safety questions at check-in: the client reports {_series(list(s.safety_yes))}; "
            "the safety screening was run again."
        )
    elif s.safety_asked:
        parts.append("Safety questions at check-in: the client answered no to each.")
    pain = []
    if s.pain_before is not None:
        pain.append(f"Pain before treatment {s.pain_before}/10 (NPRS)")
    if s.pain_after is not None:
        pain.append(f"after treatment {s.pain_after}/10")
    if pain:
        parts.append(_sentence(", ".join(pain)))
    return " ".join(parts)


def _stopped_line(stop: Stopped) -> str:
    by = f" by {stop.by}" if stop.by.strip() else ""
    return f"Session stopped for safety at {stop.at:%H:%M}{by}. {_sentence(stop.reason)}"


def _objective(data: NoteInput) -> str:
    lines = []
    if data.stopped is not None:
        lines.append(_stopped_line(data.stopped))
    head = f"Session {data.session_number} on {data.session_date:%-d %B %Y}"
    if data.minutes:
        head += f", {data.minutes} minutes"
    done = [s for s in data.steps if s.status is StepStatus.DONE]
    head += f"; {_plural(len(done), 'step')} done"
    if len(data.steps) != len(done):
        head += f" of {len(data.steps)} planned"
    lines.append(head + ".")
    lines.extend(_step_text(s) for s in done)
    ease = [(s, r) for s in done for r in s.ease_off]
    if ease:
        where = _series(
            [
                f"{muscle_words(s.muscle_id, s.side)} ({', '.join(f'{r}/10' for r in s.ease_off)})"
                for s in dict.fromkeys(s for s, _ in ease)
            ]
        )
        lines.append(
            f"Discomfort above {DISCOMFORT_MAX}/10 was reported {_times(len(ease))}: "
            f"{where}; pressure was eased off {'each time' if len(ease) > 1 else 'at once'}."
        )
    elif any(s.discomfort for s in done):
        lines.append(f"Discomfort stayed at or below {DISCOMFORT_MAX}/10 throughout.")
    skipped = [s for s in data.steps if s.status is StepStatus.SKIPPED]
    for s in skipped:
        why = f" ({_quote(s.skip_reason)})" if s.skip_reason.strip() else ""
        lines.append(f"Skipped: {muscle_words(s.muscle_id, s.side, s.trigger_point)}{why}.")
    pending = [s for s in data.steps if s.status is StepStatus.PENDING]
    if pending:
        names = _series([muscle_words(s.muscle_id, s.side) for s in pending])
        lines.append(f"Not reached: {names}.")
    for remark in data.remarks:
        if remark.strip():
            lines.append(f"Therapist's note: {_quote(remark)}.")
    return "\n".join(lines)


def _assessment(data: NoteInput) -> str:
    parts = []
    a = data.assessment
    if a is not None:
        when = f" of {a.visit_date:%-d %B %Y}" if a.visit_date else ""
        if a.findings:
            found = "; ".join(_lower(_quote(f)) for f in a.findings)
            parts.append(f"The assessment{when} found: {found}.")
        rated = sorted(((label, r) for label, r in a.elements if r > 0), key=lambda x: -x[1])
        if rated:
            profile = ", ".join(f"{label.lower()} {r}/3" for label, r in rated)
            parts.append(f"Elements of pain (0–3): {profile}.")
    done = [s for s in data.steps if s.status is StepStatus.DONE]
    if done:
        released = [s for s in done if s.released]
        twitches = [s for s in done if s.twitch]
        referral = [s for s in done if s.referral_reproduced]
        parts.append(
            f"Response to treatment: {len(released)} of {_plural(len(done), 'treated site')} "
            "released"
            + (
                "; twitch responses at "
                + _series([muscle_words(s.muscle_id, s.side) for s in twitches])
                if twitches
                else ""
            )
            + (
                "; referred pain reproduced from "
                + _series([muscle_words(s.muscle_id, s.side) for s in referral])
                if referral
                else ""
            )
            + "."
        )
        ease_count = sum(len(s.ease_off) for s in done)
        if ease_count:
            parts.append(
                f"Pressure tolerance was low in places: discomfort went above "
                f"{DISCOMFORT_MAX}/10 {_times(ease_count)}."
            )
    s = data.subjective
    if s.pain_before is not None and s.pain_after is not None:
        change = s.pain_before - s.pain_after
        if change > 0:
            parts.append(
                f"Pain fell from {s.pain_before}/10 to {s.pain_after}/10 during the session "
                f"({_plural(change, 'point')} lower)."
            )
        elif change < 0:
            parts.append(
                f"Pain rose from {s.pain_before}/10 to {s.pain_after}/10 during the session "
                f"({_plural(-change, 'point')} higher)."
            )
        else:
            parts.append(f"Pain was unchanged by the session at {s.pain_after}/10.")
    o = data.outcomes
    if o is not None:
        if o.scores:
            parts.append(f"Latest outcome scores: {', '.join(o.scores)}.")
        if o.status:
            text = f"Progress: {_quote(o.status).lower()}"
            if o.explanation.strip():
                text += f" ({_quote(o.explanation)})"
            parts.append(text + ".")
    return " ".join(parts)


def _plan_stopped(stop: Stopped) -> str:
    parts = [
        "Treatment was stopped for safety: no further treatment until a current safety "
        "screening allows it or a physician's clearance is recorded."
    ]
    if stop.advice.strip():
        parts.append(f"The client was told: {_sentence(stop.advice)}")
    return " ".join(parts)


def _plan(data: NoteInput) -> str:
    if data.stopped is not None:
        return _plan_stopped(data.stopped)
    p = data.plan
    parts = []
    carry = [s for s in data.steps if s.status is not StepStatus.DONE]
    if p is not None:
        course = ""
        if p.initial_sessions:
            course = f" of an initial course of {p.initial_sessions}"
            if p.sessions_per_week:
                course += f" ({_plural(p.sessions_per_week, 'session')} a week)"
        parts.append(f"Next: session {p.next_session}{course}.")
        if p.next_session < p.review_at_session:
            parts.append(
                f"Review progress at session {p.review_at_session}: "
                "significant relief is expected within 3–5 sessions."
            )
        elif p.next_session == p.review_at_session:
            parts.append(
                f"The next session is the session-{p.review_at_session} review: retake the "
                "outcome measures and reassess; without an important change, change the plan "
                "or refer."
            )
        else:
            parts.append(
                f"The session-{p.review_at_session} review is past: keep comparing outcome "
                "measures with the baseline."
            )
        if p.maintenance_every_weeks:
            parts.append(
                "Then maintenance every "
                f"{_plural(p.maintenance_every_weeks, 'week')} once the goals are met."
            )
    if data.outcomes is not None and data.outcomes.next_step.strip():
        parts.append(f"Outcome measures: {_sentence(data.outcomes.next_step)}")
    if carry:
        names = _series([muscle_words(s.muscle_id, s.side, s.trigger_point) for s in carry])
        parts.append(f"Carry over to the next session: {names}.")
    if p is not None:
        if p.aftercare_given:
            parts.append(
                "Aftercare given: drink water, walk lightly, no heavy lifting for 24 hours; "
                "slight soreness is normal and fades."
            )
        if p.home_care_muscles:
            names = _series(
                [muscle_words(m, None).removesuffix(", both sides") for m in p.home_care_muscles]
            )
            parts.append(
                f"Home care: stretch and self-compression for {names}, "
                f"discomfort no higher than {DISCOMFORT_MAX}/10."
            )
    return " ".join(parts)


def draft(data: NoteInput) -> SoapDraft:
    """The SOAP note for ``data`` in clinical English, one text per part."""
    return SoapDraft(
        subjective=_subjective(data),
        objective=_objective(data),
        assessment=_assessment(data),
        plan=_plan(data),
    )


# --------------------------------------------------------------------------- the chain


Content = Mapping[str, str | int | bool | None]


def canonical_json(content: Content, previous_hash: str) -> str:
    """The exact text that is hashed: keys sorted, no spaces, UTF-8 kept."""
    if not isinstance(previous_hash, str) or len(previous_hash) != 64:
        raise DomainError("must be 64 hex digits", field="previous_hash", value=previous_hash)
    for key, value in content.items():
        if not isinstance(key, str):
            raise DomainError("keys must be text", field="content", value=key)
        if value is not None and not isinstance(value, str | int | bool):
            raise DomainError("must be text, a whole number, true/false or empty", field=key)
    return json.dumps(
        {"content": dict(content), "previous": previous_hash},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


MIN_KEY_BYTES: Final = 16
"""A chain key shorter than this is refused: it could be guessed."""


def unkeyed_hash(content: Content, previous_hash: str) -> str:
    """sha256 (hex) of the content chained to the entry before it: how entries signed before
    the chain had a key were hashed (read only to check and re-key them)."""
    return hashlib.sha256(canonical_json(content, previous_hash).encode()).hexdigest()


def content_hash(content: Content, previous_hash: str, key: bytes | None) -> str:
    """HMAC-SHA256 (hex) under ``key`` of the signed content chained to the entry before it.

    ``key=None`` gives the unkeyed hash of entries signed before the chain had a key."""
    if key is None:
        return unkeyed_hash(content, previous_hash)
    if not isinstance(key, bytes) or len(key) < MIN_KEY_BYTES:
        raise DomainError(f"must be at least {MIN_KEY_BYTES} bytes", field="key")
    text = canonical_json(content, previous_hash).encode()
    return hmac.new(key, text, hashlib.sha256).hexdigest()


class ProblemKind(StrEnum):
    CONTENT = "content"
    LINK = "link"
    SEQUENCE = "sequence"
    HEAD = "head"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class ChainEntry:
    """One signed entry as stored: its content, the hash it links to and its own hash.

    ``seq`` is its number in the client's chain (1 for the first); ``None`` when not checked.
    """

    entry_id: str
    label: str
    content: Content
    previous_hash: str
    stored_hash: str
    seq: int | None = None


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The head of a client's chain as recorded outside it when an entry was signed."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class ChainProblem:
    entry_id: str
    label: str
    kind: ProblemKind
    message: str


def _entry_problems(entries: Sequence[ChainEntry], key: bytes | None) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    expected = GENESIS
    for number, entry in enumerate(entries, start=1):
        if entry.seq is not None and entry.seq != number:
            problems.append(
                ChainProblem(
                    entry.entry_id,
                    entry.label,
                    ProblemKind.SEQUENCE,
                    f"is numbered {entry.seq} but is entry {number} of the chain: "
                    "an entry before it is missing or the numbering was changed",
                )
            )
        if entry.previous_hash != expected:
            problems.append(
                ChainProblem(
                    entry.entry_id,
                    entry.label,
                    ProblemKind.LINK,
                    "does not link to the entry before it in the chain",
                )
            )
        try:
            actual = content_hash(entry.content, entry.previous_hash, key)
        except DomainError as exc:
            actual = f"unreadable ({exc})"
        if not hmac.compare_digest(actual, entry.stored_hash):
            problems.append(
                ChainProblem(
                    entry.entry_id,
                    entry.label,
                    ProblemKind.CONTENT,
                    "content changed since it was signed: the stored hash no longer matches",
                )
            )
        expected = entry.stored_hash
    return problems


def _head_problems(entries: Sequence[ChainEntry], heads: Sequence[ChainHead]) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    beyond = [h.seq for h in heads if h.seq > len(entries)]
    if beyond:
        last = max(beyond)
        ends = f"ends at entry {len(entries)}" if entries else "has no signed entries"
        problems.append(
            ChainProblem(
                "chain",
                f"entries {len(entries) + 1} to {last}"
                if last > len(entries) + 1
                else f"entry {last}",
                ProblemKind.MISSING,
                f"the audit log recorded entry {last} of this chain when it was signed, but the "
                f"chain now {ends}: signed entries were deleted or un-signed",
            )
        )
    for head in sorted({h for h in heads if 1 <= h.seq <= len(entries)}, key=lambda h: h.seq):
        entry = entries[head.seq - 1]
        if not hmac.compare_digest(entry.stored_hash, head.hash):
            problems.append(
                ChainProblem(
                    entry.entry_id,
                    entry.label,
                    ProblemKind.HEAD,
                    f"is not the entry {head.seq} recorded in the audit log when it was signed: "
                    "the chain was rewritten from here",
                )
            )
    return problems


def verify_chain(
    entries: Sequence[ChainEntry], *, key: bytes | None, heads: Sequence[ChainHead] = ()
) -> tuple[ChainProblem, ...]:
    """Problems in one client's chain, in chain order; empty when every entry matches.

    ``key`` is the chain key; ``None`` checks the unkeyed hashes of a chain signed before the
    chain had a key (an old backup, or the re-keying migration).

    ``content``: the entry's content no longer gives its stored keyed hash. ``link``: the
    entry does not point at the entry before it (one was removed, inserted or moved).
    ``sequence``: its number is not its place in the chain. ``missing``: a recorded head lies
    beyond the chain's end (entries deleted or un-signed, or the whole chain deleted).
    ``head``: the entry at a recorded head's number is not the one recorded.
    """
    return tuple(_entry_problems(entries, key) + _head_problems(entries, heads))
