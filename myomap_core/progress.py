"""Change from baseline and where a client stands against the 3-5-session promise.

``change()`` judges one instrument's change against its important change (CLINICAL.md
§1-5):

- NPRS: 2 points or 30 % (Ostelo 2008, Childs 2005, Farrar 2001); IMMPACT level from the
  percent drop: >= 10 % minimal, >= 30 % moderate, >= 50 % substantial (Dworkin 2008).
- ODI: 10 points or 30 %. RMDQ: 5 points or 30 %; with a baseline below 4 an improvement,
  above 20 a deterioration, is not reliably detectable (Stratford 1996): ``reliable`` is
  False and ``caveat`` says why. When the points and percent criteria disagree both are
  reported.
- PSFS (higher is better): 2 points on the mean (3 for one activity), the MDC90; MID level
  1.3 small, 2.3 medium, 2.7 large (Abbott & Schmitt 2014).
- Percent is of the baseline and undefined (None) at baseline 0.
- [ours] A deterioration is judged on points only: the percent criteria were set for
  improvement and inflate small baselines (NPRS 1 -> 2 is "100 %").

``progress_status()`` rules, checked in this order (``docs/outcomes.md``):

1. baseline: no measurement after the first one of any instrument.
2. worsening (flag ``alert``): any instrument's latest value is an important change in the
   wrong direction.
3. ready for maintenance: every instrument followed up shows an important (and reliable)
   improvement at its latest measurement, and at least one showed it on its last two
   measurements in a row; propose reassessment in 4 weeks.
4. on track: an important improvement at the latest measurement by session 5.
5. improving: an important improvement at the latest measurement, reached after session 5.
6. not improving (flag ``review_plan_or_refer``): no important improvement by session 5.
7. not yet improved: no important improvement yet, before session 5.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from myomap_core.errors import DomainError
from myomap_core.outcomes import (
    Direction,
    Instrument,
    InstrumentId,
    as_instrument_id,
    instrument,
    nprs,
    psfs,
    rmdq,
)
from myomap_core.outcomes.records import exact, json_number, plain

PROMISE_FIRST_SESSION = 3
PROMISE_LAST_SESSION = 5
"""The promise: a significant reduction in pain within three to five sessions."""
REASSESS_IN_WEEKS = 4
"""[ours] Proposed interval between reassessments once in maintenance."""

LEVEL_NONE = "none"
LEVEL_IMPORTANT = "important"
LEVEL_NOT_IMPORTANT = "not_important"


@dataclass(frozen=True, slots=True)
class Change:
    """One instrument's change from baseline, judged against its important change."""

    instrument: InstrumentId
    baseline: float
    now: float
    points: float
    """Improvement in points: positive = better, whichever way the instrument runs."""
    percent: float | None
    """Improvement as a percent of the baseline (positive = better); None at baseline 0."""
    important: bool
    """Meets the important change (improvement: points or percent; deterioration: points)."""
    by_points: bool
    by_percent: bool
    level: str
    """NPRS: none/minimal/moderate/substantial (IMMPACT); PSFS: none/small/medium/large
    (MID); otherwise important/not_important."""
    reliable: bool
    caveat: str | None
    worse: bool
    """An important change in the wrong direction."""
    explanation: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "instrument", InstrumentId(self.instrument))
        if self.worse and not self.important:
            raise DomainError("a worse change must be important", field="worse")

    @property
    def improved(self) -> bool:
        """An important improvement that can be reliably detected."""
        return self.important and not self.worse and self.reliable and self.points > 0

    def as_json(self) -> dict[str, object]:
        """The shape ``myomap score change --json`` prints."""
        return {
            "instrument": self.instrument.value,
            "baseline": json_number(self.baseline),
            "now": json_number(self.now),
            "points": json_number(self.points),
            "percent": None if self.percent is None else json_number(self.percent),
            "important": self.important,
            "improved": self.improved,
            "worse": self.worse,
            "by_points": self.by_points,
            "by_percent": self.by_percent,
            "level": self.level,
            "reliable": self.reliable,
            "caveat": self.caveat,
            "explanation": self.explanation,
        }


def _value(inst: Instrument, name: str, value: float) -> Fraction:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not inst.minimum <= value <= inst.maximum
    ):
        raise DomainError(
            f"{inst.short_name} must be a number from {plain(inst.minimum)} to "
            f"{plain(inst.maximum)}, not {value!r}",
            field=name,
            value=value,
        )
    return exact(value)


