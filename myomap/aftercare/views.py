"""Pages of the aftercare app: the sheet, its PDF, the home program link and the client's page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from myomap.aftercare import selectors
from myomap.aftercare.models import AftercareSheet, HomeProgramLink
from myomap.aftercare.services import (
    aftercare_for_session,
    home_link_create,
    home_link_find,
    home_link_revoke,
    home_mark_done,
    home_mark_undo,
)
from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.common.audit import Origin, audit_record
from myomap.common.links import link_opened, link_visitor
from myomap.common.models import AuditAction
from myomap.common.request import ClinicRequest
from myomap.patients.models import Patient
from myomap.reports.pdf import pdf_response, render_pdf
from myomap.sessions.access import access_session
from myomap.sessions.models import TreatmentSession
from myomap_core import home_program as program
from myomap_core.errors import DomainError

CLINICIANS = (Role.OWNER, Role.THERAPIST)


def _sheet(request: ClinicRequest, session: TreatmentSession) -> AftercareSheet | None:
    try:
        return aftercare_for_session(
            actor=request.user,
            session=session,
            origin=Origin.of(request),
        )
    except DomainError:
        return None


def _grid(sheet: AftercareSheet, today: date | None = None) -> dict[str, Any]:
    """The last days and, per item, how often it was done on each and what can be ticked."""
    days = selectors.window(sheet, today)
    counts = selectors.tick_counts(sheet, days)
    today = today or sheet.clinic.today()
    rows = []
    for item in sheet.items:
        first_day = sheet.first_day(item)
        per_day = program.dose_of(item).ticks_per_day
        cells = [
            {
                "day": d,
                "done": (str(item["id"]), d) in counts,
                "count": counts.get((str(item["id"]), d), 0),
                "today": d == today,
                "before_start": d < first_day,
            }
            for d in days
        ]
        done_today = counts.get((str(item["id"]), today), 0)
        rows.append(
            {
                "item": item,
                "cells": cells,
                "done_today": done_today > 0,
                "count_today": done_today,
                "per_day": per_day,
                "more_today": first_day <= today and done_today < per_day,
                "first_day": first_day,
                "starts_later": first_day > today,
                "days_done": sum(1 for c in cells if c["done"]),
            }
        )
    return {"days": days, "rows": rows, "today": today}


def _sheet_context(
    patient: Patient, session: TreatmentSession, sheet: AftercareSheet
) -> dict[str, Any]:
    return {
        "patient": patient,
        "session": session,
        "sheet": sheet,
        "c": sheet.content,
        "clinic": patient.clinic,
        "self_compression_left_out": any(
            not care["self_compression"] for care in sheet.content.get("self_care", [])
        ),
    }


@clinic_member(*CLINICIANS)
def sheet_page(request: ClinicRequest, patient_id: int, session_id: int) -> HttpResponse:
    session = access_session(
        request.user, patient_id, session_id, request=request, what="aftercare sheet"
    )
    patient = session.patient
    sheet = _sheet(request, session)
    if sheet is None:
        return render(request, "aftercare/not_ready.html", {"patient": patient, "session": session})
    context = _sheet_context(patient, session, sheet)
    context.update(
        adherence=selectors.adherence(sheet),
        grid=_grid(sheet),
        links=selectors.open_links(sheet),
    )
    return render(request, "aftercare/sheet.html", context)


@clinic_member(*CLINICIANS)
def sheet_pdf(request: ClinicRequest, patient_id: int, session_id: int) -> HttpResponse:
    session = access_session(
        request.user, patient_id, session_id, request=request, what="aftercare sheet (PDF)"
    )
    patient = session.patient
    sheet = _sheet(request, session)
    if sheet is None:
        return render(
            request,
            "aftercare/not_ready.html",
            {"patient": patient, "session": session},
            status=409,
        )
    pdf = render_pdf("aftercare/pdf.html", _sheet_context(patient, session, sheet), request)
    with transaction.atomic():
        audit_record(
            action=AuditAction.EXPORT,
            clinic=patient.clinic,
            actor=request.user,
            patient=patient,
            obj=sheet,
            summary=f"Printed the aftercare sheet of session {session.number}",
            origin=Origin.of(request),
        )
    return pdf_response(pdf, f"aftercare-session-{session.number}.pdf")


@clinic_member(*CLINICIANS)
def link_create(request: ClinicRequest, patient_id: int, session_id: int) -> HttpResponse:
    session = access_session(
        request.user, patient_id, session_id, request=request, what="aftercare sheet"
    )
    patient = session.patient
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    sheet = _sheet(request, session)
    if sheet is None:
        messages.error(request, "Finish the session first.")
        return redirect("aftercare:sheet", patient.pk, session.pk)
    try:
        link, token = home_link_create(
            actor=request.user,
            sheet=sheet,
            origin=Origin.of(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message.capitalize() + ".")
        return redirect("aftercare:sheet", patient.pk, session.pk)
    url = request.build_absolute_uri(reverse("aftercare:home", args=[token]))
    return render(
        request,
        "aftercare/link_created.html",
        {"patient": patient, "session": session, "link": link, "url": url},
    )


@clinic_member(*CLINICIANS)
def link_revoke(
    request: ClinicRequest, patient_id: int, session_id: int, homecare_link_id: int
) -> HttpResponse:
    session = access_session(
        request.user, patient_id, session_id, request=request, what="aftercare sheet"
    )
    patient = session.patient
    link = get_object_or_404(
        HomeProgramLink, pk=homecare_link_id, patient=patient, sheet__session=session
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    home_link_revoke(actor=request.user, link=link, origin=Origin.of(request))
    messages.success(request, "The home program link was revoked; it no longer opens.")
    return redirect("aftercare:sheet", patient.pk, session.pk)


# The client's private link -------------------------------------------------------------------


def _unavailable(request: HttpRequest) -> HttpResponse:
    # The same page for unknown, expired and revoked links alike.
    return render(request, "aftercare/home_unavailable.html", status=404)


def _parse_mark(value: str) -> tuple[date, bool] | None:
    day_text, _, done = value.partition("|")
    try:
        return date.fromisoformat(day_text), done == "1"
    except ValueError:
        return None


@never_cache
def home(request: HttpRequest, token: str) -> HttpResponse:
    link = home_link_find(token)
    if link is None:
        return _unavailable(request)
    actor = link_visitor(request, link)
    sheet = link.sheet
    error = ""
    if request.method == "POST":
        item_id = request.POST.get("item", "")
        parsed = _parse_mark(request.POST.get("mark", ""))
        try:
            if parsed is None:
                raise DomainError("choose a day", field="day")
            day, done = parsed
            if done:
                home_mark_done(
                    sheet=sheet,
                    item_id=item_id,
                    day=day,
                    link=link,
                    actor=actor,
                    origin=Origin.of(request),
                )
            else:
                home_mark_undo(
                    sheet=sheet, item_id=item_id, day=day, actor=actor, origin=Origin.of(request)
                )
        except DomainError as exc:
            error = exc.message[:1].upper() + exc.message[1:] + "."
        else:
            return redirect(reverse("aftercare:home", args=[token]) + f"#item-{item_id}")
    else:
        link_opened(link, request=request, obj=link, what="the home program link", actor=actor)
    context = {
        "link": link,
        "clinic": link.clinic,
        "patient": link.patient,
        "session": sheet.session,
        "sheet": sheet,
        "c": sheet.content,
        "grid": _grid(sheet),
        "adherence": selectors.adherence(sheet),
        "error": error,
    }
    return render(request, "aftercare/home.html", context, status=400 if error else 200)
