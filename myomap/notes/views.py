"""The SOAP note page: draft, edit and sign; once signed, read-only with its amendments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role, User
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest
from myomap.notes.access import NOTE_RELATED, access_note
from myomap.notes.models import SECTION_LABELS, SECTIONS, SoapNote
from myomap.notes.printing import note_pdf, pdf_filename
from myomap.notes.selectors import current_text, status_label
from myomap.notes.services import (
    NoteLocked,
    NoteRefused,
    note_amend,
    note_draft,
    note_print_record,
    note_redraft,
    note_sign,
    note_update,
)
from myomap.patients.models import Patient
from myomap.reports.pdf import pdf_response
from myomap.sessions.access import access_session
from myomap_core import soap

CLINICIANS = (Role.OWNER, Role.THERAPIST)


def _url(name: str, *args: object) -> str | None:
    """A link to another app's page, or None while that page does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _lines(text: str, before: str | None = None) -> list[dict[str, Any]]:
    """A section's lines for reading; ``changed`` marks lines not in ``before``."""
    earlier = set(before.splitlines()) if before is not None else None
    return [
        {
            "text": line,
            "ease": "EASE OFF" in line,
            "changed": earlier is not None and line not in earlier,
        }
        for line in text.splitlines()
        if line.strip()
    ]


def _amendments(note: SoapNote) -> list[dict[str, Any]]:
    """Each amendment with its sections' lines, the lines it changed marked."""
    text = {s: getattr(note, s) for s in SECTIONS}
    shown = []
    for a in note.amendments.select_related("author"):
        sections = []
        for s in SECTIONS:
            new = getattr(a, s)
            if new:
                sections.append({"label": SECTION_LABELS[s], "lines": _lines(new, text[s])})
                text[s] = new
        shown.append({"amendment": a, "sections": sections})
    return shown


