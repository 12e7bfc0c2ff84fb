"""Writes for screening: run the rules and store the result, edit answers, record clearances.

Every write records an audit row in the same transaction; the client timeline is built from
those rows, so each summary says what was decided in plain words.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.intake.models import Intake
from myomap.patients.models import Patient
from myomap.screening.first_screened import first_screened_mark
from myomap.screening.forms import (
    HEALTH_CHECKS,
    age_on,
    health_checks_form,
    questions_by_id,
    typed_answers,
)
from myomap.screening.gate import health_checks_of
from myomap.screening.models import Clearance, Screening, ScreeningTrigger
from myomap_core.screening import Decision, ScreeningInput, ScreeningResult, screen


class ScreeningError(Exception):
    """The request cannot be carried out; the message says why in plain words."""


def _sex(patient: Patient) -> str | None:
    return patient.sex if patient.sex in ("female", "male", "other") else None


def result_to_json(result: ScreeningResult) -> dict[str, Any]:
    """The whole result as stored: decision, findings, precautions, unknown, possible."""
    data: dict[str, Any] = dataclasses.asdict(result)
    return data


def screening_summary(result: ScreeningResult, *, how: str) -> str:
    """One readable line for the audit log and the client timeline.

    The timeline is shown to the whole clinic, front desk included, so the line names the
    decision and counts but no clinical details; those stay on the screening card.
    """
    decision = result.decision
    parts = [f"Safety screening {how}: {decision.label}"]
    warnings = sum(1 for f in result.findings if f.decision.requires_clearance)
    others = len(result.findings) - warnings
    if result.findings:
        counted = []
        if warnings:
            counted.append(f"{warnings} warning sign{'s' if warnings != 1 else ''}")
        if others:
            counted.append(f"{others} precaution{'s' if others != 1 else ''}")
        parts.append(" and ".join(counted))
    else:
        parts.append("no warning signs found")
    if decision.requires_clearance:
        parts.append("Treatment blocked until a clearance is recorded")
    if result.unknown:
        parts.append(f"{len(result.unknown)} questions not answered yet")
    return ". ".join(part[:1].upper() + part[1:] for part in parts) + "."


@transaction.atomic
def screening_run(
    *,
    patient: Patient,
    answers: Mapping[str, Any],
    actor: User | None,
    trigger: ScreeningTrigger,
    intake: Intake | None = None,
    origin: Origin | None = None,
) -> Screening:
    """Run the rules over the stored form answers of ``patient`` and keep the result; a first
    screening marks the client as screened (``Patient.first_screened_at``)."""
    typed = typed_answers(dict(answers))
    today = timezone.localdate()
    age = age_on(patient.date_of_birth, today)
    sex = _sex(patient)
    result = screen(ScreeningInput(age=age, sex=sex, answers=typed))
    screening = Screening(
        clinic=patient.clinic,
        patient=patient,
        intake=intake,
        decision=result.decision.value,
        result=result_to_json(result),
        answers=typed,
        age=age,
        sex=sex or "",
        trigger=trigger,
        created_by=actor,
    )
    screening.full_clean()
    screening.save()
    first_screened_mark(screening)
    how = {
        ScreeningTrigger.INTAKE: "after the intake",
        ScreeningTrigger.EDIT: "after the health checks were edited",
        ScreeningTrigger.RESCREEN: "re-run",
        ScreeningTrigger.ANSWERS: "as the health-check answers arrived",
        ScreeningTrigger.CHECKIN: "after the visit's check-in",
        ScreeningTrigger.DEMO: "of the demo answers",
    }[trigger]
    audit_record(
        action=AuditAction.CREATE,
        clinic=patient.clinic,
        actor=actor,
        patient=patient,
        obj=screening,
        summary=screening_summary(result, how=how),
        origin=origin,
    )
    return screening


def screening_for_intake(
    *, intake: Intake, actor: User | None, origin: Origin | None = None
) -> Screening:
    """Screen a just-submitted intake's health-check answers."""
    return screening_run(
        patient=intake.patient,
        intake=intake,
        answers=intake.answers.get(HEALTH_CHECKS, {}),
        actor=actor,
        trigger=ScreeningTrigger.INTAKE,
        origin=origin,
    )


@transaction.atomic
def screening_answers_edit(
    *,
    actor: User | None,
    intake: Intake,
    data: Mapping[str, Any],
    origin: Origin | None = None,
    trigger: ScreeningTrigger | None = None,
) -> Screening:
    """The therapist corrects or completes the health checks of an intake, then re-screens.
    ``actor`` is None when the client's own check-in link brings the answers.

    The intake's other answers stay as the client gave them. ``trigger`` names why the
    screening ran (a visit's check-in, say); by default, an edit or a re-screen.
    """
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    form = health_checks_form()(data=data)
    if not form.is_valid():
        raise ValidationError(form.errors)
    new = {}
    for name in form.base_fields:
        value = data.get(name)
        if value not in (None, ""):
            new[name] = str(value)
    old = intake.answers.get(HEALTH_CHECKS, {})
    changed = sorted(
        questions_by_id()[n].text for n in set(old) | set(new) if old.get(n) != new.get(n)
    )
    if changed:
        intake.answers = {**intake.answers, HEALTH_CHECKS: new}
        intake.save(update_fields=["answers", "updated_at"])
        audit_record(
            action=AuditAction.UPDATE,
            clinic=intake.clinic,
            actor=actor,
            patient=intake.patient,
            obj=intake,
            summary=f"Edited {len(changed)} health-check answer{'s' if len(changed) != 1 else ''}"
            " of the intake",
            origin=origin,
        )
    return screening_run(
        patient=intake.patient,
        intake=intake,
        answers=new,
        actor=actor,
        trigger=trigger or (ScreeningTrigger.EDIT if changed else ScreeningTrigger.RESCREEN),
        origin=origin,
    )


