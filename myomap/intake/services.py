"""Writes for intakes, private links and pain maps. Each change writes its audit row."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.links import link_by_token, link_new, link_revoke, link_sent, links_completed
from myomap.common.models import AuditAction, LinkPurpose, PrivateLink
from myomap.intake.forms import SECTION_BY_SLUG, SECTIONS
from myomap.intake.models import (
    Intake,
    IntakeLink,
    IntakeStatus,
    PainMap,
    PainMapSource,
    PainMark,
)
from myomap.patients.models import Patient
from myomap.screening.forms import HEALTH_CHECKS
from myomap.screening.models import ScreeningTrigger
from myomap.screening.services import screening_for_intake, screening_run
from myomap_core.pain import PainMark as CorePainMark

BODY_MAP = "bodymap"
"""The body map section's slug; its answer (``{"no_pain": bool}``) is kept under it."""
NO_PAIN = "no_pain"
NO_MAP = (
    'Mark where it hurts on the body map, or tick "No pain to mark today" if nothing hurts today.'
)


class IntakeClosed(Exception):
    """The intake was already submitted: it can be read, not changed."""


class SectionInvalid(Exception):
    """A section's answers break a hard limit (e.g. length); nothing was stored."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class IntakeIncomplete(Exception):
    """Submitting failed: ``errors`` maps section slug -> {field: [messages]}."""

    def __init__(self, errors: dict[str, dict[str, list[str]]]) -> None:
        self.errors = errors
        super().__init__("The intake is incomplete.")


def _audit(
    intake: Intake, action: AuditAction, actor: User | None, summary: str, origin: Origin | None
) -> None:
    audit_record(
        action=action,
        clinic=intake.clinic,
        actor=actor,
        patient=intake.patient,
        obj=intake,
        summary=summary,
        origin=origin,
    )


@transaction.atomic
def intake_start(*, actor: User, patient: Patient, origin: Origin | None = None) -> Intake:
    """Open a new intake for the therapist to fill in with the client."""
    intake = Intake.objects.create(clinic=patient.clinic, patient=patient, created_by=actor)
    _audit(intake, AuditAction.CREATE, actor, "Started an intake", origin)
    return intake


@transaction.atomic
def intake_link_create(
    *, actor: User, patient: Patient, sent_to: str = "", origin: Origin | None = None
) -> tuple[IntakeLink, str]:
    """Create a private link (7 days) for the client; returns the link and its token.

    The token is shown once; only its hash is stored. An open draft intake is reused so the
    client continues where anyone left off.
    """
    intake = (
        Intake.objects.filter(patient=patient, status=IntakeStatus.DRAFT)
        .order_by("-created_at")
        .first()
    )
    if intake is None:
        intake = Intake.objects.create(
            clinic=patient.clinic, patient=patient, created_by=actor, filled_by_client=True
        )
    private, token = link_new(
        purpose=LinkPurpose.INTAKE,
        patient=patient,
        actor=actor,
        lasts=timedelta(days=settings.INTAKE_LINK_DAYS),
        sent_to=sent_to,
    )
    link = IntakeLink.objects.create(private=private, intake=intake)
    link_sent(private, actor=actor, obj=intake, summary="Created a private intake link",
              origin=origin)  # fmt: skip
    return link, token


def intake_link_revoke(*, actor: User, link: IntakeLink, origin: Origin | None = None) -> None:
    link_revoke(link.private, actor=actor, obj=link.intake,
                summary="Revoked a private intake link", origin=origin)  # fmt: skip


def intake_link_find(token: str) -> IntakeLink | None:
    """The usable link for ``token``, or None (unknown, expired, revoked or completed alike)."""
    rows = IntakeLink.objects.select_related("intake", "private__patient", "private__clinic")
    return link_by_token(rows, token)


def raw_section_data(slug: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Keep only the fields of the section, lists for multi-choice fields."""
    form_class = SECTION_BY_SLUG[slug].form
    assert form_class is not None
    raw: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        if getattr(field.widget, "allow_multiple_selected", False):
            values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
            raw[name] = [str(v)[:200] for v in values]
        else:
            value = data.get(name)
            if value is not None:
                raw[name] = str(value)
    return raw


