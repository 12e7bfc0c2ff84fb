"""Screening pages: edit the health checks and re-screen, record a clearance, the referral
letter, and the clearance document (served only to the clinic's clinicians)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.intake.models import Intake
from myomap.patients.access import access_patient
from myomap.patients.models import Patient
from myomap.reports.pdf import pdf_response, render_pdf
from myomap.screening.forms import ClearanceForm, health_checks_form
from myomap.screening.models import Clearance, Screening
from myomap.screening.selectors import screening_view
from myomap.screening.services import (
    ScreeningError,
    clearance_record,
    screening_answers_edit,
    screening_rerun,
)

CLINICIANS = (Role.OWNER, Role.THERAPIST)


def _patient(request: HttpRequest, patient_id: int, what: str) -> Patient:
    return access_patient(
        request.user,  # type: ignore[arg-type]
        patient_id,
        request=request,
        clinical=True,
        what=what,
    )


@clinic_member(*CLINICIANS)
def health_checks_edit(request: HttpRequest, patient_id: int, intake_id: int) -> HttpResponse:
    """The therapist corrects or completes the intake's health checks; saving re-screens."""
    patient = _patient(request, patient_id, "health checks")
    intake = get_object_or_404(Intake, pk=intake_id, patient=patient)
    if not intake.is_submitted:
        return redirect("intake:section", patient.pk, intake.pk, "screening")
    form_class = health_checks_form()
    if request.method == "POST":
        form = form_class(data=request.POST)
        if form.is_valid():
            try:
                screening_answers_edit(
                    actor=request.user,  # type: ignore[arg-type]
                    intake=intake,
                    data=request.POST,
                    origin=Origin.of(request),
                )
            except ValidationError:
                pass
            else:
                messages.success(request, "Health checks saved and the client re-screened.")
                return redirect("patients:detail", patient.pk)
        context = {"patient": patient, "intake": intake, "form": form}
        return render(request, "screening/health_checks.html", context, status=400)
    form = form_class(initial=intake.answers.get("screening", {}))
    context = {"patient": patient, "intake": intake, "form": form}
    return render(request, "screening/health_checks.html", context)


@clinic_member(*CLINICIANS)
def rescreen(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id, "screening")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        screening_rerun(actor=request.user, patient=patient, origin=Origin.of(request))  # type: ignore[arg-type]
    except ScreeningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The client was screened again with the latest answers.")
    return redirect("patients:detail", patient.pk)


@clinic_member(*CLINICIANS)
def clearance_new(request: HttpRequest, patient_id: int, screening_id: int) -> HttpResponse:
    patient = _patient(request, patient_id, "screening")
    screening = get_object_or_404(Screening, pk=screening_id, patient=patient)
    context = {"patient": patient, **screening_view(screening)}
    if not screening.requires_clearance:
        messages.error(request, "This screening did not ask for a referral; nothing to clear.")
        return redirect("patients:detail", patient.pk)
    if request.method == "POST":
        form = ClearanceForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            clearance_record(
                actor=request.user,  # type: ignore[arg-type]
                screening=screening,
                cleared_by=data["cleared_by"],
                cleared_on=data["cleared_on"],
                note=data["note"],
                document=data["document"],
                origin=Origin.of(request),
            )
            messages.success(
                request, f"Clearance by {data['cleared_by']} recorded. Treatment is allowed."
            )
            return redirect("patients:detail", patient.pk)
        return render(
            request, "screening/clearance_form.html", {**context, "form": form}, status=400
        )
    initial = {"cleared_by": patient.physician_name, "cleared_on": timezone.localdate()}
    form = ClearanceForm(initial=initial)
    return render(request, "screening/clearance_form.html", {**context, "form": form})


@clinic_member(*CLINICIANS)
def clearance_document(request: HttpRequest, patient_id: int, clearance_id: int) -> HttpResponse:
    patient = _patient(request, patient_id, "clearance document")
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
def referral_letter(request: HttpRequest, patient_id: int, screening_id: int) -> HttpResponse:
    patient = _patient(request, patient_id, "referral letter")
    screening = get_object_or_404(Screening, pk=screening_id, patient=patient)
    view = screening_view(screening)
    if not view["findings"]:
        messages.error(request, "This screening found nothing to refer; there is no letter.")
        return redirect("patients:detail", patient.pk)
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
            actor=request.user,  # type: ignore[arg-type]
            patient=patient,
            obj=screening,
            summary=f"Printed a referral letter to {to} about the screening's findings",
            origin=Origin.of(request),
        )
    filename = f"referral-{patient.last_name.lower()}-{today:%Y%m%d}.pdf"
    return pdf_response(pdf, filename)
