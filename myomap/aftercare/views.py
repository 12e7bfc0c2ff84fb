"""Pages of the aftercare app: the sheet, its PDF and the home program link (the client's own page
is the portal's)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from myomap.aftercare import selectors
from myomap.aftercare.models import AftercareSheet, HomeProgramLink
from myomap.aftercare.services import (
    aftercare_for_session,
    home_link_create,
    home_link_revoke,
)
from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.common.request import ClinicRequest
from myomap.patients.models import Patient
from myomap.reports.pdf import pdf_response, render_pdf
from myomap.sessions.access import access_session
from myomap.sessions.models import TreatmentSession
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
        grid=selectors.program_grid(sheet),
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
    url = request.build_absolute_uri(reverse("portal:home_program", args=[token]))
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
        HomeProgramLink.objects.select_related("private__patient", "private__clinic"),
        pk=homecare_link_id,
        private__patient=patient,
        sheet__session=session,
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    home_link_revoke(actor=request.user, link=link, origin=Origin.of(request))
    messages.success(request, "The home program link was revoked; it no longer opens.")
    return redirect("aftercare:sheet", patient.pk, session.pk)
