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
from myomap_core.session import Outcome, StepOutcome
from myomap_core.units import plural

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
    outcome: Outcome | None = None
    """The finding the therapist tapped; none when no outcome was chosen."""
    twitch: bool = False
    referral_reproduced: bool = False
    holds: tuple[int, ...] = ()
    """Each timed hold actually performed, in seconds, as the session log shows."""
    skip_reason: str = ""

    @property
    def released(self) -> bool:
        return self.outcome is Outcome.RELEASED

    @property
    def hold_s_total(self) -> int:
        return sum(self.holds)

    @classmethod
    def from_log(cls, done: StepOutcome, **planned: object) -> StepRecord:
        """The step as the log summary shows it, with its planned dose for comparison."""
        return cls(
            order=done.order,
            status=StepStatus(done.status),
            discomfort=done.discomfort,
            outcome=done.outcome,
            twitch=done.twitch,
            referral_reproduced=done.referral_reproduced,
            holds=done.holds,
            **planned,  # type: ignore[arg-type]
        )

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
        if self.outcome is not None:
            object.__setattr__(self, "outcome", _enum(Outcome, "outcome", self.outcome))
        if not isinstance(self.holds, tuple):
            raise DomainError("must be a tuple of seconds", field="holds")
        for i, held in enumerate(self.holds):
            _positive(f"holds[{i}]", held)
        if not isinstance(self.discomfort, tuple):
            raise DomainError("must be a tuple of readings", field="discomfort")
        for i, reading in enumerate(self.discomfort):
            _score(f"discomfort[{i}]", reading, DISCOMFORT_RANGE)
        for name in ("twitch", "referral_reproduced"):
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
    precautions: tuple[str, ...] = ()
    """The screening's precautions in force, each in a few words."""

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
        _texts("precautions", self.precautions)


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


def _plural(n: int, word: str, many: str | None = None) -> str:
    return plural(n, word, many)


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


ABBREVIATIONS: Final = (
    ("TrP", "trigger point"),
    ("IC", "ischemic compression"),
    ("PR", "positional release"),
    ("CFF", "cross-fibre friction"),
    ("FS", "facilitated stretch"),
    ("ROM", "range of motion"),
    ("NPRS", "numeric pain rating scale, 0–10"),
    ("L / R", "left / right"),
    ("×2", "two repetitions"),
)
"""The abbreviations a note uses, with their meaning (the legend of the note's PDF)."""

TECHNIQUE_SHORT: Final = {
    Technique.ISCHEMIC_COMPRESSION: "IC",
    Technique.POSITIONAL_RELEASE: "PR",
    Technique.CROSS_FIBRE_FRICTION: "CFF",
    Technique.FACILITATED_STRETCH: "FS",
}

CONTACT_SHORT: Final = {
    "thumb": "thumb",
    "fingertips": "fingertips",
    "fingers": "fingers",
    "knuckle": "knuckle",
    "elbow": "elbow",
    "pincer": "pincer grip",
    "tool": "tool",
}

TIMED: Final = frozenset(Technique)
"""Every technique runs on the guide's timer: its holds are the log's timer events."""


def site_words(step: StepRecord) -> str:
    """``L quadratus lumborum, superficial (TrP1)``: side initial, muscle and point."""
    from myomap_core.knowledge import load_knowledge_base

    muscle = load_knowledge_base().muscle(step.muscle_id)
    side = {"left": "L ", "right": "R "}.get(step.side or "", "bilat. ")
    name = side + _lower(muscle.name)
    if step.trigger_point:
        label = next((p.label for p in muscle.trigger_points if p.id == step.trigger_point), "")
        if label:
            name += f", {_lower(label).replace('trigger point', 'TrP')}"
    return name


def holds_words(holds: Sequence[int]) -> str:
    """The holds performed: ``60 s ×2``, ``60 s + 35 s``, or ``no timed hold``."""
    if not holds:
        return "no timed hold"
    if len(set(holds)) == 1:
        return f"{holds[0]} s ×{len(holds)}"
    return " + ".join(f"{h} s" for h in holds)


def planned_holds(step: StepRecord) -> tuple[int, ...]:
    """The dose the plan asked for, as holds: seconds per hold times the repetitions."""
    seconds = {
        Technique.CROSS_FIBRE_FRICTION: step.duration_s,
        Technique.FACILITATED_STRETCH: step.contract_s,
    }.get(step.technique, step.hold_s)
    return (seconds,) * step.repetitions if seconds else ()


