"""The home program the therapist curates: safe ranges per item, doses, the proposal and ticks.

A home program item (``aftercare.HomeItem`` as JSON) carries a dose: how many times, per day
or per week, how long (seconds) and how many repetitions. The dose must lie inside the safe
range of the item's kind; each range names its sources (``sources*.toml``). A client ticks an
item at most as often a day as its dose says, never before the day it starts and never ahead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from myomap_core.aftercare import (
    COMPRESSION_HOLD_S,
    COMPRESSION_SPOTS_MAX,
    COMPRESSION_TIMES_PER_DAY,
    OURS,
    STRETCH_HOLD_S,
    STRETCH_REPETITIONS,
    STRETCH_TIMES_PER_DAY,
    WALK_MINUTES,
    ItemKind,
)
from myomap_core.errors import DomainError, DomainErrors
from myomap_core.knowledge.loader import load_knowledge_base
from myomap_core.knowledge.records import Muscle

PROPOSED_MAX: Final = 5
"""Items proposed after a session; the rest wait as suggestions one tap away [ours]."""
TEXT_MAX: Final = 600
"""The longest client-facing text of one item, in characters."""
TITLE_MAX: Final = 120
BREAKS_PER_DAY: Final = 8
"""Movement breaks proposed a day: about one an hour over a working day of sitting [ours]."""


class Per(StrEnum):
    """How the number of times is counted."""

    DAY = "day"
    WEEK = "week"


@dataclass(frozen=True, slots=True)
class SafeRange:
    """The doses the knowledge base allows for one kind of home program item."""

    kind: ItemKind
    times_per_day: tuple[int, int]
    duration_s: tuple[int, int] | None
    repetitions: tuple[int, int] | None
    repetitions_word: str
    start_after_days: int
    sources: tuple[str, ...]


SAFE_RANGES: Final[Mapping[ItemKind, SafeRange]] = {
    ItemKind.WALK: SafeRange(
        ItemKind.WALK,
        times_per_day=(1, 1),
        duration_s=(WALK_MINUTES[0] * 60, WALK_MINUTES[1] * 60),
        repetitions=None,
        repetitions_word="",
        start_after_days=0,
        sources=("seed000", OURS),
    ),
    ItemKind.STRETCH: SafeRange(
        ItemKind.STRETCH,
        times_per_day=(1, STRETCH_TIMES_PER_DAY),
        duration_s=STRETCH_HOLD_S,
        repetitions=STRETCH_REPETITIONS,
        repetitions_word="times",
        start_after_days=0,
        sources=("acsm11",),
    ),
    ItemKind.SELF_COMPRESSION: SafeRange(
        ItemKind.SELF_COMPRESSION,
        times_per_day=(1, COMPRESSION_TIMES_PER_DAY),
        duration_s=COMPRESSION_HOLD_S,
        repetitions=(1, COMPRESSION_SPOTS_MAX),
        repetitions_word="spots",
        start_after_days=1,
        sources=("nmt1", OURS),
    ),
    ItemKind.MOVEMENT_BREAKS: SafeRange(
        ItemKind.MOVEMENT_BREAKS,
        times_per_day=(1, 16),
        duration_s=(60, 120),
        repetitions=None,
        repetitions_word="",
        start_after_days=0,
        sources=("buckley2015", OURS),
    ),
}
"""Safe ranges per kind: the numbers of ``myomap_core.aftercare`` (see docs/aftercare.md).
Movement breaks: every 30 minutes over an 8-hour working day at most (16) [ours]."""


@dataclass(frozen=True, slots=True)
class Dose:
    """How often and how much: ``times`` per ``per``, each ``duration_s`` long (or per hold),
    ``repetitions`` times (or spots)."""

    times: int
    per: Per
    duration_s: int | None
    repetitions: int | None

    @property
    def ticks_per_day(self) -> int:
        """How many ticks a day allows: the times for a daily item, one for a weekly one."""
        return self.times if self.per is Per.DAY else 1


def default_dose(kind: ItemKind) -> Dose:
    """The proposed dose: the low end of each range (the gentlest start)."""
    safe = SAFE_RANGES[kind]
    return Dose(
        times=BREAKS_PER_DAY if kind is ItemKind.MOVEMENT_BREAKS else 1,
        per=Per.DAY,
        duration_s=safe.duration_s[0] if safe.duration_s else None,
        repetitions=safe.repetitions[0] if safe.repetitions else None,
    )


def _unit(n: int, word: str) -> str:
    return f"{n} {word if n == 1 else word + 's'}"


def _duration(seconds: int) -> str:
    if seconds % 60 == 0:
        return _unit(seconds // 60, "minute")
    return _unit(seconds, "second")


def _outside(field: str, value: int | None, bounds: tuple[int, int], what: str) -> DomainError:
    low, high = bounds
    span = f"{low}" if low == high else f"{low} to {high}"
    return DomainError(
        f"{value} is outside the safe range for {what} ({span})", field=field, value=value
    )


def dose_check(kind: ItemKind, dose: Dose) -> None:
    """Refuse a dose outside the safe range of ``kind``, naming every field that is."""
    safe = SAFE_RANGES[kind]
    what = kind.value.replace("_", " ")
    errors: list[DomainError] = []
    if not isinstance(dose.per, Per):
        errors.append(DomainError("must be day or week", field="per", value=dose.per))
    elif dose.per is Per.DAY:
        if not safe.times_per_day[0] <= dose.times <= safe.times_per_day[1]:
            errors.append(_outside("times", dose.times, safe.times_per_day, f"{what}, a day"))
    elif not 1 <= dose.times <= 7:
        errors.append(_outside("times", dose.times, (1, 7), f"{what}, a week"))
    for name, bounds, value in (
        ("duration_s", safe.duration_s, dose.duration_s),
        ("repetitions", safe.repetitions, dose.repetitions),
    ):
        if bounds is None:
            if value is not None:
                errors.append(DomainError(f"{what} has no {name}", field=name, value=value))
        elif value is None:
            errors.append(DomainError("is required", field=name))
        elif not bounds[0] <= value <= bounds[1]:
            unit = " seconds" if name == "duration_s" else ""
            errors.append(_outside(name, value, bounds, f"{what}{unit}"))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DomainErrors(errors)


def how_long(kind: ItemKind, dose: Dose) -> str:
    """``Hold 30 seconds, 2 times`` in the client's words."""
    safe = SAFE_RANGES[kind]
    length = _duration(dose.duration_s) if dose.duration_s is not None else ""
    if kind in (ItemKind.STRETCH, ItemKind.SELF_COMPRESSION):
        text = f"Hold {length}"
        if dose.repetitions is not None:
            if kind is ItemKind.SELF_COMPRESSION:
                spots = dose.repetitions
                text += " on 1 spot" if spots == 1 else f" on each of {spots} spots"
            else:
                text += f", {dose.repetitions} {'time' if dose.repetitions == 1 else 'times'}"
        return text
    return length[:1].upper() + length[1:] if length else safe.repetitions_word


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def how_often(dose: Dose) -> str:
    """``Once a day``, ``Twice a day``, ``3 times a week``."""
    count = _times(dose.times)
    return f"{count[:1].upper()}{count[1:]} a {dose.per.value}"


