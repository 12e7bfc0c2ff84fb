"""Writes for aftercare: the sheet of a session, the home program link and the days marked done.

Every change writes its audit row in the same transaction; the client timeline reads them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from myomap.aftercare.models import AftercareSheet, HomeProgramLink, HomeProgramMark
from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.links import link_by_token, token_new
from myomap.common.models import AuditAction
from myomap.intake.models import Intake
from myomap.screening.gate import treatment_gate
from myomap.screening.models import Screening
from myomap.sessions.models import SessionStep, StepStatus, TreatmentSession
from myomap_core import aftercare as core
from myomap_core.errors import DomainError
from myomap_core.planning import Technique
from myomap_core.screening import Decision

LINK_DAYS = 42
"""How long a home program link opens: six weeks, a typical first course of care [ours]."""
BLEEDING_ANSWERS = ("anticoagulant", "bleeding_disorder")


def _work_answers(session: TreatmentSession) -> dict[str, Any]:
    intake = (
        Intake.objects.filter(patient_id=session.patient_id, submitted_at__isnull=False)
        .order_by("-submitted_at", "-id")
        .first()
    ) or Intake.objects.filter(patient_id=session.patient_id).order_by("-created_at").first()
    if intake is None:
        return {}
    work = intake.answers.get("work") if isinstance(intake.answers, dict) else None
    return dict(work) if isinstance(work, dict) else {}


def bleeding_risk(screening: Screening | None) -> bool:
    """Blood thinners or a bleeding disorder, from the screening's findings or answers."""
    if screening is None:
        return False
    findings = screening.result.get("findings", []) if isinstance(screening.result, dict) else []
    if any(f.get("pathology") == "bleeding_risk" for f in findings if isinstance(f, dict)):
        return True
    answers = screening.answers if isinstance(screening.answers, dict) else {}
    return any(answers.get(key) is True for key in BLEEDING_ANSWERS)


def treated_muscles(steps: list[SessionStep]) -> tuple[core.TreatedMuscle, ...]:
    """The session's done steps grouped by muscle, in the order first treated."""
    done = [s for s in steps if s.status == StepStatus.DONE]
    grouped: dict[str, dict[str, Any]] = {}
    for step in sorted(done, key=lambda s: (s.order, s.pk)):
        entry = grouped.setdefault(
            step.muscle_id, {"sides": [], "techniques": [], "points": [], "ease_off": 0}
        )
        if step.side in core.SIDES and step.side not in entry["sides"]:
            entry["sides"].append(step.side)
        technique = Technique(step.technique)
        if technique not in entry["techniques"]:
            entry["techniques"].append(technique)
        if step.trigger_point and step.trigger_point not in entry["points"]:
            entry["points"].append(step.trigger_point)
        entry["ease_off"] += step.ease_off_count
    return tuple(
        core.TreatedMuscle(
            muscle_id=muscle_id,
            sides=tuple(e["sides"]),
            techniques=tuple(e["techniques"]),
            trigger_points=tuple(e["points"]),
            ease_off_count=e["ease_off"],
        )
        for muscle_id, e in grouped.items()
    )


def sheet_input(session: TreatmentSession) -> core.AftercareInput:
    """What the core needs, read from the session, the intake and the latest screening."""
    gate = treatment_gate(session.patient)
    stopped_by = session.stop_screening if session.is_stopped else None
    return core.AftercareInput(
        muscles=treated_muscles(list(session.steps.all())),
        work=core.WorkPosture.from_answers(_work_answers(session)),
        precautions=gate.precautions,
        bleeding_risk=bleeding_risk(gate.screening),
        stopped_for_safety=session.is_stopped,
        stopped_decision=Decision(stopped_by.decision) if stopped_by is not None else None,
    )


@transaction.atomic
def aftercare_for_session(
    *, actor: User | None, session: TreatmentSession, origin: Origin | None = None
) -> AftercareSheet:
    """The session's aftercare sheet, made once when first asked for (a snapshot)."""
    existing = AftercareSheet.objects.filter(session=session).first()
    if existing is not None:
        return existing
    if not session.is_finished:
        raise DomainError("finish the session before making its aftercare sheet", field="session")
    sheet = core.aftercare(sheet_input(session))
    record = AftercareSheet(
        clinic=session.clinic,
        patient=session.patient,
        session=session,
        content=core.sheet_json(sheet),
        created_by=actor,
    )
    record.full_clean()
    record.save()
    muscles = ", ".join(c.muscle_name for c in sheet.self_care) or "no muscles recorded"
    audit_record(
        action=AuditAction.CREATE,
        clinic=session.clinic,
        actor=actor,
        patient=session.patient,
        obj=record,
        summary=f"Made the aftercare sheet of session {session.number} ({muscles})",
        origin=origin,
    )
    return record


