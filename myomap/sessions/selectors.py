"""Reads for sessions: a client's sessions, each step as the guide shows it (with its body
chart pattern), the log in words, and the state the guide script starts from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from myomap import bodymap
from myomap.patients.models import Patient
from myomap.screening.gate import Gate, treatment_gate
from myomap.screening.models import Screening
from myomap.screening.selectors import shown_precautions
from myomap.sessions.models import CheckIn, CheckInLink, SessionEvent, SessionStep, TreatmentSession
from myomap.sessions.services import do_now, stored_events
from myomap.sessions.words import (
    describe_event,
    muscle_name,
    point_label,
    pressure_text,
    step_title,
    technique_label,
)
from myomap_core import atlas
from myomap_core import checkin as core_checkin
from myomap_core.checkin import Response, Soreness
from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.knowledge.records import SideRelation
from myomap_core.planning import HOLD_MAX_S, HOLD_MIN_S, Technique
from myomap_core.screening import Decision
from myomap_core.session import SessionSummary, StepOutcome, ease_off, ordered, summarise
from myomap_core.soap import holds_words

DEFAULT_HOLD_S = 60


def sessions_of(patient: Patient) -> QuerySet[TreatmentSession]:
    return TreatmentSession.objects.filter(patient=patient).order_by("-started_at", "-id")


def steps_of(session: TreatmentSession) -> list[SessionStep]:
    return list(SessionStep.objects.filter(session=session).order_by("order"))


def summary_of(session: TreatmentSession) -> SessionSummary:
    return summarise(session.steps.count(), stored_events(session))


def _regions(area: str, side: str) -> tuple[str, ...]:
    """The region ids of an area on ``side`` ("left", "right" or "" for both)."""
    try:
        ids = atlas.region_ids_for_area(area)
    except DomainError:
        return ()
    if len(ids) == 1 or not side:
        return ids
    return tuple(i for i in ids if i.endswith("_" + side))


def step_pattern(step: SessionStep) -> dict[str, str]:
    """Region id -> "site" (where the trigger point lies), "essential" or "spillover"
    (where it refers pain), for the step's muscle and side."""
    try:
        muscle = load_knowledge_base().muscle(step.muscle_id)
    except DomainError:
        return {}
    points = muscle.trigger_points
    if step.trigger_point:
        points = tuple(p for p in points if p.id == step.trigger_point) or points
    sides = (step.side,) if step.side in ("left", "right") else ("left", "right")
    pattern: dict[str, str] = {}
    for point in points:
        for side in sides:
            for zone in point.zones:
                if zone.side is SideRelation.BILATERAL:
                    regions = _regions(zone.area, "")
                elif zone.side is SideRelation.CONTRALATERAL:
                    regions = _regions(zone.area, "right" if side == "left" else "left")
                else:
                    regions = _regions(zone.area, side)
                for r in regions:
                    if pattern.get(r) != "essential":
                        pattern[r] = zone.kind.value
    for point in points:
        for side in sides:
            for r in _regions(point.area, side):
                pattern[r] = "site"
    return pattern


def timer_seconds(step: SessionStep) -> int:
    """How long the step's timer runs: the compression hold (30–90 s), the release hold,
    the friction time or the contraction."""
    technique = step.technique
    if technique == Technique.ISCHEMIC_COMPRESSION:
        return max(HOLD_MIN_S, min(HOLD_MAX_S, step.hold_s or DEFAULT_HOLD_S))
    if technique == Technique.CROSS_FIBRE_FRICTION and step.duration_s:
        return int(step.duration_s)
    if technique == Technique.FACILITATED_STRETCH and step.contract_s:
        return int(step.contract_s)
    return int(step.hold_s or DEFAULT_HOLD_S)


@dataclass(frozen=True)
class StepView:
    step: SessionStep
    title: str
    muscle: str
    point: str
    point_location: str
    technique: str
    pressure: str
    contact: str
    timer_s: int
    how: list[str]
    pattern: dict[str, str]
    done: StepOutcome | None = None
    """What the log shows at this step (the core's summary of the log)."""

    @property
    def outcome(self) -> str:
        """The outcome tapped (``released``, ``eased``, ``no_change``) or ``""``."""
        return self.done.outcome.value if self.done and self.done.outcome else ""

    @property
    def done_words(self) -> str:
        """``60 s ×1; eased, not released``: the holds and the outcome as the log shows them."""
        if self.done is None or self.done.status != "done":
            return ""
        outcome = self.done.outcome.words if self.done.outcome else "no outcome recorded"
        return f"{holds_words(self.done.holds)}; {outcome}"

    @property
    def pattern_json(self) -> str:
        return json.dumps(self.pattern)

    @property
    def readings(self) -> list[dict[str, Any]]:
        return [{"value": v, "ease_off": ease_off(v)} for v in self.step.discomfort_readings]


def step_views(session: TreatmentSession, summary: SessionSummary) -> list[StepView]:
    """Each step as the guide and the summary page show it, with what the log shows there."""
    done = {o.order: o for o in summary.steps}
    return [step_view(s, done.get(s.order)) for s in steps_of(session)]


