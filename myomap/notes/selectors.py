"""Reads for SOAP notes: what a note is drafted from, the notes of a client, and the chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypedDict

from django.db.models import QuerySet
from django.utils import timezone

from myomap.assessments.models import Assessment
from myomap.assessments.selectors import assessment_facts, element_profile, headline_findings
from myomap.intake.models import Intake
from myomap.notes.models import SECTIONS, NoteAmendment, NoteStatus, SoapNote
from myomap.patients.models import Patient
from myomap.plans.models import Plan
from myomap.sessions.models import CheckIn, SessionEvent, TreatmentSession
from myomap_core import checkin as core_checkin
from myomap_core import soap
from myomap_core.checkin import Response, Soreness
from myomap_core.elements import Element
from myomap_core.errors import DomainError
from myomap_core.planning import Technique
from myomap_core.session import EventKind


def notes_of(patient: Patient) -> QuerySet[SoapNote]:
    """The client's notes, newest session first."""
    return (
        SoapNote.objects.filter(patient=patient)
        .select_related("session", "signed_by", "drafted_by")
        .prefetch_related("amendments")
        .order_by("-session__started_at", "-id")
    )


def current_text(note: SoapNote) -> dict[str, str]:
    """Each section as it reads now: the original with every amendment applied in order."""
    text = {s: getattr(note, s) for s in SECTIONS}
    for amendment in note.amendments.all():
        for s in SECTIONS:
            if getattr(amendment, s):
                text[s] = getattr(amendment, s)
    return text


def status_label(note: SoapNote) -> str:
    """``draft``, ``signed`` or ``amended``."""
    if not note.is_signed:
        return "draft"
    return "amended" if note.amendments.all() else "signed"


# --------------------------------------------------------------------------- drafting


def _intake_answers(patient: Patient) -> dict[str, dict[str, object]]:
    intake = (
        Intake.objects.filter(patient=patient, status="submitted")
        .order_by("-submitted_at", "-id")
        .first()
    )
    return intake.answers if intake is not None and isinstance(intake.answers, dict) else {}


def _answer(answers: dict[str, dict[str, object]], section: str, key: str) -> str:
    value = answers.get(section, {})
    found = value.get(key, "") if isinstance(value, dict) else ""
    return str(found or "")


def _steps(session: TreatmentSession) -> tuple[tuple[soap.StepRecord, ...], tuple[str, ...]]:
    """Each step as the session log shows it (the core's one summary of the log), with the
    plan's dose beside it; and the therapist's notes about the whole session."""
    from myomap.sessions.selectors import summary_of

    summary = summary_of(session)
    skip_reasons: dict[int, str] = {}
    for event in SessionEvent.objects.filter(session=session, kind=EventKind.SKIPPED).exclude(
        text=""
    ):
        skip_reasons[event.step_id or 0] = event.text
    records = []
    steps = list(session.steps.order_by("order", "id"))
    for step, done in zip(steps, summary.steps, strict=False):
        pressure = None
        if step.pressure_min_kg and step.pressure_max_kg:
            pressure = (step.pressure_min_kg, step.pressure_max_kg)
        try:
            records.append(
                soap.StepRecord.from_log(
                    done,
                    muscle_id=step.muscle_id,
                    technique=Technique(step.technique),
                    trigger_point=step.trigger_point or None,
                    side=step.side or None,
                    pressure_kg=pressure,
                    contact=step.contact or None,
                    hold_s=step.hold_s or None,
                    repetitions=max(step.repetitions, 1),
                    duration_s=step.duration_s or None,
                    position=step.body_position,
                    contract_s=step.contract_s or None,
                    skip_reason=skip_reasons.get(step.pk, ""),
                )
            )
        except (DomainError, ValueError):
            # A step the knowledge base no longer knows: the therapist writes it in by hand.
            continue
    return tuple(records), summary.notes


