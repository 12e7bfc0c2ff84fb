"""Session steps and events in plain words, for pages, the audit log and the note."""

from __future__ import annotations

from typing import Any

from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.planning import Technique
from myomap_core.pressure import KGF_PER_LBF
from myomap_core.session import Event, EventKind, ease_off


def muscle_name(muscle_id: str) -> str:
    try:
        return load_knowledge_base().muscle(muscle_id).name
    except (DomainError, KeyError):
        return muscle_id.replace("_", " ").capitalize()


def point_label(muscle_id: str, point_id: str) -> str:
    if not point_id:
        return ""
    try:
        return load_knowledge_base().muscle(muscle_id).trigger_point(point_id).label
    except (DomainError, KeyError):
        return point_id.replace("_", " ")


def step_title(step: Any) -> str:
    """``Upper trapezius (left), TrP1``: the muscle, its side and the trigger point."""
    text = muscle_name(step.muscle_id)
    if step.side:
        text += f" ({step.side})"
    label = point_label(step.muscle_id, step.trigger_point)
    return f"{text}, {label}" if label else text


def technique_label(value: str) -> str:
    try:
        return Technique(value).label
    except ValueError:
        return value.replace("_", " ")


def lb(kg: float) -> float:
    return kg / KGF_PER_LBF


def pressure_text(step: Any) -> str:
    """``3.6–5.4 kg (8–12 lb)`` or ``""`` when the step has no pressure range."""
    low, high = step.pressure_min_kg, step.pressure_max_kg
    if low is None or high is None:
        return ""
    return f"{low:.1f}–{high:.1f} kg ({lb(low):.0f}–{lb(high):.0f} lb)"


def describe_event(event: Event, titles: dict[int, str]) -> str:
    """One tap in words: ``discomfort 7/10 at step 2 (Upper trapezius): ease off``."""
    where = ""
    if event.step is not None:
        title = titles.get(event.step, "")
        where = f" at step {event.step}" + (f" ({title})" if title else "")
    value = int(event.value) if event.value is not None else None
    match event.kind:
        case EventKind.PAIN_BEFORE:
            return f"pain before the session {value}/10"
        case EventKind.PAIN_AFTER:
            return f"pain after the session {value}/10"
        case EventKind.DISCOMFORT:
            warn = ": ease off" if value is not None and ease_off(value) else ""
            return f"discomfort {value}/10{where}{warn}"
        case EventKind.TIMER_STARTED:
            return f"timer started{f' for {value} s' if value else ''}{where}"
        case EventKind.TIMER_STOPPED:
            return f"timer stopped after {value} s{where}"
        case EventKind.TIMER_DONE:
            return f"hold of {value} s completed{where}"
        case EventKind.RELEASED:
            return f"released{where}"
        case EventKind.TWITCH:
            return f"local twitch response{where}"
        case EventKind.REFERRAL_REPRODUCED:
            return f"referral reproduced{where}"
        case EventKind.SKIPPED:
            return f"skipped{where}"
        case EventKind.STEP_DONE:
            return f"step done{where}"
        case EventKind.STEP_STARTED:
            return f"moved to step {event.step}" + where.removeprefix(f" at step {event.step}")
        case EventKind.NOTE:
            return f"note{where}: {event.text}"
        case EventKind.FINISHED:
            return "session finished"
        case EventKind.EASED_OFF:
            return f"pressure eased off{where}"
    return event.kind.value