def _rows(text: str) -> int:
    """Enough textarea rows to show ``text`` without scrolling, at about 66 characters a row."""
    return max(4, sum(len(line) // 66 + 1 for line in text.splitlines()) + 1)


def _posted_text(request: HttpRequest) -> dict[str, str | None]:
    return {s: request.POST.get(s) for s in SECTIONS if s in request.POST}


def _page(
    request: HttpRequest,
    patient: Patient,
    note: SoapNote,
    *,
    status: int = 200,
    error: str = "",
    editing: dict[str, str | None] | None = None,
    amending: dict[str, Any] | None = None,
) -> HttpResponse:
    session = note.session
    text = current_text(note)
    shown = {s: getattr(note, s) for s in SECTIONS}
    if editing:
        shown.update({s: v for s, v in editing.items() if v is not None})
    amend_form = {"reason": "", **text}
    if amending:
        amend_form.update({k: v for k, v in amending.items() if v is not None})
    context = {
        "patient": patient,
        "note": note,
        "session": session,
        "status": status_label(note),
        "sections": [
            {
                "name": s,
                "label": SECTION_LABELS[s],
                "text": shown[s],
                "lines": _lines(shown[s]),
                "current": text[s],
                "amend": amend_form[s],
                "rows": _rows(shown[s]),
                "amend_rows": _rows(amend_form[s]),
            }
            for s in SECTIONS
        ],
        "amendments": _amendments(note),
        "amend_reason": amend_form["reason"],
        "error": error,
        "amend_open": bool(amending),
        "session_url": _url("sessions:detail", patient.pk, session.pk),
        "aftercare_url": _url("aftercare:sheet", patient.pk, session.pk),
    }
    return render(request, "notes/note.html", context, status=status)


def _save(request: ClinicRequest, patient: Patient, note: SoapNote) -> HttpResponse:
    """POST to the note page: save the draft's edits (or draft it again from the session)."""
    actor: User = request.user
    try:
        if request.POST.get("action") == "redraft":
            note_redraft(actor=actor, note=note, origin=Origin.of(request))
            messages.success(request, "The note was drafted again from the session.")
        else:
            note_update(
                actor=actor, note=note, text=_posted_text(request), origin=Origin.of(request)
            )
            messages.success(request, "Draft saved. Sign it when it is complete.")
    except NoteLocked as exc:
        note.refresh_from_db()
        return _page(request, patient, note, status=409, error=str(exc))
    return redirect("notes:detail", patient.pk, note.pk)


@clinic_member(*CLINICIANS)
def session_note(request: ClinicRequest, patient_id: int, session_id: int) -> HttpResponse:
    """The session's note, drafted from the session the first time it is opened."""
    session = access_session(
        request.user, patient_id, session_id, request=request, what="SOAP note"
    )
    patient = session.patient
    note = note_draft(
        actor=request.user,
        session=session,
        origin=Origin.of(request),
    )
    note = SoapNote.objects.select_related(*NOTE_RELATED).get(pk=note.pk)
    if request.method == "POST":
        return _save(request, patient, note)
    return _page(request, patient, note)


@clinic_member(*CLINICIANS)
def detail(request: ClinicRequest, patient_id: int, note_id: int) -> HttpResponse:
    note = access_note(request.user, patient_id, note_id, request=request)
    patient = note.patient
    if request.method == "POST":
        return _save(request, patient, note)
    return _page(request, patient, note)


def _confirm(request: ClinicRequest, patient: Patient, note: SoapNote) -> HttpResponse:
    """The note once more, read-only, with "Sign and lock": the step before signing."""
    text = current_text(note)
    context = {
        "patient": patient,
        "note": note,
        "session": note.session,
        "sections": [{"label": SECTION_LABELS[s], "lines": _lines(text[s])} for s in SECTIONS],
        "legend": soap.ABBREVIATIONS,
    }
    return render(request, "notes/sign_confirm.html", context)


@clinic_member(*CLINICIANS)
def sign(request: ClinicRequest, patient_id: int, note_id: int) -> HttpResponse:
    """Sign in two steps: the editor's text is saved and shown once more; "Sign and lock"
    (``confirm``) then signs exactly that text."""
    note = access_note(request.user, patient_id, note_id, request=request)
    patient = note.patient
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    actor: User = request.user
    text = _posted_text(request)
    try:
        if request.POST.get("confirm") != "1":
            with transaction.atomic():  # a refusal keeps the draft as it was
                if text:
                    note = note_update(actor=actor, note=note, text=text, origin=Origin.of(request))
                if not note.session.is_finished or note.is_empty:
                    raise NoteRefused(
                        f"Session {note.session.number} is still in progress: finish it "
                        "before signing its note, so the note records the whole session."
                        if not note.session.is_finished
                        else "An empty note cannot be signed: write at least one section first."
                    )
            return _confirm(request, patient, note)
        note_sign(actor=actor, note=note, origin=Origin.of(request))
    except NoteLocked as exc:
        note.refresh_from_db()
        return _page(request, patient, note, status=409, error=str(exc))
    except NoteRefused as exc:
        note.refresh_from_db()
        return _page(request, patient, note, status=400, error=str(exc), editing=text)
    messages.success(request, "Note signed. It is locked now: corrections are amendments.")
    return redirect("notes:detail", patient.pk, note.pk)


@clinic_member(*CLINICIANS)
def amend(request: ClinicRequest, patient_id: int, note_id: int) -> HttpResponse:
    note = access_note(request.user, patient_id, note_id, request=request)
    patient = note.patient
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        amendment = note_amend(
            actor=request.user,
            note=note,
            reason=request.POST.get("reason", ""),
            text=_posted_text(request),
            origin=Origin.of(request),
        )
    except NoteRefused as exc:
        posted: dict[str, Any] = {"reason": request.POST.get("reason", ""), **_posted_text(request)}
        return _page(request, patient, note, status=400, error=str(exc), amending=posted)
    url = reverse("notes:detail", args=[patient.pk, note.pk])
    messages.success(request, "Amendment added under the original note.")
    return redirect(f"{url}#amendment-{amendment.pk}")


@clinic_member(*CLINICIANS)
def pdf(request: ClinicRequest, patient_id: int, note_id: int) -> HttpResponse:
    """The note as a PDF (a draft's marked "Draft — not signed")."""
    note = access_note(request.user, patient_id, note_id, request=request)
    document = note_pdf(note)
    note_print_record(actor=request.user, note=note, origin=Origin.of(request))
    return pdf_response(document, pdf_filename(note))