def dose_words(step: StepRecord) -> str:
    """What the log shows was done at the step (``IC 60 s ×1``), and, in one clause, how it
    differed from the plan (``; planned 90 s ×2``)."""
    text = f"{TECHNIQUE_SHORT[step.technique]} {holds_words(step.holds)}"
    planned = planned_holds(step)
    if planned and tuple(step.holds) != planned:
        text += f" (planned {holds_words(planned)})"
    return text


def outcome_words(step: StepRecord) -> str:
    return step.outcome.words if step.outcome is not None else "no outcome recorded"


def site_line(step: StepRecord) -> str:
    """One line per treated site: ``L quadratus lumborum, superficial TrP: IC 60 s ×1, thumb
    4–5.4 kg, discomfort 4→3, released; twitch``. Only what the log shows, with the plan's
    pressure and contact; the position only for positional release."""
    parts = [dose_words(step)]
    handling = " ".join(
        p
        for p in (
            CONTACT_SHORT.get(step.contact or "", ""),
            pressure_text(step.pressure_kg).split(" (")[0] if step.pressure_kg else "",
        )
        if p
    )
    if handling:
        parts.append(handling)
    if step.technique is Technique.POSITIONAL_RELEASE and step.position.strip():
        parts.append(f"position: {_lower(_quote(step.position))}")
    if step.discomfort:
        parts.append("discomfort " + "→".join(str(r) for r in step.discomfort))
    parts.append(outcome_words(step))
    extras = []
    if step.twitch:
        extras.append("twitch")
    if step.referral_reproduced:
        extras.append("referral reproduced")
    if step.ease_off:
        extras.append("EASE OFF: eased at " + ", ".join(f"{r}/10" for r in step.ease_off))
    return f"{site_words(step)[0].upper()}{site_words(step)[1:]}: " + "; ".join(
        [", ".join(parts), *extras]
    )


def _subjective(data: NoteInput) -> str:
    s = data.subjective
    parts = []
    first = data.session_number == 1
    if first and s.complaint.strip():
        parts.append(f"Presenting complaint (intake): {_quote(s.complaint)}.")
    if first and s.goals.strip():
        parts.append(f"Goal: {_quote(s.goals)}.")
    if s.response:
        felt = f"Client reports feeling {s.response} since the last treatment"
        parts.append(felt + (f", with {s.soreness}." if s.soreness else "."))
    if s.checkin.strip():
        parts.append(f"Since the last visit, client reports: {_quote(s.checkin)}.")
    elif not first and not s.safety_asked:
        parts.append("No check-in since the last visit was recorded.")
    if s.safety_yes:
        parts.append(
            f"Safety questions: client reports {_series(list(s.safety_yes))}; "
            "the safety screening was run again."
        )
    elif s.safety_asked:
        parts.append("Safety questions at check-in: client answered no to each.")
    pain = []
    if s.pain_before is not None:
        pain.append(f"Pain before treatment {s.pain_before}/10 (NPRS)")
    if s.pain_after is not None:
        pain.append(f"after {s.pain_after}/10")
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
    head = f"Session {data.session_number}, {data.session_date:%-d %b %Y}"
    if data.minutes:
        head += f", {_plural(data.minutes, 'minute')}"
    done = [s for s in data.steps if s.status is StepStatus.DONE]
    head += f"; {_plural(len(done), 'site')} treated"
    if len(data.steps) != len(done):
        head += f" of {len(data.steps)} planned"
    lines.append(head + ".")
    if data.precautions:
        lines.append(f"Precautions: {'; '.join(_quote(p) for p in data.precautions)}.")
    lines.extend(site_line(s) for s in done)
    for s in data.steps:
        if s.status is StepStatus.SKIPPED:
            why = f" ({_quote(s.skip_reason)})" if s.skip_reason.strip() else ""
            lines.append(f"Skipped: {site_words(s)}{why}.")
    pending = [s for s in data.steps if s.status is StepStatus.PENDING]
    if pending:
        lines.append(f"Not reached: {'; '.join(site_words(s) for s in pending)}.")
    for remark in data.remarks:
        if remark.strip():
            lines.append(f"Therapist's note: {_quote(remark)}.")
    return "\n".join(lines)


def response_words(done: Sequence[StepRecord]) -> str:
    """``of 6 treated sites, 2 released, 3 eased, not released, 1 no outcome recorded``."""
    counts: dict[str, int] = {}
    for step in done:
        words = outcome_words(step)
        counts[words] = counts.get(words, 0) + 1
    order = [o.words for o in Outcome] + ["no outcome recorded"]
    said = [f"{counts[w]} {w}" for w in order if w in counts]
    return f"of {_plural(len(done), 'treated site')}, " + "; ".join(said)


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
        parts.append(f"Response: {response_words(done)}.")
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
