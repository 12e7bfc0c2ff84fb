"""The live treatment session: its events, the discomfort guard and what the log adds up to.

Events come from the session guide, each with an id chosen by the browser, so a send that
is repeated (after a lost connection) is recognised and stored once. ``merge`` sorts a batch
into new events and harmless repeats; ``summarise`` replays the whole log in the guide's own
order (``seq``) into what happened at each step.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

from myomap_core.errors import DomainError
from myomap_core.planning import DISCOMFORT_MAX

DISCOMFORT_SCALE: Final = (0, 10)
"""The session discomfort scale; stored apart from the NPRS pain score (CLINICAL.md §1)."""

PAIN_SCALE: Final = (0, 10)
"""The numeric pain rating scale (NPRS) asked before and after the session."""

TIMER_MAX_S: Final = 600
"""The longest time one timer event may report (a generous bound on a 90 s hold)."""

TEXT_MAX: Final = 500

__all__ = [
    "DISCOMFORT_MAX",
    "DISCOMFORT_SCALE",
    "PAIN_SCALE",
    "Event",
    "EventKind",
    "Merge",
    "Outcome",
    "SessionSummary",
    "StepOutcome",
    "ease_off",
    "merge",
    "summarise",
]


class EventKind(StrEnum):
    """What happened during a session, as the guide records it."""

    PAIN_BEFORE = "pain_before"
    STEP_STARTED = "step_started"
    TIMER_STARTED = "timer_started"
    TIMER_STOPPED = "timer_stopped"
    TIMER_DONE = "timer_done"
    DISCOMFORT = "discomfort"
    RELEASED = "released"
    TWITCH = "twitch"
    REFERRAL_REPRODUCED = "referral_reproduced"
    SKIPPED = "skipped"
    STEP_DONE = "step_done"
    NOTE = "note"
    PAIN_AFTER = "pain_after"
    FINISHED = "finished"
    EASED_OFF = "eased_off"
    """The therapist acknowledged an ease-off warning and lightened the pressure."""
    EASED = "eased"
    """Outcome: the point eased but did not release."""
    NO_CHANGE = "no_change"
    """Outcome: no change at the point."""


class Outcome(StrEnum):
    """The clinical finding the therapist chose for a step (none until one is tapped)."""

    RELEASED = "released"
    EASED = "eased"
    NO_CHANGE = "no_change"

    @property
    def words(self) -> str:
        return {"released": "released", "eased": "eased, not released"}.get(self.value, "no change")


OUTCOME_KINDS: Final = {
    EventKind.RELEASED: Outcome.RELEASED,
    EventKind.EASED: Outcome.EASED,
    EventKind.NO_CHANGE: Outcome.NO_CHANGE,
}
"""The taps that record a step's outcome; the latest one counts. Each also moves on."""

MOVE_KINDS: Final = frozenset({EventKind.STEP_DONE, EventKind.SKIPPED, *OUTCOME_KINDS})
"""The taps that leave a step: Next, Skip and an outcome (the guide shows the next step)."""


STEP_KINDS: Final = frozenset(
    {
        EventKind.STEP_STARTED,
        EventKind.TIMER_STARTED,
        EventKind.TIMER_STOPPED,
        EventKind.TIMER_DONE,
        EventKind.DISCOMFORT,
        EventKind.RELEASED,
        EventKind.TWITCH,
        EventKind.REFERRAL_REPRODUCED,
        EventKind.SKIPPED,
        EventKind.STEP_DONE,
        EventKind.EASED_OFF,
        EventKind.EASED,
        EventKind.NO_CHANGE,
    }
)
"""Kinds that belong to one step and must name it."""

SESSION_KINDS: Final = frozenset({EventKind.PAIN_BEFORE, EventKind.PAIN_AFTER, EventKind.FINISHED})
"""Kinds that belong to the whole session and must not name a step."""

RATING_KINDS: Final = frozenset({EventKind.DISCOMFORT, EventKind.PAIN_BEFORE, EventKind.PAIN_AFTER})
"""Kinds whose value is a whole-number rating from 0 to 10."""

TIMER_KINDS: Final = frozenset({EventKind.TIMER_STOPPED, EventKind.TIMER_DONE})
"""Kinds whose value is the seconds held since the timer started."""


def ease_off(value: int) -> bool:
    """Whether a discomfort reading is above the ceiling of 5/10: the therapist eases off."""
    return value > DISCOMFORT_MAX


def _rating(kind: EventKind, value: float | None) -> None:
    low, high = DISCOMFORT_SCALE if kind is EventKind.DISCOMFORT else PAIN_SCALE
    if value is None:
        raise DomainError(f"{kind.value} needs a value from {low} to {high}", field="value")
    if not math.isfinite(value) or value != int(value) or not low <= value <= high:
        raise DomainError(
            f"{kind.value} must be a whole number from {low} to {high}", field="value", value=value
        )


MAX_SEQ = 2_147_483_647
"""The largest ``seq`` a database integer column holds everywhere (PostgreSQL's ``integer``)."""