def change(
    instrument_id: str | InstrumentId, baseline: float, now: float, *, activity: bool = False
) -> Change:
    """The change from ``baseline`` to ``now``, judged against the instrument's rules.

    ``activity=True`` judges one PSFS activity (3 points) rather than the mean (2 points).
    STarT Back is a screening tool: compare its risk groups, not a change.
    """
    inst = instrument(as_instrument_id(instrument_id))
    if inst.mcid_points is None:
        raise DomainError(
            f"{inst.short_name} is a screening tool with no important change: compare its "
            "risk group instead",
            field="instrument",
            value=inst.id.value,
        )
    if activity and inst.id != InstrumentId.PSFS:
        raise DomainError("only the PSFS has per-activity change", field="activity")
    b, n = _value(inst, "baseline", baseline), _value(inst, "now", now)
    gain = b - n if inst.direction == Direction.LOWER_IS_BETTER else n - b
    pct = None if b == 0 else gain / b * 100
    needed_points = Fraction(psfs.MDC_ONE_ACTIVITY if activity else inst.mcid_points)
    by_points = abs(gain) >= needed_points and gain != 0
    by_percent = (
        inst.mcid_percent is not None
        and pct is not None
        and gain > 0
        and pct >= Fraction(inst.mcid_percent)
    )
    important = by_points or by_percent
    worse = important and gain < 0
    reliable, caveat = True, None
    if inst.id == InstrumentId.RMDQ and gain > 0 and b < rmdq.IMPROVEMENT_FLOOR:
        reliable = False
        caveat = (
            f"with a baseline below {rmdq.IMPROVEMENT_FLOOR} points an RMDQ improvement "
            "cannot be reliably told apart from measurement error (Stratford 1996)"
        )
    elif inst.id == InstrumentId.RMDQ and gain < 0 and b > rmdq.DETERIORATION_CEILING:
        reliable = False
        caveat = (
            f"with a baseline above {rmdq.DETERIORATION_CEILING} points an RMDQ deterioration "
            "cannot be reliably detected (Stratford 1996)"
        )
    level = _level(inst, gain, pct, important)
    explanation = _explain(inst, b, n, gain, pct, needed_points, important, level, caveat)
    return Change(
        instrument=inst.id,
        baseline=float(b),
        now=float(n),
        points=float(gain),
        percent=None if pct is None else float(pct),
        important=important,
        by_points=by_points,
        by_percent=by_percent,
        level=level,
        reliable=reliable,
        caveat=caveat,
        worse=worse,
        explanation=explanation,
    )


def _level(inst: Instrument, gain: Fraction, pct: Fraction | None, important: bool) -> str:
    if inst.id == InstrumentId.NPRS:
        if gain <= 0 or pct is None:
            return LEVEL_NONE
        return next((name for limit, name in nprs.IMMPACT_LEVELS if pct >= limit), LEVEL_NONE)
    if inst.id == InstrumentId.PSFS:
        if gain <= 0:
            return LEVEL_NONE
        return next((name for limit, name in psfs.MID_LEVELS if gain >= limit), LEVEL_NONE)
    return LEVEL_IMPORTANT if important else LEVEL_NOT_IMPORTANT


def _amount(inst: Instrument, value: Fraction) -> str:
    return f"{plain(value)}{' %' if inst.unit == '%' else ''}"


IMMPACT_WORDS: Mapping[str, str] = {
    "minimal": "minimally important",
    "moderate": "moderately important",
    "substantial": "substantial",
}


def _explain(
    inst: Instrument,
    b: Fraction,
    n: Fraction,
    gain: Fraction,
    pct: Fraction | None,
    needed: Fraction,
    important: bool,
    level: str,
    caveat: str | None,
) -> str:
    """One sentence: the change, the verdict, the rule, disagreeing criteria, the caveat."""
    size = abs(gain)
    text = f"{inst.short_name} {_amount(inst, b)} → {_amount(inst, n)}: "
    if gain == 0:
        text += "no change"
    else:
        unit = "point" if size == 1 else "points"
        text += f"{plain(size)} {unit} {'better' if gain > 0 else 'worse'}"
        if pct is not None:
            text += f" ({plain(abs(pct))} % of baseline)"
        else:
            text += " (percent undefined at baseline 0)"
        if important:
            way = "improvement" if gain > 0 else "deterioration"
            text += f", a clinically important {way}"
        else:
            text += ", not a clinically important change"
    rule = f"{plain(needed)} points"
    if inst.mcid_percent is not None:
        rule += f" or {plain(inst.mcid_percent)} %"
    text += f" (important: {rule}"
    if gain > 0 and inst.mcid_percent is not None and pct is not None:
        by_points = gain >= needed
        by_percent = pct >= inst.mcid_percent
        if by_points != by_percent:
            met, missed = ("points", "percent") if by_points else ("percent", "points")
            text += f"; meets the {met} criterion but not the {missed} one"
    if gain < 0 and inst.mcid_percent is not None:
        text += "; a deterioration is judged on points"
    text += ")"
    if inst.id == InstrumentId.NPRS and level != LEVEL_NONE:
        text += f"; IMMPACT: {IMMPACT_WORDS[level]}"
    if inst.id == InstrumentId.PSFS and level != LEVEL_NONE:
        text += f"; a {level} minimum important difference"
    if caveat:
        text += f"; caution: {caveat}"
    return text + "."


# --------------------------------------------------------------------------- status


class Status(StrEnum):
    """Where a client stands against the 3-5-session promise."""

    BASELINE = "baseline"
    IMPROVING = "improving"
    ON_TRACK = "on_track"
    NOT_YET_IMPROVED = "not_yet_improved"
    NOT_IMPROVING = "not_improving"
    WORSENING = "worsening"
    READY_FOR_MAINTENANCE = "ready_for_maintenance"