@transaction.atomic
def screening_answers_save(
    *,
    actor: User | None,
    patient: Patient,
    data: Mapping[str, Any],
    origin: Origin | None = None,
    trigger: ScreeningTrigger | None = None,
) -> Screening:
    """Screen now: the health checks asked with the client, saved where the client's current
    answers live (the latest intake that has them, else the latest intake, else a new intake
    opened for them), then screened. Invalid answers raise ``ValidationError`` naming the
    question, and nothing changes."""
    intake, _ = health_checks_of(patient)
    if intake is None:
        intake = patient.intakes.order_by("-created_at", "-id").first()
    if intake is None:
        form = health_checks_form()(data=data)
        if not form.is_valid():
            raise ValidationError(form.errors)
        intake = Intake.objects.create(clinic=patient.clinic, patient=patient, created_by=actor)
        audit_record(
            action=AuditAction.CREATE,
            clinic=patient.clinic,
            actor=actor,
            patient=patient,
            obj=intake,
            summary="Started an intake for the health checks asked in the room",
            origin=origin,
        )
    return screening_answers_edit(
        actor=actor, intake=intake, data=data, origin=origin, trigger=trigger
    )


def screening_rerun(*, actor: User, patient: Patient, origin: Origin | None = None) -> Screening:
    """Run the rules again over the latest answers (e.g. the client's age or the rules changed)."""
    latest = Screening.objects.filter(patient=patient).select_related("intake").first()
    intake = latest.intake if latest is not None else None
    if intake is None:
        intake = patient.intakes.filter(status="submitted").order_by("-submitted_at").first()
    if intake is None:
        raise ScreeningError("There is no completed intake to screen yet.")
    return screening_run(
        patient=patient,
        intake=intake,
        answers=intake.answers.get(HEALTH_CHECKS, {}),
        actor=actor,
        trigger=ScreeningTrigger.RESCREEN,
        origin=origin,
    )


def clearance_record(
    *,
    actor: User,
    screening: Screening,
    cleared_by: str,
    cleared_on: date,
    note: str,
    document: UploadedFile[bytes] | None = None,
    attested: bool = False,
    origin: Origin | None = None,
) -> Clearance:
    """Record that a physician cleared the client for treatment after ``screening``.

    A clearance rests on the physician's document or on the therapist's word that they spoke
    to the physician (``attested``, with the physician's words in ``note``). An emergency is
    never cleared this way. The document (up to 10 MB) is copied to private storage before
    the transaction, which then only inserts the row and its audit entry; a refused clearance
    leaves no file.
    """
    decision = Decision(screening.decision)
    if not decision.requires_clearance:
        raise ScreeningError("This screening did not ask for a referral; nothing to clear.")
    if decision == Decision.EMERGENCY:
        raise ScreeningError(
            "An emergency cannot be cleared here: once the client has had emergency care, "
            "screen again with the client; only a new screening can lift it."
        )
    if document is None and not attested:
        raise ValidationError(
            {
                "attested": "Upload the physician's letter or form, or confirm that you spoke "
                "to the physician yourself and wrote down what they said."
            }
        )
    clearance = Clearance(
        clinic=screening.clinic,
        patient=screening.patient,
        screening=screening,
        cleared_by=cleared_by.strip(),
        cleared_on=cleared_on,
        note=note.strip(),
        attested=attested,
        recorded_by=actor,
    )
    if document is not None:
        clearance.document_name = (document.name or "document")[:200]
        clearance.document_type = (document.content_type or "")[:40]
    clearance.full_clean(exclude=["document"])
    if document is not None:
        clearance.document.save(document.name or "document", document, save=False)
    with_document = (
        " with the physician's document"
        if document is not None
        else " (the therapist spoke to the physician)"
    )
    try:
        with transaction.atomic():
            clearance.save()
            audit_record(
                action=AuditAction.CREATE,
                clinic=screening.clinic,
                actor=actor,
                patient=screening.patient,
                obj=clearance,
                summary=(
                    f"Recorded a clearance for treatment by {clearance.cleared_by} on "
                    f"{cleared_on:%-d %b %Y}{with_document}, after the screening of "
                    f"{timezone.localtime(screening.created_at):%-d %b %Y} "
                    f"({Decision(screening.decision).label})"
                ),
                origin=origin,
            )
    except Exception:
        if document is not None:
            clearance.document.delete(save=False)
        raise
    return clearance
