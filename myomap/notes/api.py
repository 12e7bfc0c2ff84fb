"""The notes endpoints of the JSON API: read a note, edit a draft, sign it, amend it.

A signed note is never changed: ``PUT`` on it answers 409 naming the note, and nothing
changes. Corrections are amendments (``POST .../amendments``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from myomap.common.audit import Origin
from myomap.common.request import clinic_user
from myomap.notes.access import access_note
from myomap.notes.models import SECTIONS, SoapNote
from myomap.notes.printing import note_pdf, pdf_filename
from myomap.notes.selectors import current_text, status_label
from myomap.notes.services import (
    NoteLocked,
    NoteRefused,
    note_amend,
    note_print_record,
    note_sign,
    note_update,
)
from myomap.reports.pdf import pdf_response

router = Router(tags=["notes"])

BASE = "/clients/{patient_id}/notes/{note_id}"


class NoteTextIn(Schema):
    subjective: str | None = None
    objective: str | None = None
    assessment: str | None = None
    plan: str | None = None


class SignIn(NoteTextIn):
    """Optional text to save before signing; leave out to sign the draft as it is."""


class AmendIn(NoteTextIn):
    reason: str


def _err(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field}}


def _text(payload: NoteTextIn) -> dict[str, str | None]:
    data = payload.dict()
    return {s: data[s] for s in SECTIONS if data.get(s) is not None}


def note_json(note: SoapNote) -> dict[str, Any]:
    amendments = list(note.amendments.select_related("author"))
    return {
        "id": note.pk,
        "patient_id": note.patient_id,
        "session_id": note.session_id,
        "session_number": note.session.number,
        "status": status_label(note),
        **{s: getattr(note, s) for s in SECTIONS},
        "current": current_text(note),
        "drafted_by": note.drafted_by.display_name,
        "signed_by": note.signed_by.display_name if note.signed_by else None,
        "signed_at": note.signed_at,
        "content_hash": note.content_hash or None,
        "previous_hash": note.previous_hash or None,
        "amendments": [
            {
                "id": a.pk,
                "reason": a.reason,
                "author": a.author.display_name,
                "created_at": a.created_at,
                "sections": {s: getattr(a, s) for s in SECTIONS if getattr(a, s)},
                "content_hash": a.content_hash,
            }
            for a in amendments
        ],
    }


@router.get(BASE, response=dict[str, Any])
def note_get(request: HttpRequest, patient_id: int, note_id: int) -> dict[str, Any]:
    """The note as signed (or drafted), its amendments, and each section as it reads now."""
    return note_json(access_note(clinic_user(request), patient_id, note_id, request=request))


@router.put(BASE, response={200: dict[str, Any], 400: dict[str, Any], 409: dict[str, Any]})
def note_put(
    request: HttpRequest, patient_id: int, note_id: int, payload: NoteTextIn
) -> Status[dict[str, Any]]:
    """Edit a draft. A signed note answers 409 and is left unchanged: amend it instead."""
    note = access_note(clinic_user(request), patient_id, note_id, request=request)
    try:
        note = note_update(
            actor=clinic_user(request),
            note=note,
            text=_text(payload),
            origin=Origin.of(request),
        )
    except NoteLocked as exc:
        return Status(409, _err("note_signed", str(exc), "note"))
    except NoteRefused as exc:
        return Status(400, _err("invalid", str(exc)))
    return Status(200, note_json(note))


@router.get(BASE + "/pdf", openapi_extra={"responses": {200: {"description": "application/pdf"}}})
def note_pdf_get(request: HttpRequest, patient_id: int, note_id: int) -> HttpResponse:
    """The note as a PDF: letterhead, the client's identifiers, the sections as amended, the
    signature and fingerprint, every amendment and the abbreviations' legend. A draft's is
    marked "Draft — not signed"."""
    note = access_note(clinic_user(request), patient_id, note_id, request=request)
    document = note_pdf(note)
    note_print_record(actor=clinic_user(request), note=note, origin=Origin.of(request))
    return pdf_response(document, pdf_filename(note))


@router.get(BASE + "/signature", response=dict[str, Any])
def signature_get(request: HttpRequest, patient_id: int, note_id: int) -> dict[str, Any]:
    """Who signed the note and when, with its hash and the one it is chained to."""
    note = access_note(clinic_user(request), patient_id, note_id, request=request)
    return {
        "signed": note.is_signed,
        "signed_by": note.signed_by.display_name if note.signed_by else None,
        "signed_at": note.signed_at,
        "content_hash": note.content_hash or None,
        "previous_hash": note.previous_hash or None,
    }


@router.post(
    BASE + "/signature", response={200: dict[str, Any], 400: dict[str, Any], 409: dict[str, Any]}
)
def note_sign_api(
    request: HttpRequest, patient_id: int, note_id: int, payload: SignIn | None = None
) -> Status[dict[str, Any]]:
    """Sign the note (saving the text given first). Refused: an empty note (400), a note
    already signed or a session still in progress (409)."""
    note = access_note(clinic_user(request), patient_id, note_id, request=request)
    try:
        note = note_sign(
            actor=clinic_user(request),
            note=note,
            text=_text(payload) if payload is not None else None,
            origin=Origin.of(request),
        )
    except NoteLocked as exc:
        return Status(409, _err("note_signed", str(exc), "note"))
    except NoteRefused as exc:
        code = 409 if note.session and not note.session.is_finished else 400
        return Status(code, _err("invalid" if code == 400 else "session_in_progress", str(exc)))
    return Status(200, note_json(note))


@router.get(BASE + "/amendments", response=list[dict[str, Any]])
def amendments_get(request: HttpRequest, patient_id: int, note_id: int) -> list[dict[str, Any]]:
    """The note's amendments, oldest first."""
    amendments: list[dict[str, Any]] = note_json(
        access_note(clinic_user(request), patient_id, note_id, request=request)
    )["amendments"]
    return amendments


@router.post(BASE + "/amendments", response={201: dict[str, Any], 400: dict[str, Any]})
def amendment_create(
    request: HttpRequest, patient_id: int, note_id: int, payload: AmendIn
) -> Status[dict[str, Any]]:
    """Amend a signed note: the new text of the sections that change, and the reason."""
    note = access_note(clinic_user(request), patient_id, note_id, request=request)
    try:
        note_amend(
            actor=clinic_user(request),
            note=note,
            reason=payload.reason,
            text=_text(payload),
            origin=Origin.of(request),
        )
    except NoteRefused as exc:
        return Status(400, _err("invalid", str(exc)))
    return Status(201, note_json(note))