STATUS_LABELS: Mapping[Status, str] = {
    Status.BASELINE: "Baseline",
    Status.IMPROVING: "Improving",
    Status.ON_TRACK: "On track",
    Status.NOT_YET_IMPROVED: "Not yet improved",
    Status.NOT_IMPROVING: "Not improving by session 5",
    Status.WORSENING: "Worsening",
    Status.READY_FOR_MAINTENANCE: "Ready for maintenance",
}

FLAG_REVIEW = "review_plan_or_refer"
FLAG_ALERT = "alert"


@dataclass(frozen=True, slots=True)
class Measurement:
    """One score of one instrument; ``session`` = treatment sessions completed (0 = baseline)."""

    instrument: InstrumentId
    value: float
    session: int
    taken_on: date

    def __post_init__(self) -> None:
        inst = instrument(as_instrument_id(self.instrument))
        object.__setattr__(self, "instrument", inst.id)
        _value(inst, "value", self.value)
        if isinstance(self.session, bool) or not isinstance(self.session, int) or self.session < 0:
            raise DomainError(
                "must be a whole number of sessions, 0 or more", field="session", value=self.session
            )
        if not isinstance(self.taken_on, date):
            raise DomainError("must be a date", field="taken_on", value=self.taken_on)


@dataclass(frozen=True, slots=True)
class ProgressStatus:
    """The client's status after the latest session, explained in words with the numbers."""

    status: Status
    label: str
    explanation: str
    flag: str | None
    changes: tuple[Change, ...]
    reassess_in_weeks: int | None
    sessions: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))
        if self.flag not in (None, FLAG_REVIEW, FLAG_ALERT):
            raise DomainError("unknown flag", field="flag", value=self.flag)


def progress_status(measurements: Sequence[Measurement]) -> ProgressStatus:
    """The client's status from every measurement so far (rules in the module docstring).

    Each instrument's first measurement is its baseline; the latest is compared with it.
    STarT Back is a screen and takes no part.
    """
    series: dict[InstrumentId, list[Measurement]] = {}
    for m in sorted(measurements, key=lambda m: (m.session, m.taken_on)):
        if instrument(m.instrument).mcid_points is not None:
            series.setdefault(m.instrument, []).append(m)
    sessions = max((m.session for m in measurements), default=0)
    changes: list[Change] = []
    sustained: list[InstrumentId] = []
    for inst_id in InstrumentId:
        rows = series.get(inst_id, [])
        if not rows:
            continue
        follow_ups = [m for m in rows if m.session > rows[0].session]
        if not follow_ups:
            continue
        recent = [change(inst_id, rows[0].value, m.value) for m in follow_ups[-2:]]
        changes.append(recent[-1])
        if len(recent) == 2 and all(c.improved for c in recent):
            sustained.append(inst_id)
    after = f"After {sessions} session{'s' if sessions != 1 else ''}: "
    detail = " ".join(c.explanation for c in changes)

    def result(
        status: Status, text: str, flag: str | None = None, weeks: int | None = None
    ) -> ProgressStatus:
        return ProgressStatus(
            status, STATUS_LABELS[status], text, flag, tuple(changes), weeks, sessions
        )

    if not changes:
        if not series:
            return result(Status.BASELINE, "No outcome measurements yet: record a baseline.")
        firsts = ", ".join(
            f"{instrument(i).short_name} {_amount(instrument(i), exact(rows[0].value))}"
            for i, rows in series.items()
        )
        return result(
            Status.BASELINE,
            f"Baseline recorded ({firsts}); change shows from the next measurement.",
        )
    if any(c.worse for c in changes):
        return result(
            Status.WORSENING,
            after + detail + " Worse than at baseline: review the plan and consider referral.",
            FLAG_ALERT,
        )
    improved = [c for c in changes if c.improved]
    if sustained and len(improved) == len(changes):
        names = ", ".join(instrument(i).short_name for i in sustained)
        return result(
            Status.READY_FOR_MAINTENANCE,
            after
            + detail
            + f" Important improvement sustained on two measurements in a row ({names}): "
            f"ready to move to maintenance; reassess in {REASSESS_IN_WEEKS} weeks.",
            weeks=REASSESS_IN_WEEKS,
        )
    if improved and sessions <= PROMISE_LAST_SESSION:
        return result(
            Status.ON_TRACK,
            after
            + detail
            + f" Important improvement within {PROMISE_FIRST_SESSION}-{PROMISE_LAST_SESSION}"
            " sessions: on track.",
        )
    if improved:
        return result(
            Status.IMPROVING,
            after
            + detail
            + f" Important improvement, reached after session {PROMISE_LAST_SESSION}.",
        )
    if sessions >= PROMISE_LAST_SESSION:
        return result(
            Status.NOT_IMPROVING,
            after
            + detail
            + f" No important improvement by session {PROMISE_LAST_SESSION}: review the "
            "plan or refer.",
            FLAG_REVIEW,
        )
    return result(
        Status.NOT_YET_IMPROVED,
        after + detail + f" No important improvement yet; the promise is judged by session "
        f"{PROMISE_LAST_SESSION}.",
    )
