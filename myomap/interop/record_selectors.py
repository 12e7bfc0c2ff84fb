"""Reads a client's whole record for the PDF and the zip, each part in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from myomap.aftercare.models import AftercareSheet, HomeProgramMark
from myomap.assessments.models import Assessment, ExamResult, PalpationFinding
from myomap.common.models import AuditEvent
from myomap.intake.flow import answers_for_display
from myomap.intake.models import Intake, IntakeStatus
from myomap.interop.fhir_record import BodySite, ClientRecord
from myomap.interop.fhir_selectors import client_record, muscle_site
from myomap.notes.models import NoteStatus, SoapNote
from myomap.outcomes.findings import Findings, findings_of
from myomap.outcomes.selectors import Progress, progress_of
from myomap.patients.models import Patient
from myomap.screening.models import Screening
from myomap.screening.selectors import screening_view
from myomap.sessions.models import CheckIn, SessionEvent


@dataclass(frozen=True)
class AssessmentShown:
    """One assessment visit: its date, note and the palpation findings in words."""

    assessment: Assessment
    palpation: tuple[tuple[BodySite, PalpationFinding], ...]
    exams: int


@dataclass(frozen=True)
class WholeRecord:
    """Everything the whole-record PDF and the zip state about one client."""

    patient: Patient
    record: ClientRecord
    intake: Intake | None
    intake_answers: list[dict[str, Any]]
    screenings: list[dict[str, Any]]
    assessments: list[AssessmentShown]
    findings: Findings
    progress: Progress
    drafts: list[SoapNote]
    sheets: list[AftercareSheet]


def whole_record(patient: Patient) -> WholeRecord:
    """Gather ``patient``'s whole record; the number of queries does not grow with its size."""
    intake = (
        Intake.objects.filter(patient=patient, status=IntakeStatus.SUBMITTED)
        .order_by("-submitted_at", "-id")
        .first()
    )
    screenings = list(
        Screening.objects.filter(patient=patient)
        .select_related("created_by")
        .prefetch_related("clearances__recorded_by")
        .order_by("created_at", "id")
    )
    assessments = list(
        Assessment.objects.filter(patient=patient)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("palpation_findings", PalpationFinding.objects.order_by("created_at", "id")),
            "exam_results",
        )
        .order_by("visit_date", "id")
    )
    drafts = list(
        SoapNote.objects.filter(patient=patient, status=NoteStatus.DRAFT)
        .select_related("session")
        .order_by("created_at", "id")
    )
    sheets = list(
        AftercareSheet.objects.filter(patient=patient)
        .select_related("session")
        .order_by("created_at", "id")
    )
    return WholeRecord(
        patient=patient,
        record=client_record(patient),
        intake=intake,
        intake_answers=answers_for_display(intake) if intake is not None else [],
        screenings=[screening_view(s) for s in screenings],
        assessments=[
            AssessmentShown(
                assessment=a,
                palpation=tuple(
                    (muscle_site(f.muscle_id, f.side, f.trigger_point), f)
                    for f in a.palpation_findings.all()
                ),
                exams=len(a.exam_results.all()),
            )
            for a in assessments
        ],
        findings=findings_of(patient),
        progress=progress_of(patient),
        drafts=drafts,
        sheets=sheets,
    )


def _when(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def beyond_fhir(whole: WholeRecord) -> dict[str, Any]:
    """What the FHIR Bundle does not carry, as plain JSON (see docs/data.md)."""
    patient = whole.patient
    events = (
        SessionEvent.objects.filter(session__patient=patient)
        .select_related("session", "step")
        .order_by("session__number", "seq")
    )
    marks = (
        HomeProgramMark.objects.filter(sheet__patient=patient)
        .select_related("sheet__session")
        .order_by("day", "item_id", "id")
    )
    checkins = CheckIn.objects.filter(patient=patient).order_by("created_at", "id")
    accesses = (
        AuditEvent.objects.filter(patient=patient)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    exams = (
        ExamResult.objects.filter(assessment__patient=patient)
        .select_related("assessment")
        .order_by("assessment__visit_date", "id")
    )
    return {
        "client": {"id": patient.pk, "name": patient.full_name},
        "screenings": [
            {
                "date": _when(v["screening"].created_at),
                "decision": v["screening"].get_decision_display(),
                "findings": [f.title for f in v["findings"]],
                "unknown": v["unknown"],
                "clearances": [
                    {
                        "cleared_by": c.cleared_by,
                        "cleared_on": c.cleared_on.isoformat(),
                        "note": c.note,
                        "attested": c.attested,
                    }
                    for c in v["screening"].clearances.all()
                ],
            }
            for v in whole.screenings
        ],
        "exam_results": [
            {
                "visit_date": e.assessment.visit_date.isoformat(),
                "test": e.test_id,
                "side": e.side,
                "value": e.value,
                "positive": e.positive,
                "painful": e.painful,
                "pain_where": e.pain_where,
            }
            for e in exams
        ],
        "palpation_findings": [
            {
                "visit_date": shown.assessment.visit_date.isoformat(),
                "site": site.text,
                "active": f.active,
                "taut_band": f.taut_band,
                "nodule": f.nodule,
                "twitch": f.twitch,
                "referral_reproduced": f.referral_reproduced,
                "tenderness": f.tenderness,
                "ppt_kpa": f.ppt_kpa,
                "note": f.note,
            }
            for shown in whole.assessments
            for site, f in shown.palpation
        ],
        "session_events": [
            {
                "session": e.session.number,
                "seq": e.seq,
                "kind": e.kind,
                "step": e.step.order if e.step is not None else None,
                "value": e.value,
                "text": e.text,
                "occurred_at": _when(e.occurred_at),
            }
            for e in events
        ],
        "check_ins": [
            {
                "date": _when(c.created_at),
                "pain_now": c.pain_now,
                "response": c.response,
                "soreness": c.soreness,
                "changes": c.changes,
                "via": c.via,
            }
            for c in checkins
        ],
        "aftercare_sheets": [
            {"session": s.session.number, "made_at": _when(s.created_at), "content": s.content}
            for s in whole.sheets
        ],
        "home_program_ticks": [
            {
                "session": m.sheet.session.number,
                "item": m.item_id,
                "day": m.day.isoformat(),
                "filled_by_client": m.filled_by_client,
            }
            for m in marks
        ],
        "record_accesses": [
            {
                "when": _when(a.created_at),
                "who": a.actor.display_name if a.actor is not None else a.actor_label,
                "action": a.action,
                "what": a.summary,
            }
            for a in accesses
        ],
    }