def _too_long(slug: str, raw: dict[str, Any]) -> dict[str, str]:
    form_class = SECTION_BY_SLUG[slug].form
    assert form_class is not None
    errors = {}
    for name, value in raw.items():
        limit = getattr(form_class.base_fields[name], "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            errors[name] = f"at most {limit} characters (this has {len(value)})"
    return errors


@transaction.atomic
def intake_section_save(
    *,
    intake: Intake,
    slug: str,
    data: Mapping[str, Any],
    actor: User | None,
    origin: Origin | None = None,
) -> None:
    """Store a section as typed so far (drafts may be incomplete)."""
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if intake.is_submitted:
        raise IntakeClosed
    answers = dict(intake.answers)
    new = raw_section_data(slug, data)
    too_long = _too_long(slug, new)
    if too_long:
        raise SectionInvalid(too_long)
    if answers.get(slug) == new:
        return
    answers[slug] = new
    intake.answers = answers
    intake.save(update_fields=["answers", "updated_at"])
    _audit(
        intake,
        AuditAction.UPDATE,
        actor,
        f"Saved intake section '{SECTION_BY_SLUG[slug].title}'",
        origin,
    )
    if slug == HEALTH_CHECKS:
        # Screen as the answers arrive: a warning sign shows at once, even mid-intake.
        screening_run(
            patient=intake.patient,
            intake=intake,
            answers=new,
            actor=actor,
            trigger=ScreeningTrigger.ANSWERS,
            origin=origin,
        )


@transaction.atomic
def pain_map_save_for_intake(
    *,
    intake: Intake,
    marks: tuple[CorePainMark, ...],
    actor: User | None,
    origin: Origin | None = None,
    no_pain: bool = False,
) -> PainMap:
    """Replace the intake's pain map with ``marks``. ``no_pain``: the client said there is
    no pain to mark today (kept only while nothing is marked); the body map counts as done
    with marks or with that answer, never with neither."""
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if intake.is_submitted:
        raise IntakeClosed
    said = {NO_PAIN: bool(no_pain) and not marks}
    if intake.answers.get(BODY_MAP) != said:
        intake.answers = {**intake.answers, BODY_MAP: said}
        intake.save(update_fields=["answers", "updated_at"])
        if said[NO_PAIN]:
            _audit(intake, AuditAction.UPDATE, actor, "Answered: no pain to mark today", origin)
    pain_map, _ = PainMap.objects.get_or_create(
        intake=intake,
        defaults={
            "clinic": intake.clinic,
            "patient": intake.patient,
            "source": PainMapSource.INTAKE,
            "recorded_by": actor,
        },
    )
    old = sorted(pain_map.marks.values_list("region_id", "intensity", "quality"))
    new = sorted((m.region_id, m.intensity, m.quality.value) for m in marks)
    if old != new:
        pain_map.marks.all().delete()
        PainMark.objects.bulk_create(
            PainMark(
                pain_map=pain_map,
                region_id=m.region_id,
                intensity=m.intensity,
                quality=m.quality.value,
            )
            for m in marks
        )
        pain_map.recorded_at = timezone.now()
        pain_map.save(update_fields=["recorded_at"])
        _audit(
            intake,
            AuditAction.UPDATE,
            actor,
            f"Marked {len(marks)} painful regions on the body map",
            origin,
        )
    return pain_map


def body_map_errors(intake: Intake) -> dict[str, list[str]]:
    """The body map is done with at least one mark or the answer "no pain to mark today"."""
    if (intake.answers.get(BODY_MAP) or {}).get(NO_PAIN) is True:
        return {}
    if PainMark.objects.filter(pain_map__intake=intake).exists():
        return {}
    return {"marks": [NO_MAP]}


def intake_errors(intake: Intake) -> dict[str, dict[str, list[str]]]:
    """Validation errors per section, the body map included (empty when the intake can be
    submitted)."""
    errors: dict[str, dict[str, list[str]]] = {}
    for section in SECTIONS:
        if section.form is None:
            missing = body_map_errors(intake)
            if missing:
                errors[section.slug] = missing
            continue
        form = section.form(data=intake.answers.get(section.slug, {}))
        if not form.is_valid():
            errors[section.slug] = {k: [str(m) for m in v] for k, v in form.errors.items()}
    return errors


@transaction.atomic
def intake_submit(*, intake: Intake, actor: User | None, origin: Origin | None = None) -> Intake:
    """Validate every section and the consent, close the intake and screen its answers."""
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if intake.is_submitted:
        raise IntakeClosed
    errors = intake_errors(intake)
    if errors:
        raise IntakeIncomplete(errors)
    consent = intake.answers["consent"]
    intake.status = IntakeStatus.SUBMITTED
    intake.submitted_at = timezone.now()
    intake.consent_name = consent["signature_name"].strip()
    intake.consent_signature = consent.get("signature_drawn", "")
    intake.consent_at = intake.submitted_at
    intake.filled_by_client = actor is None
    intake.save()
    links_completed(
        PrivateLink.objects.filter(intake_link__intake=intake), when=intake.submitted_at
    )
    who = "the client" if actor is None else actor.display_name
    _audit(
        intake,
        AuditAction.SUBMIT,
        actor,
        f"Completed the intake (signed by {intake.consent_name}, filled by {who})",
        origin,
    )
    screening_for_intake(intake=intake, actor=actor, origin=origin)
    return intake


@transaction.atomic
def pain_map_record(
    *,
    actor: User,
    patient: Patient,
    marks: tuple[CorePainMark, ...],
    note: str = "",
    origin: Origin | None = None,
) -> PainMap:
    """A pain map recorded by the therapist outside an intake (e.g. at a follow-up)."""
    pain_map = PainMap.objects.create(
        clinic=patient.clinic,
        patient=patient,
        source=PainMapSource.THERAPIST,
        recorded_by=actor,
        note=note[:500],
    )
    PainMark.objects.bulk_create(
        PainMark(
            pain_map=pain_map, region_id=m.region_id, intensity=m.intensity, quality=m.quality.value
        )
        for m in marks
    )
    audit_record(
        action=AuditAction.CREATE,
        clinic=patient.clinic,
        actor=actor,
        patient=patient,
        obj=pain_map,
        summary=f"Recorded a pain map with {len(marks)} regions",
        origin=origin,
    )
    return pain_map
