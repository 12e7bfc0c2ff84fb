"""The guide's taps as JSON: reading a batch, and the summary sent back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from myomap_core.errors import DomainError
from myomap_core.session import Event, EventKind, SessionSummary

MAX_BATCH = 500


def _one(i: int, item: Any) -> Event:
    where = f"events[{i}]"
    if not isinstance(item, Mapping):
        raise DomainError("must be an object", field=where)
    try:
        at = datetime.fromisoformat(str(item.get("at", "")))
    except ValueError:
        raise DomainError(
            "must be an ISO date and time", field=f"{where}.at", value=item.get("at")
        ) from None
    step = item.get("step")
    value = item.get("value")
    try:
        return Event(
            event_id=str(item.get("event_id", "")),
            # Event checks the raw values and names the field of a bad one.
            seq=cast(int, item.get("seq")),
            kind=cast(EventKind, item.get("kind")),
            step=step,
            value=value,
            at=at,
            text=str(item.get("text") or ""),
        )
    except DomainError as exc:
        raise DomainError(exc.message, field=f"{where}.{exc.field}", value=exc.value,
                          suggestions=exc.suggestions) from None  # fmt: skip


def parse_events(data: Any) -> list[Event]:
    """Events from ``{"events": [...]}`` (or a bare list); the first bad one raises
    ``DomainError`` naming ``events[i].field``."""
    items = data.get("events") if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        raise DomainError("send a list of events", field="events")
    if len(items) > MAX_BATCH:
        raise DomainError(f"at most {MAX_BATCH} events at once", field="events")
    return [_one(i, item) for i, item in enumerate(items)]


def bad_index(exc: DomainError) -> int | None:
    """The index of the refused event in ``events[i].field``."""
    field = exc.field or ""
    if field.startswith("events[") and "]" in field:
        try:
            return int(field[len("events[") : field.index("]")])
        except ValueError:
            return None
    return None


def summary_json(summary: SessionSummary) -> dict[str, Any]:
    return {
        "pain_before": summary.pain_before,
        "pain_after": summary.pain_after,
        "finished": summary.finished,
        "current_step": summary.current_step,
        "ease_off_warnings": [list(w) for w in summary.ease_off_warnings],
        "steps": [
            {
                "order": s.order,
                "status": s.status,
                "discomfort": list(s.discomfort),
                "discomfort_max": s.discomfort_max,
                "ease_off_count": s.ease_off_count,
                "released": s.released,
                "outcome": s.outcome.value if s.outcome else None,
                "holds": list(s.holds),
                "repetitions_done": s.repetitions_done,
                "twitch": s.twitch,
                "referral_reproduced": s.referral_reproduced,
                "hold_s_total": s.hold_s_total,
            }
            for s in summary.steps
        ],
    }


def checkin_data(post: Mapping[str, Any]) -> dict[str, object]:
    """The check-in form's fields as ``parse_checkin`` reads them: ``safety.<id>`` inputs
    become one ``safety`` mapping; the CSRF token and anything else is left out."""
    data: dict[str, object] = {
        name: post.get(name, "")
        for name in ("pain_now", "response", "soreness", "changes", "none_of_these")
    }
    data["safety"] = {
        key.removeprefix("safety."): post.get(key, "") for key in post if key.startswith("safety.")
    }
    return data