def step_view(step: SessionStep, done: StepOutcome | None = None) -> StepView:
    location = ""
    if step.trigger_point:
        try:
            location = (
                load_knowledge_base()
                .muscle(step.muscle_id)
                .trigger_point(step.trigger_point)
                .location
            )
        except (DomainError, KeyError):
            location = ""
    how: list[str] = []
    timer = timer_seconds(step)
    technique = step.technique
    if technique == Technique.ISCHEMIC_COMPRESSION:
        how.append(f"Hold {timer} s, then release")
    elif technique == Technique.POSITIONAL_RELEASE:
        how.append(f"Hold the position {timer} s")
    elif technique == Technique.CROSS_FIBRE_FRICTION:
        how.append(f"Friction for {timer} s")
    elif technique == Technique.FACILITATED_STRETCH:
        how.append(f"Contract {timer} s against resistance, then stretch")
    if step.repetitions > 1:
        how.append(f"{step.repetitions} times")
    if step.body_position:
        how.append(step.body_position)
    return StepView(
        step=step,
        title=step_title(step),
        muscle=muscle_name(step.muscle_id),
        point=point_label(step.muscle_id, step.trigger_point),
        point_location=location,
        technique=technique_label(step.technique),
        pressure=pressure_text(step),
        contact=step.contact.replace("_", " "),
        timer_s=timer,
        how=how,
        pattern=step_pattern(step),
        done=done,
    )


def log_in_words(session: TreatmentSession) -> list[dict[str, Any]]:
    """The session's log, in order, each tap in words (ease-off readings flagged)."""
    steps = {s.order: step_title(s) for s in steps_of(session)}
    events = SessionEvent.objects.filter(session=session).select_related("recorded_by")
    rows = {str(r.event_id): r for r in events}
    out = []
    for event in ordered(stored_events(session)):
        out.append(
            {
                "event": event,
                "text": describe_event(event, steps),
                "ease_off": event.kind == "discomfort" and ease_off(int(event.value or 0)),
                "recorded_by": rows[event.event_id].recorded_by,
            }
        )
    return out


def precautions_view(gate: Gate | None) -> Any:
    if gate is None or gate.screening is None:
        return None
    shown = shown_precautions(gate.screening)
    return shown


def guide_state(session: TreatmentSession, steps: list[StepView]) -> dict[str, Any]:
    """What the guide script starts from: the steps and every stored tap."""
    return {
        "session": session.pk,
        "finished": session.is_finished,
        "steps": [
            {
                "order": v.step.order,
                "title": v.title,
                "timer_s": v.timer_s,
                "pattern": v.pattern,
            }
            for v in steps
        ],
        "events": [
            {
                "event_id": e.event_id,
                "seq": e.seq,
                "kind": e.kind.value,
                "step": e.step,
                "value": e.value,
                "at": e.at.isoformat(),
                "text": e.text,
            }
            for e in ordered(stored_events(session))
        ],
    }


def chart_for(view: StepView | None) -> Any:
    return bodymap.chart(pattern=view.pattern if view else None)


def hold_of(session: TreatmentSession, gate: Gate | None = None) -> Gate | None:
    """The gate that holds an open session (treatment not allowed now), or None."""
    if not session.is_open:
        return None
    gate = gate if gate is not None else treatment_gate(session.patient)
    return None if gate.allowed else gate


def screening_json(screening: Screening | None) -> dict[str, Any] | None:
    if screening is None:
        return None
    decision = Decision(screening.decision)
    return {
        "id": screening.pk,
        "date": timezone.localtime(screening.created_at).date().isoformat(),
        "date_text": f"{timezone.localtime(screening.created_at):%-d %b %Y}",
        "decision": decision.value,
        "decision_label": decision.label,
    }


def hold_json(session: TreatmentSession, gate: Gate) -> dict[str, Any]:
    """What the guide shows when treatment is on hold: why, the screening, what to do now."""
    return {
        "code": "on_hold",
        "message": f"Treatment on hold: {gate.reason}",
        "reason": gate.reason,
        "screening": screening_json(gate.screening),
        "do_now": do_now(gate),
        "stop_url": reverse("sessions:stop", args=[session.patient_id, session.pk]),
    }


def status_json(session: TreatmentSession) -> dict[str, Any]:
    """The session's state as the open guide polls it."""
    hold = hold_of(session)
    return {
        "status": session.status,
        "checked_in": CheckIn.objects.filter(session=session).exists(),
        "on_hold": hold is not None,
        "hold": hold_json(session, hold) if hold is not None else None,
    }


def latest_checkin(patient: Patient) -> CheckIn | None:
    return CheckIn.objects.filter(patient=patient).select_related("session").first()


@dataclass(frozen=True)
class CheckInView:
    """A stored check-in in words, for the client page and the session summary."""

    checkin: CheckIn
    response: str
    soreness: str
    said_yes: tuple[str, ...]


def checkin_view(checkin: CheckIn | None) -> CheckInView | None:
    if checkin is None:
        return None
    shorts = {q.id: q.short for q in core_checkin.questions()}
    return CheckInView(
        checkin=checkin,
        response=Response(checkin.response).label if checkin.response else "",
        soreness=Soreness(checkin.soreness).label if checkin.soreness else "",
        said_yes=tuple(shorts.get(k, k) for k in checkin.said_yes),
    )


def checkin_questions(patient: Patient) -> tuple[core_checkin.Question, ...]:
    sex = patient.sex if patient.sex in ("female", "male", "other") else None
    return core_checkin.questions_for(sex)


def open_checkin_links(patient: Patient) -> list[CheckInLink]:
    """The client's check-in links that still open."""
    links = CheckInLink.objects.filter(
        private__patient=patient, private__revoked_at__isnull=True,
        private__submitted_at__isnull=True, private__expires_at__gt=timezone.now(),
    ).select_related("private")  # fmt: skip
    return list(links)