def _precautions(session: TreatmentSession) -> tuple[str, ...]:
    """The precautions of the screening in force at the session, each in a few words."""
    from myomap.screening.models import Screening
    from myomap.screening.selectors import shown_precautions

    screening = (
        Screening.objects.filter(
            patient=session.patient, created_at__lte=session.finished_at or timezone.now()
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if screening is None:
        return ()
    shown = shown_precautions(screening)
    words: list[str] = []
    if shown.techniques:
        words.append("no " + ", ".join(shown.techniques))
    if shown.max_pressure_kg:
        words.append(f"pressure at most {shown.max_pressure_kg:.1f} kg")
    if shown.regions:
        words.append("avoid " + ", ".join(shown.regions))
    words.extend(shown.positioning)
    if shown.needs_clearance:
        words.append("physician's clearance needed")
    return tuple(words)


def _assessment(session: TreatmentSession) -> soap.AssessmentSummary | None:
    day = timezone.localdate(session.started_at)
    assessment = (
        Assessment.objects.filter(patient=session.patient, visit_date__lte=day)
        .order_by("-visit_date", "-id")
        .first()
    )
    if assessment is None:
        return None
    try:
        findings = list(headline_findings(assessment))
        facts = assessment_facts(assessment)
        active = list(
            dict.fromkeys(
                soap.muscle_words(f.muscle_id, f.side) for f in facts.palpation if f.active
            )
        )
        if active:
            names = ", ".join(active[:5])
            findings.insert(0, f"active trigger points in {names}")
        profile = element_profile(assessment)
        elements = tuple((Element(r.element).label, r.rating) for r in profile.ratings)
    except DomainError:
        return soap.AssessmentSummary(visit_date=assessment.visit_date)
    return soap.AssessmentSummary(
        visit_date=assessment.visit_date, findings=tuple(findings), elements=elements
    )


def _outcomes(session: TreatmentSession) -> soap.OutcomeSummary | None:
    """The outcome scores and progress as they stood at the end of the session's day."""
    from myomap.outcomes.selectors import Progress, responses_of, summaries
    from myomap.outcomes.standing import status_of

    day = timezone.localdate(session.finished_at or session.started_at)
    responses = [r for r in responses_of(session.patient) if timezone.localdate(r.taken_at) <= day]
    status = status_of(responses)
    progress = Progress(responses, status, summaries(responses, status))
    if not progress.summaries:
        return None
    return soap.OutcomeSummary(
        scores=tuple(f"{s.spec.short_name} {s.text}" for s in progress.summaries),
        status=status.label if status else "",
        next_step=progress.plan if status else "",
    )


def _plan(session: TreatmentSession, steps: tuple[soap.StepRecord, ...]) -> soap.PlanSummary:
    plan = session.plan or (
        Plan.objects.filter(patient=session.patient, status="active").order_by("-id").first()
    )
    treated = tuple(dict.fromkeys(s.muscle_id for s in steps if s.status is soap.StepStatus.DONE))
    return soap.PlanSummary(
        next_session=session.number + 1,
        initial_sessions=plan.initial_sessions if plan else None,
        sessions_per_week=plan.sessions_per_week if plan else None,
        review_at_session=plan.review_at_session if plan else 5,
        maintenance_every_weeks=plan.maintenance_every_weeks if plan else None,
        home_care_muscles=treated,
        aftercare_given=session.is_finished,
    )


def _stopped(session: TreatmentSession) -> soap.Stopped | None:
    if not session.is_stopped or session.stopped_at is None:
        return None
    by = session.stopped_by
    return soap.Stopped(
        at=timezone.localtime(session.stopped_at),
        by=by.display_name if by is not None else "",
        reason=session.stop_reason or "stopped for safety",
        advice=session.stop_advice,
    )


class CheckinWords(TypedDict, total=False):
    """The Subjective's check-in fields."""

    checkin: str
    response: str
    soreness: str
    safety_asked: bool
    safety_yes: tuple[str, ...]


def _checkin_words(session: TreatmentSession) -> CheckinWords:
    """The Subjective's check-in fields: this visit's check-in, or the older text field."""
    visit = CheckIn.objects.filter(session=session).first()
    if visit is None:
        return {"checkin": session.checkin}
    shorts = {q.id: q.short for q in core_checkin.questions()}
    return {
        "checkin": visit.changes or session.checkin,
        "response": Response(visit.response).label.lower() if visit.response else "",
        "soreness": Soreness(visit.soreness).words if visit.soreness else "",
        "safety_asked": True,
        "safety_yes": tuple(shorts.get(k, k) for k in visit.said_yes),
    }


def note_input(session: TreatmentSession) -> soap.NoteInput:
    """Everything the draft of ``session``'s note is made from."""
    answers = _intake_answers(session.patient)
    steps, remarks = _steps(session)
    minutes = None
    if session.finished_at is not None:
        minutes = max(round((session.finished_at - session.started_at).total_seconds() / 60), 0)
    return soap.NoteInput(
        session_number=session.number,
        session_date=timezone.localdate(session.started_at),
        subjective=soap.Subjective(
            complaint=_answer(answers, "complaint", "main_complaint"),
            goals=_answer(answers, "goals", "goals"),
            pain_before=session.pain_before,
            pain_after=session.pain_after,
            **_checkin_words(session),
        ),
        steps=steps,
        minutes=minutes,
        remarks=remarks,
        assessment=_assessment(session),
        outcomes=_outcomes(session),
        plan=_plan(session, steps),
        stopped=_stopped(session),
        precautions=_precautions(session),
    )


def draft_for(session: TreatmentSession) -> soap.SoapDraft:
    return soap.draft(note_input(session))


# --------------------------------------------------------------------------- the chain


def _when(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="microseconds") if moment else None


def note_content(note: SoapNote) -> dict[str, str | int | bool | None]:
    """What a note's signature covers."""
    return {
        "kind": "note",
        "note": note.pk,
        "position": note.chain_position,
        "patient": note.patient_id,
        "session": note.session_id,
        **{s: getattr(note, s) for s in SECTIONS},
        "signed_by": note.signed_by_id,
        "signed_at": _when(note.signed_at),
    }


def amendment_content(amendment: NoteAmendment) -> dict[str, str | int | bool | None]:
    """What an amendment's signature covers."""
    return {
        "kind": "amendment",
        "note": amendment.note_id,
        "position": amendment.chain_position,
        "reason": amendment.reason,
        **{s: getattr(amendment, s) for s in SECTIONS},
        "author": amendment.author_id,
        "created_at": _when(amendment.created_at),
    }


@dataclass(frozen=True)
class ChainRow:
    """One signed entry with what the verifier needs and how to name it to a person."""

    entry: soap.ChainEntry
    note: SoapNote
    when: datetime | None


def chain_rows(patient_id: int, using: str = "default") -> list[ChainRow]:
    """The client's signed notes and amendments in chain order (from database ``using``)."""
    rows: list[tuple[int, ChainRow]] = []
    notes = (
        SoapNote.objects.using(using)
        .filter(patient_id=patient_id, status=NoteStatus.SIGNED)
        .select_related("session")
    )
    for note in notes:
        entry = soap.ChainEntry(
            entry_id=f"note {note.pk}",
            label=f"note {note.pk} (session {note.session.number})",
            content=note_content(note),
            previous_hash=note.previous_hash,
            stored_hash=note.content_hash,
            seq=note.chain_position,
        )
        rows.append((note.chain_position or 0, ChainRow(entry, note, note.signed_at)))
    amendments = (
        NoteAmendment.objects.using(using)
        .filter(note__patient_id=patient_id)
        .select_related("note__session")
    )
    for a in amendments:
        entry = soap.ChainEntry(
            entry_id=f"amendment {a.pk}",
            label=f"amendment {a.pk} of note {a.note_id} (session {a.note.session.number})",
            content=amendment_content(a),
            previous_hash=a.previous_hash,
            stored_hash=a.content_hash,
            seq=a.chain_position,
        )
        rows.append((a.chain_position, ChainRow(entry, a.note, a.created_at)))
    rows.sort(key=lambda r: (r[0], r[1].when or datetime.min.replace(tzinfo=UTC)))
    return [row for _, row in rows]


def chain_head(patient_id: int) -> tuple[int, str]:
    """The position and hash of the client's last signed entry ((0, GENESIS) when none)."""
    rows = chain_rows(patient_id)
    if not rows:
        return 0, soap.GENESIS
    positions = [int(r.entry.content.get("position") or 0) for r in rows]
    return max(positions), rows[-1].entry.stored_hash
