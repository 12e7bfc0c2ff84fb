"""The client page as a therapist reads it: a summary first, then a paged timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from myomap.common.models import AuditEvent
from myomap.intake.models import Intake
from myomap.outcomes.selectors import responses_of
from myomap.outcomes.standing import status_of
from myomap.patients.models import Patient
from myomap.patients.selectors import ADMINISTRATIVE_RECORDS, patient_timeline_events
from myomap.plans.selectors import active_plan
from myomap.screening.gate import Gate, page_gate
from myomap.screening.selectors import ShownPrecautions, shown_precautions
from myomap.sessions.models import SessionStatus, TreatmentSession

TIMELINE_PAGE = 20
"""Timeline entries per page (before small edits are grouped)."""

KINDS: dict[str, tuple[str, frozenset[str]]] = {
    "client": ("Client details", frozenset({"Patient", "IntakeLink", "QuestionnaireLink"})),
    "intake": ("Intake", frozenset({"Intake", "PainMap"})),
    "screening": ("Screening", frozenset({"Screening", "Clearance"})),
    "assessment": (
        "Assessment",
        frozenset(
            {"Assessment", "PosturePhoto", "ExamResult", "PalpationFinding", "ElementOverride"}
        ),
    ),
    "plan": ("Plan", frozenset({"Plan", "PlanStep"})),
    "session": (
        "Sessions",
        frozenset({"TreatmentSession", "SessionStep", "CheckIn", "CheckInLink"}),
    ),
    "note": ("Notes", frozenset({"SoapNote", "NoteAmendment"})),
    "outcome": ("Outcomes", frozenset({"OutcomeResponse"})),
    "aftercare": ("Aftercare", frozenset({"AftercareSheet", "HomeProgramLink"})),
}
"""Timeline filter -> its label and the record types it shows."""

GROUPED = frozenset({"Intake", "PlanStep", "PalpationFinding", "ExamResult", "PosturePhoto"})
"""Record types whose edits come in runs (an intake's section saves, a plan's step edits):
a run by one person on one day is one timeline entry."""


@dataclass
class TimelineEntry:
    """One line of the timeline: an event, or a run of small edits shown as one."""

    first: AuditEvent
    more: list[AuditEvent] = field(default_factory=list)

    @property
    def count(self) -> int:
        return 1 + len(self.more)


def _run_key(event: AuditEvent) -> tuple[str, str, date] | None:
    # An edit that carries a safety screening's result stands on its own: never folded away.
    if event.object_type not in GROUPED or "Safety screening" in event.summary:
        return None
    return event.object_type, event.actor_label, event.created_at.date()


def group_small_edits(events: list[AuditEvent]) -> list[TimelineEntry]:
    """Consecutive edits of one kind by one person on one day, as one entry (newest first)."""
    entries: list[TimelineEntry] = []
    for event in events:
        key = _run_key(event)
        if entries and key is not None and _run_key(entries[-1].first) == key:
            entries[-1].more.append(event)
        else:
            entries.append(TimelineEntry(event))
    return entries


def timeline_kinds(*, clinical: bool) -> list[tuple[str, str]]:
    """The timeline's filters this reader may use (the front desk: administrative ones)."""
    return [
        (kind, label)
        for kind, (label, types) in KINDS.items()
        if clinical or types & ADMINISTRATIVE_RECORDS
    ]


def timeline_page(
    patient: Patient, *, clinical: bool, kind: str, page: str | None
) -> tuple[Page[AuditEvent], list[TimelineEntry]]:
    """One page of the client's timeline, filtered to ``kind`` (all when unknown)."""
    events: QuerySet[AuditEvent] = patient_timeline_events(patient=patient, clinical=clinical)
    if kind in KINDS:
        events = events.filter(object_type__in=KINDS[kind][1])
    shown = Paginator(events, TIMELINE_PAGE).get_page(page)
    return shown, group_small_edits(list(shown.object_list))


@dataclass(frozen=True)
class Course:
    """Where the client is in the course of care."""

    finished: int
    planned: int | None
    open_session: TreatmentSession | None
    trend: str | None
    trend_explanation: str | None


@dataclass(frozen=True)
class ChartSummary:
    """What a therapist reads first: the complaint and goals, safety, the course, what next."""

    intake: Intake | None
    complaint: str
    goals: str
    gate: Gate
    precautions: ShownPrecautions
    course: Course
    actions: list[dict[str, Any]]


def _answer(intake: Intake | None, section: str, name: str) -> str:
    if intake is None:
        return ""
    value = (intake.answers or {}).get(section, {}).get(name, "")
    return str(value).strip()


def chart_summary(patient: Patient) -> ChartSummary:
    """The summary at the top of the client page (clinical content: therapists only)."""
    intake = Intake.objects.filter(patient=patient).order_by("-created_at", "-id").first()
    gate = page_gate(patient)
    plan = active_plan(patient)
    sessions = TreatmentSession.objects.filter(patient=patient)
    status = status_of(responses_of(patient))
    course = Course(
        finished=sessions.filter(status=SessionStatus.FINISHED).count(),
        planned=plan.initial_sessions if plan is not None else None,
        open_session=sessions.filter(status=SessionStatus.IN_PROGRESS).first(),
        trend=status.label if status is not None else None,
        trend_explanation=status.explanation if status is not None else None,
    )
    return ChartSummary(
        intake=intake,
        complaint=_answer(intake, "complaint", "main_complaint"),
        goals=_answer(intake, "goals", "goals"),
        gate=gate,
        precautions=shown_precautions(gate.screening) if gate.screening else ShownPrecautions(),
        course=course,
        actions=_actions(patient, intake, gate, course, plan is not None),
    )


def _actions(
    patient: Patient, intake: Intake | None, gate: Gate, course: Course, has_plan: bool
) -> list[dict[str, Any]]:
    """The next steps that matter now, most pressing first (names of URLs and their words).
    An archived client has none: restoring comes first."""
    actions: list[dict[str, Any]] = []
    if patient.is_archived:
        return actions
    if course.open_session is not None:
        actions.append(
            {"url": "sessions:guide", "args": [patient.pk, course.open_session.pk],
             "text": f"Continue session {course.open_session.number}"}
        )  # fmt: skip
    if intake is None:
        actions.append({"post": "intake:new", "args": [patient.pk], "text": "Start intake"})
    if not gate.allowed:
        actions.append(
            {"url": "screening:now", "args": [patient.pk], "text": "Screen now (health checks)"}
        )
    elif not has_plan:
        actions.append({"anchor": "plan-card", "text": "Propose a plan"})
    elif course.open_session is None:
        actions.append({"anchor": "sessions-card", "text": "Start a session"})
    return actions