@dataclass(frozen=True, slots=True)
class Event:
    """One tap in the guide. ``step`` is the step's order (from 1); ``seq`` the guide's
    counter, which orders the log."""

    event_id: str
    seq: int
    kind: EventKind
    step: int | None
    value: float | None
    at: datetime
    text: str = ""

    def __post_init__(self) -> None:
        try:
            canonical = str(uuid.UUID(str(self.event_id)))
        except ValueError:
            raise DomainError("must be a UUID", field="event_id", value=self.event_id) from None
        object.__setattr__(self, "event_id", canonical)
        if (
            isinstance(self.seq, bool)
            or not isinstance(self.seq, int)
            or not 0 <= self.seq <= MAX_SEQ
        ):
            raise DomainError(
                f"must be a whole number from 0 to {MAX_SEQ}", field="seq", value=self.seq
            )
        try:
            object.__setattr__(self, "kind", EventKind(self.kind))
        except ValueError:
            raise DomainError(
                "is not a kind of session event",
                field="kind",
                value=self.kind,
                suggestions=[k.value for k in EventKind],
            ) from None
        if self.kind in STEP_KINDS and self.step is None:
            raise DomainError(f"{self.kind.value} must name its step", field="step")
        if self.kind in SESSION_KINDS and self.step is not None:
            raise DomainError(
                f"{self.kind.value} belongs to the session, not a step",
                field="step",
                value=self.step,
            )
        if self.step is not None and (
            isinstance(self.step, bool) or not isinstance(self.step, int) or self.step < 1
        ):
            raise DomainError("must be a step order from 1", field="step", value=self.step)
        if self.value is not None:
            if isinstance(self.value, bool) or not isinstance(self.value, int | float):
                raise DomainError("must be a number", field="value", value=self.value)
            object.__setattr__(self, "value", float(self.value))
        if self.kind in RATING_KINDS:
            _rating(self.kind, self.value)
        elif self.kind in TIMER_KINDS:
            if self.value is None or not 0 <= self.value <= TIMER_MAX_S:
                raise DomainError(
                    f"{self.kind.value} needs the seconds held, 0 to {TIMER_MAX_S}",
                    field="value",
                    value=self.value,
                )
        elif self.value is not None and self.kind is not EventKind.TIMER_STARTED:
            raise DomainError(f"{self.kind.value} takes no value", field="value", value=self.value)
        if (
            self.kind is EventKind.TIMER_STARTED
            and self.value is not None
            and not 0 < self.value <= TIMER_MAX_S
        ):
            raise DomainError(
                f"the timer is set for 1 to {TIMER_MAX_S} seconds", field="value", value=self.value
            )
        if not isinstance(self.at, datetime) or self.at.tzinfo is None:
            raise DomainError("must be a date and time with its time zone", field="at")
        if len(self.text) > TEXT_MAX:
            raise DomainError(f"must be at most {TEXT_MAX} characters", field="text")
        if self.kind is EventKind.NOTE and not self.text.strip():
            raise DomainError("a note needs its text", field="text")

    def same_content(self, other: Event) -> bool:
        """Everything but the id is equal: a repeated send of this event."""
        return (
            self.seq == other.seq
            and self.kind == other.kind
            and self.step == other.step
            and self.value == other.value
            and self.at == other.at
            and self.text == other.text
        )


@dataclass(frozen=True, slots=True)
class Merge:
    """A batch sorted against the stored log: events to store, and ids already stored."""

    new: tuple[Event, ...]
    duplicates: tuple[str, ...]

    @property
    def accepted(self) -> tuple[str, ...]:
        """Every id of the batch the log now holds, new or repeated."""
        return tuple(e.event_id for e in self.new) + self.duplicates


def merge(stored: Sequence[Event], incoming: Sequence[Event]) -> Merge:
    """Sort ``incoming`` into new events and repeats of stored (or earlier incoming) ones.

    The same id with other content is refused: an id names one tap for ever.
    """
    known: dict[str, Event] = {e.event_id: e for e in stored}
    new: list[Event] = []
    duplicates: list[str] = []
    for event in incoming:
        earlier = known.get(event.event_id)
        if earlier is None:
            known[event.event_id] = event
            new.append(event)
        elif earlier.same_content(event):
            if event.event_id not in duplicates:
                duplicates.append(event.event_id)
        else:
            raise DomainError(
                "this event id was already used for a different event",
                field="event_id",
                value=event.event_id,
            )
    return Merge(new=tuple(new), duplicates=tuple(duplicates))


def ordered(events: Sequence[Event]) -> list[Event]:
    """The log in the guide's order: by ``seq``, then time, then id (a stable tie-break)."""
    return sorted(events, key=lambda e: (e.seq, e.at, e.event_id))


