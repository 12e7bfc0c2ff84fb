"""Writes for outcome measures: recording a scored response and the private questionnaire links.

Every response is scored by the clinical core (``myomap_core.outcomes.score``) and stored with
its score; every change writes its audit row in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.links import link_by_token, link_new, link_sent
from myomap.common.links import link_revoke as private_link_revoke
from myomap.common.models import AuditAction, LinkPurpose
from myomap.outcomes.forms import activity_answer, activity_name
from myomap.outcomes.models import OutcomeResponse, QuestionnaireLink
from myomap.outcomes.standing import standing_refresh
from myomap.patients.models import Patient
from myomap.sessions.models import SessionStatus, TreatmentSession
from myomap_core import outcomes as core
from myomap_core.errors import DomainError

LINK_DAYS = 7


class LinkClosed(Exception):
    """The link was revoked, expired, completed or its client archived: nothing was stored."""


class LinkIncomplete(Exception):
    """Submitting failed: ``errors`` maps instrument id -> the core's error (nothing stored)."""

    def __init__(self, errors: dict[str, DomainError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def score_summary(instrument_id: str, display: str, band_id: str | None) -> str:
    """``ODI 35.6 % (moderate)``: a score as the timeline and the dashboard say it."""
    return (
        f"{core.instrument(instrument_id).short_name} {score_text(instrument_id, display, band_id)}"
    )


def score_text(instrument_id: str, display: str, band_id: str | None) -> str:
    """``35.6 % (moderate)``: the value with its unit and band."""
    spec = core.instrument(instrument_id)
    unit = " %" if spec.unit == "%" else ("/10" if spec.maximum == 10 else "")
    band = ""
    if band_id:
        band = band_id.replace("_", "-")
        if instrument_id == core.InstrumentId.STARTBACK:
            band += " risk"
        band = f" ({band})"
    return f"{display}{unit}{band}"


def sessions_completed(patient: Patient) -> int | None:
    """How many treatment sessions the client has finished, or None when none are recorded."""
    sessions = TreatmentSession.objects.filter(patient=patient)
    if not sessions.exists():
        return None
    return sessions.filter(status=SessionStatus.FINISHED).count()


def next_session_number(patient: Patient, *, today: datetime | None = None) -> int:
    """The default session number for a new response: the sessions completed so far.

    With treatment sessions recorded, it is the number of finished sessions. Before any,
    the therapist's own count is continued: the previous response's number + 1, or the same
    number when the previous response was taken the same day (several questionnaires at one
    visit), 0 for the first.
    """
    completed = sessions_completed(patient)
    if completed is not None:
        return completed
    latest = OutcomeResponse.objects.filter(patient=patient).order_by("-taken_at", "-id").first()
    if latest is None:
        return 0
    now = timezone.localdate(today or timezone.now())
    if timezone.localdate(latest.taken_at) == now:
        return latest.session_number
    return latest.session_number + 1


def latest_session_number(patient: Patient) -> int:
    """The sessions completed so far: finished treatment sessions when recorded, else the
    highest session number on the questionnaires (0 when none)."""
    completed = sessions_completed(patient)
    if completed is not None:
        return completed
    found = OutcomeResponse.objects.filter(patient=patient).aggregate(n=Max("session_number"))
    return int(found["n"] or 0)


def carried_activities(patient: Patient) -> dict[str, dict[str, Any]]:
    """The activities named on the client's last PSFS, to be re-rated (item id -> activity)."""
    last = (
        OutcomeResponse.objects.filter(patient=patient, instrument=core.InstrumentId.PSFS)
        .order_by("-taken_at", "-id")
        .first()
    )
    if last is None:
        return {}
    spec = core.instrument(core.InstrumentId.PSFS)
    carried = {}
    for item in spec.items:
        name = activity_name(last.answers.get(item.id))
        if item.kind == "activity" and name:
            carried[item.id] = activity_answer(name, None)
    return carried


def score_answers(instrument_id: str, answers: Mapping[str, Any]) -> core.Score:
    """Score ``answers`` with the core; DomainError names the item at fault."""
    return core.score(instrument_id, answers)


def _check_session(session_number: int) -> None:
    if not 0 <= session_number <= 500:
        raise DomainError(
            "the number of sessions completed must be between 0 and 500",
            field="session_number",
            value=session_number,
        )


@transaction.atomic
def response_record(
    *,
    actor: User | None,
    patient: Patient,
    instrument: str,
    answers: Mapping[str, Any],
    session_number: int | None = None,
    taken_at: datetime | None = None,
    link: QuestionnaireLink | None = None,
    origin: Origin | None = None,
) -> OutcomeResponse:
    """Score and store one questionnaire. ``actor=None``: the client through a private link.

    Raises DomainError (naming the item) when the answers cannot be scored; nothing is stored.
    """
    if patient.is_archived:
        raise DomainError("restore the client from the archive first", field="patient")
    spec = core.instrument(instrument)
    clean = {k: v for k, v in answers.items() if v is not None and v != ""}
    result = score_answers(spec.id, clean)
    number = next_session_number(patient) if session_number is None else session_number
    _check_session(number)
    response = OutcomeResponse(
        clinic=patient.clinic,
        patient=patient,
        instrument=str(spec.id),
        answers=clean,
        score_value=result.value,
        score_display=result.display,
        band=result.band or "",
        band_label=result.band_label or "",
        subscores={k: float(v) for k, v in result.subscores.items()},
        answered=result.answered,
        skipped=list(result.skipped),
        session_number=number,
        taken_at=taken_at or timezone.now(),
        filled_by_client=actor is None,
        link=link,
        created_by=actor,
    )
    response.full_clean()
    response.save()
    standing_refresh(patient)
    who = " by the client" if actor is None else ""
    # Empty PSFS activity slots are not skipped questions: only the others count.
    skipped = (
        f", {len(result.skipped)} skipped"
        if result.skipped and spec.id != core.InstrumentId.PSFS
        else ""
    )
    text = f"{spec.short_name} recorded: {score_text(spec.id, result.display, result.band)}"
    audit_record(
        action=AuditAction.CREATE,
        clinic=patient.clinic,
        actor=actor,
        patient=patient,
        obj=response,
        summary=f"{text}{who}, after {number} session{'s' if number != 1 else ''}{skipped}",
        origin=origin,
    )
    return response


@transaction.atomic
def link_create(
    *,
    actor: User,
    patient: Patient,
    instruments: Sequence[str],
    session_number: int | None = None,
    sent_to: str = "",
    origin: Origin | None = None,
) -> tuple[QuestionnaireLink, str]:
    """A private link (7 days) for the client to fill ``instruments``; returns it and its token.

    The token is shown once; only its SHA-256 hash is stored. A PSFS starts with the
    activities the client named last time, to be re-rated.
    """
    ids = [str(core.instrument(i).id) for i in dict.fromkeys(instruments)]
    if not ids:
        raise DomainError("choose at least one questionnaire", field="instruments")
    number = latest_session_number(patient) if session_number is None else session_number
    _check_session(number)
    draft: dict[str, dict[str, Any]] = {}
    if core.InstrumentId.PSFS in ids:
        draft[str(core.InstrumentId.PSFS)] = dict(carried_activities(patient))
    private, token = link_new(
        purpose=LinkPurpose.QUESTIONNAIRE,
        patient=patient,
        actor=actor,
        lasts=timedelta(days=getattr(settings, "OUTCOME_LINK_DAYS", LINK_DAYS)),
        sent_to=sent_to,
    )
    link = QuestionnaireLink.objects.create(
        private=private, instruments=ids, draft=draft, session_number=number
    )
    names = ", ".join(core.instrument(i).short_name for i in ids)
    link_sent(private, actor=actor, obj=link,
              summary=f"Created a private questionnaire link ({names})", origin=origin)  # fmt: skip
    return link, token


def link_revoke(*, actor: User, link: QuestionnaireLink, origin: Origin | None = None) -> None:
    private_link_revoke(link.private, actor=actor, obj=link,
                        summary="Revoked a private questionnaire link", origin=origin)  # fmt: skip


def link_find(token: str) -> QuestionnaireLink | None:
    """The usable link for ``token``, or None (unknown, expired, revoked or completed alike)."""
    rows = QuestionnaireLink.objects.select_related("private__patient", "private__clinic")
    return link_by_token(rows, token)


def _locked(link: QuestionnaireLink) -> QuestionnaireLink:
    rows = QuestionnaireLink.objects.select_for_update().select_related("private__patient")
    return rows.get(pk=link.pk)


@transaction.atomic
def link_save_answers(
    *,
    link: QuestionnaireLink,
    instrument: str,
    item_ids: Sequence[str],
    answers: Mapping[str, Any],
) -> None:
    """Keep the client's answers to ``item_ids`` (one screen) in the link's draft.

    An item left empty is removed (skipped), never stored as 0. Not audited per keystroke:
    the submission is.
    """
    link = (
        QuestionnaireLink.objects.select_for_update()
        .select_related("private__patient")
        .get(pk=link.pk)
    )
    if not link.is_usable:
        raise LinkClosed
    draft = dict(link.draft)
    current = dict(draft.get(instrument, {}))
    for item_id in item_ids:
        value = answers.get(item_id)
        if value is None or value == "":
            current.pop(item_id, None)
        else:
            current[item_id] = value
    if draft.get(instrument) == current:
        return
    draft[instrument] = current
    link.draft = draft
    link.save(update_fields=["draft"])


@transaction.atomic
def link_submit(
    *, link: QuestionnaireLink, actor: User | None = None, origin: Origin | None = None
) -> list[OutcomeResponse]:
    """Score every questionnaire of the link, store them and close the link.

    ``actor`` is None when the client filled it in, or the clinician who did with them.

    If any cannot be scored (e.g. an ODI with more than 2 sections skipped), nothing is
    stored and LinkIncomplete names each problem.
    """
    link = (
        QuestionnaireLink.objects.select_for_update()
        .select_related("private__patient")
        .get(pk=link.pk)
    )
    if not link.is_usable:
        raise LinkClosed
    errors: dict[str, DomainError] = {}
    for instrument in link.instruments:
        try:
            score_answers(instrument, link.draft.get(instrument, {}))
        except DomainError as exc:
            errors[instrument] = exc
    if errors:
        raise LinkIncomplete(errors)
    now = timezone.now()
    responses = [
        response_record(
            actor=actor,
            patient=link.private.patient,
            instrument=instrument,
            answers=link.draft.get(instrument, {}),
            session_number=link.session_number,
            taken_at=now,
            link=link,
            origin=origin,
        )
        for instrument in link.instruments
    ]
    link.private.submitted_at = now
    link.private.save(update_fields=["submitted_at"])
    who = "The client" if actor is None else actor.display_name
    audit_record(
        action=AuditAction.SUBMIT,
        clinic=link.private.clinic,
        actor=actor,
        patient=link.private.patient,
        obj=link,
        summary=f"{who} completed the questionnaires: "
        + ", ".join(score_summary(r.instrument, r.score_display, r.band) for r in responses),
        origin=origin,
    )
    return responses