def dose_of(item: Mapping[str, object]) -> Dose:
    """The dose stored on an item; an item stored before doses gets its kind's default."""
    kind = ItemKind(str(item["kind"]))
    if "times" not in item:
        return default_dose(kind)
    duration, repetitions = item.get("duration_s"), item.get("repetitions")
    return Dose(
        times=int(item["times"]),  # type: ignore[call-overload]
        per=Per(str(item.get("per", Per.DAY.value))),
        duration_s=int(duration) if isinstance(duration, int) else None,
        repetitions=int(repetitions) if isinstance(repetitions, int) else None,
    )


def with_dose(item: Mapping[str, object], dose: Dose) -> dict[str, object]:
    """``item`` with ``dose`` stored and its how-long and how-often words rewritten."""
    kind = ItemKind(str(item["kind"]))
    dose_check(kind, dose)
    return {
        **item,
        "times": dose.times,
        "per": dose.per.value,
        "duration_s": dose.duration_s,
        "repetitions": dose.repetitions,
        "how_long": how_long(kind, dose),
        "how_often": how_often(dose),
    }


def starts_on(item: Mapping[str, object], sheet_day: date) -> date:
    """The first day ``item`` can be ticked: stored, or its kind's delay after the sheet."""
    stored = item.get("starts_on")
    if isinstance(stored, str):
        return date.fromisoformat(stored)
    delay = SAFE_RANGES[ItemKind(str(item["kind"]))].start_after_days
    return sheet_day + timedelta(days=delay)


