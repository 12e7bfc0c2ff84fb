"""Writes for SOAP notes: draft, edit, sign (locks it into the client's chain), amend.

Every write is one transaction with its audit row. A signed note never changes: edits are
refused with ``NoteLocked`` and corrections go through ``note_amend``.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from myomap.clinics.models import Clinic, User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.notes.chain import keyed_hash, record_chain_head
from myomap.notes.models import (
    SECTION_LABELS,
    SECTIONS,
    NoteAmendment,
    NoteChainCheck,
    NoteLocked,
    NoteStatus,
    SoapNote,
)
from myomap.notes.selectors import (
    amendment_content,
    chain_head,
    current_text,
    draft_for,
    note_content,
)
from myomap.notes.verification import ChainReport
from myomap.patients.models import Patient
from myomap.sessions.models import TreatmentSession

__all__ = [
    "NoteLocked",
    "NoteRefused",
    "note_amend",
    "note_draft",
    "note_print_record",
    "note_redraft",
    "note_sign",
    "note_update",
]


class NoteRefused(Exception):
    """The note cannot be signed or amended as asked; the message says why. Nothing changed."""


def _clean(text: Mapping[str, str | None]) -> dict[str, str]:
    unknown = set(text) - set(SECTIONS)
    if unknown:
        raise NoteRefused(f"Unknown note section: {', '.join(sorted(unknown))}.")
    return {s: (v or "").replace("\r\n", "\n").strip() for s, v in text.items() if v is not None}


def _session_words(note: SoapNote) -> str:
    return (
        f"session {note.session.number} ({timezone.localdate(note.session.started_at):%-d %b %Y})"
    )


def note_draft(*, actor: User, session: TreatmentSession, origin: Origin | None = None) -> SoapNote:
    """The session's note, drafted from the session now if it has none (idempotent)."""
    existing = SoapNote.objects.filter(session=session).first()
    if existing is not None:
        return existing
    text = draft_for(session)
    try:
        with transaction.atomic():
            note = SoapNote(
                clinic=session.clinic,
                patient=session.patient,
                session=session,
                subjective=text.subjective,
                objective=text.objective,
                assessment=text.assessment,
                plan=text.plan,
                drafted_by=actor,
            )
            note.full_clean()
            note.save()
            audit_record(
                action=AuditAction.CREATE,
                clinic=session.clinic,
                actor=actor,
                patient=session.patient,
                obj=note,
                summary=f"Drafted the SOAP note of {_session_words(note)} from the session",
                origin=origin,
            )
    except IntegrityError:
        # Drafted at the same moment by another request: use that one.
        return SoapNote.objects.get(session=session)
    return note


def _locked(note: SoapNote) -> SoapNote:
    fresh = SoapNote.objects.select_for_update().select_related("session").get(pk=note.pk)
    if fresh.is_signed:
        raise NoteLocked(
            f"Note {fresh.pk} (session {fresh.session.number}) is signed and cannot be "
            "changed; add an amendment with the reason instead."
        )
    return fresh


@transaction.atomic
def note_update(
    *,
    actor: User,
    note: SoapNote,
    text: Mapping[str, str | None],
    origin: Origin | None = None,
) -> SoapNote:
    """Save edits to a draft. A signed note is refused (``NoteLocked``) and left unchanged."""
    fresh = _locked(note)
    changed = [s for s, v in _clean(text).items() if v != getattr(fresh, s)]
    if not changed:
        return fresh
    for s, v in _clean(text).items():
        setattr(fresh, s, v)
    fresh.edited = True
    fresh.full_clean()
    fresh.save()
    audit_record(
        action=AuditAction.UPDATE,
        clinic=fresh.clinic,
        actor=actor,
        patient=fresh.patient,
        obj=fresh,
        summary=(
            f"Edited the draft SOAP note of {_session_words(fresh)}: "
            + ", ".join(SECTION_LABELS[s].lower() for s in changed)
        ),
        origin=origin,
    )
    return fresh


@transaction.atomic
def note_redraft(*, actor: User, note: SoapNote, origin: Origin | None = None) -> SoapNote:
    """Replace a draft's text with a fresh draft from the session as it stands now."""
    fresh = _locked(note)
    text = draft_for(fresh.session)
    for s in SECTIONS:
        setattr(fresh, s, getattr(text, s))
    fresh.edited = False
    fresh.full_clean()
    fresh.save()
    audit_record(
        action=AuditAction.UPDATE,
        clinic=fresh.clinic,
        actor=actor,
        patient=fresh.patient,
        obj=fresh,
        summary=f"Drafted the SOAP note of {_session_words(fresh)} again from the session",
        origin=origin,
    )
    return fresh


def _append_to_chain(patient: Patient) -> tuple[int, str]:
    """Lock the client's chain and return (next position, hash of the last entry)."""
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    position, previous = chain_head(patient.pk)
    return position + 1, previous


