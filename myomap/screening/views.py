"""Screening pages: edit the health checks and re-screen, record a clearance, the referral
letter, and the clearance document (served only to the clinic's clinicians)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.common.request import ClinicRequest
from myomap.patients.access import access_patient
from myomap.patients.models import Patient
from myomap.reports.pdf import pdf_response, render_pdf
from myomap.screening.forms import ClearanceForm, health_checks_form
from myomap.screening.gate import health_checks_of, treatment_gate
from myomap.screening.models import Clearance, Screening
from myomap.screening.selectors import screening_view
from myomap.screening.services import (
    ScreeningError,
    clearance_record,
    screening_answers_save,
    screening_rerun,
)

CLINICIANS = (Role.OWNER, Role.THERAPIST)


def _next_url(request: HttpRequest, patient: Patient) -> str:
    """Where to go once treatment is allowed: a page of this client, else the client page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    prefix = reverse("chart:client", args=[patient.pk])
    safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
    return wanted if safe and wanted.startswith(prefix) else prefix


@clinic_member(*CLINICIANS)
def screen_now(request: ClinicRequest, patient_id: int) -> HttpResponse:
    """Why treatment waits, and the way forward: the health checks asked with the client in
    the room (saving screens at once), the clearance, or the emergency instructions."""
    patient = access_patient(
        request.user, patient_id, request=request, clinical=True, what="health checks"
    )
    form_class = health_checks_form()
    status = 200
    if request.method == "POST":
        form = form_class(data=request.POST)
        if form.is_valid():
            try:
                screening_answers_save(
                    actor=request.user,
                    patient=patient,
                    data=request.POST,
                    origin=Origin.of(request),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                gate = treatment_gate(patient)
                if gate.allowed:
                    messages.success(request, f"Health checks saved. {gate.reason}")
                    return redirect(_next_url(request, patient))
                messages.warning(request, "Health checks saved and screened.")
                return redirect(
                    reverse("screening:now", args=[patient.pk])
                    + f"?{urlencode({'next': _next_url(request, patient)})}"
                )
        status = 400
    else:
        _, stored = health_checks_of(patient)
        form = form_class(initial=stored)
    gate = treatment_gate(patient)
    context = {
        "patient": patient,
        "form": form,
        "gate": gate,
        "next": _next_url(request, patient),
        **(screening_view(gate.screening) if gate.screening is not None else {}),
    }
    return render(request, "screening/screen_now.html", context, status=status)


@clinic_member(*CLINICIANS)
def rescreen(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(
        request.user, patient_id, request=request, clinical=True, what="screening"
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        screening_rerun(actor=request.user, patient=patient, origin=Origin.of(request))
    except ScreeningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The client was screened again with the latest answers.")
    return redirect("chart:client", patient.pk)


@clinic_member(*CLINICIANS)
def clearance_new(request: ClinicRequest, patient_id: int, screening_id: int) -> HttpResponse:
    patient = access_patient(
        request.user, patient_id, request=request, clinical=True, what="screening"
    )
    screening = get_object_or_404(Screening, pk=screening_id, patient=patient)
    context = {"patient": patient, **screening_view(screening)}
    if not screening.requires_clearance:
        messages.error(request, "This screening did not ask for a referral; nothing to clear.")
        return redirect("chart:client", patient.pk)
    if screening.is_emergency:
        messages.error(
            request,
            "An emergency cannot be cleared: once the client has had emergency care, screen "
            "again with them; only a new screening can lift it.",
        )
        return redirect("screening:now", patient.pk)
    if request.method == "POST":
        form = ClearanceForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            clearance_record(
                actor=request.user,
                screening=screening,
                cleared_by=data["cleared_by"],
                cleared_on=data["cleared_on"],
                note=data["note"],
                document=data["document"],
                attested=data["attested"],
                origin=Origin.of(request),
            )
            messages.success(
                request, f"Clearance by {data['cleared_by']} recorded. Treatment is allowed."
            )
            return redirect("chart:client", patient.pk)
        return render(
            request, "screening/clearance_form.html", {**context, "form": form}, status=400
        )
    initial = {"cleared_by": patient.physician_name, "cleared_on": timezone.localdate()}
    form = ClearanceForm(initial=initial)
    return render(request, "screening/clearance_form.html", {**context, "form": form})


@clinic_member(*CLINICIANS)
def clearance_document(
    request: ClinicRequest, patient_id: int, clearance_id: int
) -> HttpResponseBase:
    patient = access_patient(
        request.user, patient_id, request=request, clinical=True, what="clearance document"
    )
    clearance = get_object_or_404(Clearance, pk=clearance_id, patient=patient)
    if not clearance.document:
        return render(request, "404.html", status=404)
    response = FileResponse(
        clearance.document.open("rb"),
        content_type=clearance.document_type or "application/octet-stream",
        as_attachment=clearance.document_type not in ("application/pdf", "image/jpeg", "image/png"),
        filename=clearance.document_name or "clearance",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@clinic_member(*CLINICIANS)
def referral_letter(request: ClinicRequest, patient_id: int, screening_id: int) -> HttpResponse:
    patient = access_patient(
        request.user, patient_id, request=request, clinical=True, what="referral letter"
    )
    screening = get_object_or_404(Screening, pk=screening_id, patient=patient)
    view = screening_view(screening)
    if not view["findings"]:
        messages.error(request, "This screening found nothing to refer; there is no letter.")
        return redirect("chart:client", patient.pk)
    today = timezone.localdate()
    context = {
        **view,
        "patient": patient,
        "clinic": patient.clinic,
        "therapist": request.user,
        "today": today,
        "referral": view["decision"].requires_clearance,
        "asks": [f for f in view["findings"] if f.ask_physician],
    }
    pdf = render_pdf("screening/letter.html", context, request)
    with transaction.atomic():
        to = patient.physician_name or "the client's physician"
        audit_record(
            action=AuditAction.EXPORT,
            clinic=patient.clinic,
            actor=request.user,
            patient=patient,
            obj=screening,
            summary=f"Printed a referral letter to {to} about the screening's findings",
            origin=Origin.of(request),
        )
    filename = f"referral-{patient.last_name.lower()}-{today:%Y%m%d}.pdf"
    return pdf_response(pdf, filename)