def tick_refusal(
    *,
    dose: Dose,
    first_day: date,
    day: date,
    today: date,
    ticks_on_day: int,
    ticks_in_week: int,
) -> DomainError | None:
    """Why one more tick on ``day`` is refused, or None when it is allowed.

    ``ticks_in_week`` counts the ticks of ``day``'s week (Monday to Sunday).
    """
    if day > today:
        return DomainError("a day in the future cannot be ticked yet", field="day", value=day)
    if day < first_day:
        return DomainError(
            f"this item starts on {first_day:%A %-d %B}; earlier days cannot be ticked",
            field="day",
            value=day,
        )
    if ticks_on_day >= dose.ticks_per_day:
        return DomainError(
            f"already done {_times(ticks_on_day)} that day, as often as the program says",
            field="day",
            value=day,
        )
    if dose.per is Per.WEEK and ticks_in_week >= dose.times:
        return DomainError(
            f"already done {_times(dose.times)} that week, as often as the program says",
            field="day",
            value=day,
        )
    return None


def proposed(
    program: Sequence[Mapping[str, object]],
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The items proposed (at most ``PROPOSED_MAX``, the most relevant first) and the rest.

    Most relevant first: the treated muscles' self-care in the order treated (each muscle's
    stretch, then its self-compression), then movement breaks, then the walk [ours].
    """
    rank = {ItemKind.STRETCH: 0, ItemKind.SELF_COMPRESSION: 0, ItemKind.MOVEMENT_BREAKS: 1}
    ordered = sorted(
        enumerate(program), key=lambda p: (rank.get(ItemKind(str(p[1]["kind"])), 2), p[0])
    )
    items = [_initial(item) for _, item in ordered]
    return items[:PROPOSED_MAX], items[PROPOSED_MAX:]


def _initial(item: Mapping[str, object]) -> dict[str, object]:
    return with_dose(item, default_dose(ItemKind(str(item["kind"]))))


def added(item: Mapping[str, object], today: date) -> dict[str, object]:
    """``item`` added to the program ``today``: it starts today, or after its kind's delay
    (self-compression the day after), never on a day already gone."""
    delay = SAFE_RANGES[ItemKind(str(item["kind"]))].start_after_days
    return {**item, "starts_on": (today + timedelta(days=delay)).isoformat()}


def self_care_item(muscle: Muscle, kind: ItemKind, today: date) -> dict[str, object]:
    """A new item from the knowledge base's self-care for ``muscle`` (stretch or
    self-compression), with the default dose, added ``today``."""
    if kind is ItemKind.STRETCH:
        item: dict[str, object] = {
            "id": f"stretch.{muscle.id}",
            "kind": kind.value,
            "title": f"Stretch: {muscle.name}",
            "what": muscle.self_care.stretch,
            "source": "acsm11",
        }
    elif kind is ItemKind.SELF_COMPRESSION:
        item = {
            "id": f"press.{muscle.id}",
            "kind": kind.value,
            "title": f"Self-compression: {muscle.name}",
            "what": muscle.self_care.self_compression,
            "source": OURS,
        }
    else:
        raise DomainError(
            "only a stretch or a self-compression comes from a muscle",
            field="kind",
            value=kind.value,
            suggestions=(ItemKind.STRETCH.value, ItemKind.SELF_COMPRESSION.value),
        )
    item["muscle_id"] = muscle.id
    return added(_initial(item), today)


def muscle_for(muscle_id: str) -> Muscle:
    """The knowledge base's muscle, or a refusal naming ``muscle_id`` with close ids."""
    kb = load_knowledge_base()
    try:
        return kb.muscle(muscle_id)
    except (KeyError, DomainError):
        close = sorted(m.id for m in kb.muscles if muscle_id and muscle_id[:3] in m.id)
        raise DomainError(
            f"unknown muscle {muscle_id!r}", field="muscle_id", value=muscle_id, suggestions=close
        ) from None


def text_check(field: str, value: str, limit: int) -> str:
    """Client-facing text: trimmed, not empty, at most ``limit`` characters."""
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text:
        raise DomainError("must not be empty", field=field, value=value)
    if len(text) > limit:
        raise DomainError(f"must be at most {limit} characters", field=field, value=len(text))
    if "[" in text or "]" in text:
        raise DomainError("square brackets are not allowed", field=field, value=text)
    return text