@dataclass(frozen=True, slots=True)
class StepOutcome:
    """What happened at one step."""

    order: int
    status: str = "pending"  # "pending", "done" or "skipped"
    discomfort: tuple[int, ...] = ()
    twitch: bool = False
    outcome: Outcome | None = None
    """The finding the therapist tapped (released, eased, no change), or none."""
    referral_reproduced: bool = False
    holds: tuple[int, ...] = ()
    """Each hold actually performed, in measured whole seconds (a timer stopped at 0 s is
    no hold)."""
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.order < 1:
            raise DomainError("must be 1 or more", field="order", value=self.order)
        if self.status not in ("pending", "done", "skipped"):
            raise DomainError("must be pending, done or skipped", field="status")

    @property
    def discomfort_max(self) -> int | None:
        return max(self.discomfort) if self.discomfort else None

    @property
    def ease_off_count(self) -> int:
        return sum(1 for d in self.discomfort if ease_off(d))

    @property
    def released(self) -> bool:
        return self.outcome is Outcome.RELEASED

    @property
    def hold_s_total(self) -> int:
        return sum(self.holds)

    @property
    def repetitions_done(self) -> int:
        """The holds performed: one per timed hold the log shows."""
        return len(self.holds)


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """The log added up: each step's outcome, the pain ratings and the ease-off warnings."""

    steps: tuple[StepOutcome, ...]
    pain_before: int | None
    pain_after: int | None
    finished: bool
    ease_off_warnings: tuple[tuple[int, int], ...]
    """(step order, reading) of every discomfort reading above 5, in order."""
    current_step: int | None
    """The step the guide shows next (None when there are no steps or all are behind)."""
    notes: tuple[str, ...] = ()
    """Notes about the whole session."""

    @property
    def ease_off_count(self) -> int:
        return len(self.ease_off_warnings)


@dataclass
class _Step:
    status: str = "pending"
    discomfort: list[int] = field(default_factory=list)
    twitch: bool = False
    outcome: Outcome | None = None
    referral_reproduced: bool = False
    holds: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def summarise(step_count: int, events: Sequence[Event]) -> SessionSummary:
    """Replay ``events`` in ``seq`` order over steps 1..``step_count``.

    Next marks a step done and moves on; Skip marks it skipped and moves on; the latest of
    these wins. An outcome (Released, Eased, No change) marks the step done and moves on too;
    the latest outcome counts (a correction after Back replaces it). Each timer stop or end
    is one hold of the seconds it reports. The last pain rating counts.
    """
    if step_count < 0:
        raise DomainError("must be 0 or more", field="step_count", value=step_count)
    steps = [_Step() for _ in range(step_count)]
    pain_before: int | None = None
    pain_after: int | None = None
    finished = False
    warnings: list[tuple[int, int]] = []
    notes: list[str] = []
    current: int | None = 1 if step_count else None
    for event in ordered(events):
        if event.step is not None and event.step > step_count:
            raise DomainError(
                f"the session has {step_count} step{'s' if step_count != 1 else ''}",
                field="step",
                value=event.step,
            )
        kind = event.kind
        if kind is EventKind.PAIN_BEFORE:
            pain_before = int(event.value or 0)
            continue
        if kind is EventKind.PAIN_AFTER:
            pain_after = int(event.value or 0)
            continue
        if kind is EventKind.FINISHED:
            finished = True
            continue
        if event.step is None:  # a note about the whole session
            notes.append(event.text)
            continue
        step = steps[event.step - 1]
        if kind is EventKind.DISCOMFORT:
            reading = int(event.value or 0)
            step.discomfort.append(reading)
            if ease_off(reading):
                warnings.append((event.step, reading))
        elif kind in TIMER_KINDS:
            seconds = round(event.value or 0.0)
            if seconds > 0:
                step.holds.append(seconds)
        elif kind is EventKind.TWITCH:
            step.twitch = True
        elif kind is EventKind.REFERRAL_REPRODUCED:
            step.referral_reproduced = True
        elif kind is EventKind.NOTE:
            step.notes.append(event.text)
        elif kind in OUTCOME_KINDS:
            step.outcome = OUTCOME_KINDS[kind]
            step.status = "done"
        elif kind is EventKind.STEP_DONE:
            step.status = "done"
        elif kind is EventKind.SKIPPED:
            step.status = "skipped"
        if kind in MOVE_KINDS:
            current = event.step + 1 if event.step < step_count else None
        elif kind not in (EventKind.NOTE, EventKind.EASED_OFF):
            current = event.step
    return SessionSummary(
        steps=tuple(
            StepOutcome(
                order=i,
                status=s.status,
                discomfort=tuple(s.discomfort),
                twitch=s.twitch,
                outcome=s.outcome,
                referral_reproduced=s.referral_reproduced,
                holds=tuple(s.holds),
                notes=tuple(s.notes),
            )
            for i, s in enumerate(steps, start=1)
        ),
        pain_before=pain_before,
        pain_after=pain_after,
        finished=finished,
        ease_off_warnings=tuple(warnings),
        current_step=current,
        notes=tuple(notes),
    )