@transaction.atomic
def home_link_create(
    *, actor: User, sheet: AftercareSheet, origin: Origin | None = None
) -> tuple[HomeProgramLink, str]:
    """A private link to the sheet and the home program; returns it and its token (shown once)."""
    if sheet.patient.is_archived:
        raise DomainError("restore the client from the archive first", field="patient")
    token, token_hash = token_new()
    days = getattr(settings, "HOME_PROGRAM_LINK_DAYS", LINK_DAYS)
    link = HomeProgramLink(
        clinic=sheet.clinic,
        patient=sheet.patient,
        sheet=sheet,
        token_hash=token_hash,
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=days),
    )
    link.full_clean()
    link.save()
    audit_record(
        action=AuditAction.SEND,
        clinic=sheet.clinic,
        actor=actor,
        patient=sheet.patient,
        obj=link,
        summary=f"Created a private home program link for session {sheet.session.number}",
        origin=origin,
    )
    return link, token


@transaction.atomic
def home_link_revoke(
    *, actor: User, link: HomeProgramLink, origin: Origin | None = None
) -> HomeProgramLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit_record(
            action=AuditAction.REVOKE,
            clinic=link.clinic,
            actor=actor,
            patient=link.patient,
            obj=link,
            summary="Revoked the private home program link",
            origin=origin,
        )
    return link


def home_link_find(token: str) -> HomeProgramLink | None:
    """The usable link for ``token``; unknown, expired and revoked links alike give None."""
    links = HomeProgramLink.objects.select_related("clinic", "patient", "sheet__session")
    return link_by_token(links, token)


def _check_mark(sheet: AftercareSheet, item_id: str, day: date) -> dict[str, Any]:
    items = {str(i["id"]): i for i in sheet.items}
    if item_id not in items:
        raise DomainError(
            f"unknown home program item {item_id!r}",
            field="item_id",
            value=item_id,
            suggestions=sorted(items),
        )
    if day > timezone.localdate():
        raise DomainError("a day in the future cannot be marked yet", field="day", value=day)
    if day < sheet.start_date:
        raise DomainError(
            "the home program started on "
            f"{sheet.start_date:%-d %b %Y}; earlier days cannot be marked",  # type: ignore[str-format]
            field="day",
            value=day,
        )
    return items[item_id]


@transaction.atomic
def home_mark_done(
    *,
    sheet: AftercareSheet,
    item_id: str,
    day: date,
    link: HomeProgramLink | None = None,
    actor: User | None = None,
    origin: Origin | None = None,
) -> HomeProgramMark:
    """Mark one item done on one day (marking it again changes nothing)."""
    item = _check_mark(sheet, item_id, day)
    mark, created = HomeProgramMark.objects.get_or_create(
        sheet=sheet,
        item_id=item_id,
        day=day,
        defaults={"link": link, "filled_by_client": actor is None},
    )
    if created:
        audit_record(
            action=AuditAction.UPDATE,
            clinic=sheet.clinic,
            actor=actor,
            patient=sheet.patient,
            obj=mark,
            summary=f"Home program: {item['title']} done on {day:%-d %b}",
            origin=origin,
        )
    return mark


@transaction.atomic
def home_mark_undo(
    *,
    sheet: AftercareSheet,
    item_id: str,
    day: date,
    actor: User | None = None,
    origin: Origin | None = None,
) -> bool:
    """Take back a mark; True if there was one."""
    item = _check_mark(sheet, item_id, day)
    deleted, _ = HomeProgramMark.objects.filter(sheet=sheet, item_id=item_id, day=day).delete()
    if deleted:
        audit_record(
            action=AuditAction.UPDATE,
            clinic=sheet.clinic,
            actor=actor,
            patient=sheet.patient,
            obj=sheet,
            summary=f"Home program: {item['title']} no longer marked done on {day:%-d %b}",
            origin=origin,
        )
    return bool(deleted)