@transaction.atomic
def note_sign(
    *,
    actor: User,
    note: SoapNote,
    text: Mapping[str, str | None] | None = None,
    origin: Origin | None = None,
) -> SoapNote:
    """Sign the note (saving ``text`` first when given): it is locked from now on.

    Refused: a signed note (``NoteLocked``); a note whose four sections are all blank and a
    note of a session still in progress (``NoteRefused``): events may still arrive, and the
    signed record would miss them.
    """
    fresh = _locked(note)
    if text:
        fresh = note_update(actor=actor, note=fresh, text=text, origin=origin)
    if not fresh.session.is_finished:
        raise NoteRefused(
            f"Session {fresh.session.number} is still in progress: finish it before signing "
            "its note, so the note records the whole session."
        )
    if fresh.is_empty:
        raise NoteRefused("An empty note cannot be signed: write at least one section first.")
    position, previous = _append_to_chain(fresh.patient)
    fresh.status = NoteStatus.SIGNED
    fresh.signed_by = actor
    fresh.signed_at = timezone.now()
    fresh.chain_position = position
    fresh.previous_hash = previous
    fresh.content_hash = keyed_hash(note_content(fresh), previous)
    fresh.full_clean()
    # The model refuses saving a signed note; this is the one write that makes it signed.
    SoapNote.objects.filter(pk=fresh.pk, status=NoteStatus.DRAFT).update(
        status=fresh.status,
        signed_by=actor,
        signed_at=fresh.signed_at,
        chain_position=position,
        previous_hash=previous,
        content_hash=fresh.content_hash,
        updated_at=fresh.signed_at,
    )
    audit_record(
        action=AuditAction.SUBMIT,
        clinic=fresh.clinic,
        actor=actor,
        patient=fresh.patient,
        obj=fresh,
        summary=f"Signed the SOAP note of {_session_words(fresh)}; it is now locked",
        origin=origin,
    )
    record_chain_head(
        clinic=fresh.clinic,
        patient=fresh.patient,
        seq=position,
        digest=fresh.content_hash,
        actor=actor,
        origin=origin,
    )
    return SoapNote.objects.select_related("session", "signed_by").get(pk=fresh.pk)


@transaction.atomic
def note_amend(
    *,
    actor: User,
    note: SoapNote,
    reason: str,
    text: Mapping[str, str | None],
    origin: Origin | None = None,
) -> NoteAmendment:
    """Add an amendment to a signed note: the new text of the sections that change and why.

    Sections equal to the note's current text are not recorded; an amendment that changes
    nothing, or has no reason, is refused (``NoteRefused``).
    """
    fresh = SoapNote.objects.select_for_update().select_related("session").get(pk=note.pk)
    if not fresh.is_signed:
        raise NoteRefused("This note is still a draft: edit it directly and sign it.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise NoteRefused("An amendment needs a reason.")
    now = current_text(fresh)
    changes = {s: v for s, v in _clean(text).items() if v and v != now[s]}
    if not changes:
        raise NoteRefused("The amendment changes nothing: edit at least one section.")
    position, previous = _append_to_chain(fresh.patient)
    amendment = NoteAmendment(
        note=fresh,
        reason=reason[:500],
        author=actor,
        created_at=timezone.now(),
        chain_position=position,
        previous_hash=previous,
        **changes,
    )
    amendment.content_hash = keyed_hash(amendment_content(amendment), previous)
    amendment.full_clean()
    amendment.save()
    audit_record(
        action=AuditAction.CREATE,
        clinic=fresh.clinic,
        actor=actor,
        patient=fresh.patient,
        obj=amendment,
        summary=(
            f"Amended the signed SOAP note of {_session_words(fresh)} "
            f"({', '.join(SECTION_LABELS[s].lower() for s in changes)}): {reason}"
        ),
        origin=origin,
    )
    record_chain_head(
        clinic=fresh.clinic,
        patient=fresh.patient,
        seq=position,
        digest=amendment.content_hash,
        actor=actor,
        origin=origin,
    )
    return amendment


def note_chain_check_record(*, report: ChainReport) -> list[NoteChainCheck]:
    """Record a check of the signed-note chains: one result and one audit row per clinic, so
    each owner sees their own clinic's outcome (and only its clients' names)."""

    checks: list[NoteChainCheck] = []
    with transaction.atomic():
        for clinic in Clinic.objects.order_by("pk"):
            problems = [p.as_dict() for p in report.problems if p.clinic_id == clinic.pk]
            check = NoteChainCheck(
                clinic=clinic,
                ok=not problems,
                clients=report.clients_by_clinic.get(clinic.pk, 0),
                entries=report.entries_by_clinic.get(clinic.pk, 0),
                problems=problems,
            )
            check.full_clean()
            check.save()
            if problems:
                named = "; ".join(f"{p['client']}: {p['what']} ({p['differs']})" for p in problems)
                summary = (
                    f"Nightly check of signed notes FAILED: {len(problems)} of {check.entries} "
                    f"signed entries no longer match their hashes: {named}"
                )
            else:
                summary = (
                    f"Nightly check of signed notes: all {check.entries} signed entries of "
                    f"{check.clients} clients match their hashes."
                )
            audit_record(
                action=AuditAction.VERIFY,
                clinic=clinic,
                actor=None,
                actor_label="nightly check",
                summary=summary,
                obj=check,
                origin=Origin(path="(nightly task)"),
            )
            checks.append(check)
    return checks


def note_print_record(*, actor: User, note: SoapNote, origin: Origin | None = None) -> None:
    """Record in the audit log that ``actor`` printed the note (its PDF, rendered before)."""
    state = "signed" if note.is_signed else "draft"
    with transaction.atomic():
        audit_record(
            action=AuditAction.EXPORT,
            clinic=note.clinic,
            actor=actor,
            patient=note.patient,
            obj=note,
            summary=f"Printed the {state} SOAP note of session {note.session.number}",
            origin=origin,
        )
