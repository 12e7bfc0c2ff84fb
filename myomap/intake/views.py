"""The therapist's intake pages, body-map recording and private-link management."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from myomap import bodymap
from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest
from myomap.intake.access import access_intake
from myomap.intake.flow import Flow, answers_for_display, first_open_section, section_page
from myomap.intake.models import Intake, IntakeLink
from myomap.intake.selectors import latest_submitted_intake, places_named, worse_with
from myomap.intake.services import (
    intake_link_create,
    intake_link_revoke,
    intake_start,
    pain_map_record,
)
from myomap.knowledge.candidates import candidates_for
from myomap.patients.access import access_patient
from myomap_core.pain import pain_marks

CLINICIANS = (Role.OWNER, Role.THERAPIST)


def _flow(request: ClinicRequest, intake: Intake) -> Flow:
    return Flow(
        intake=intake,
        actor=request.user,
        section_url=lambda slug: reverse(
            "intake:section", args=[intake.patient_id, intake.pk, slug]
        ),
        done_url=reverse("intake:detail", args=[intake.patient_id, intake.pk]),
        frame="base.html",
        for_client=False,
    )


@clinic_member(*CLINICIANS)
def intake_new(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, request=request, clinical=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if patient.is_archived:
        messages.error(request, "Restore the client from the archive before starting an intake.")
        return redirect("chart:client", patient.pk)
    intake = intake_start(actor=request.user, patient=patient, origin=Origin.of(request))
    return redirect("intake:section", patient.pk, intake.pk, "complaint")


@clinic_member(*CLINICIANS)
def intake_section(
    request: ClinicRequest, patient_id: int, intake_id: int, slug: str
) -> HttpResponse:
    intake = access_intake(request.user, patient_id, intake_id, request=request)
    return section_page(request, _flow(request, intake), slug)


@clinic_member(*CLINICIANS)
def intake_detail(request: ClinicRequest, patient_id: int, intake_id: int) -> HttpResponse:
    intake = access_intake(request.user, patient_id, intake_id, request=request)
    if not intake.is_submitted:
        return redirect("intake:section", patient_id, intake.pk, first_open_section(intake))
    marks = bodymap.marks_of(getattr(intake, "pain_map", None))
    context = {
        "patient": intake.patient,
        "intake": intake,
        "sections": answers_for_display(intake),
        "chart": bodymap.chart(marks),
        "candidates": candidates_for(pain_marks(marks), worse_with(intake)),
        "marks": [
            {"label": bodymap.region_label(r), "intensity": i, "quality": q} for r, i, q in marks
        ],
        "unmarked_places": [
            p for p in places_named(intake, (r for r, _, _ in marks)) if not p.marked
        ],
    }
    return render(request, "intake/detail.html", context)


@clinic_member()
def link_create(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if patient.is_archived:
        messages.error(
            request, "Restore the client from the archive before sending an intake link."
        )
        return redirect("chart:client", patient.pk)
    send_to = request.POST.get("email", "").strip() if request.POST.get("send") else ""
    if send_to:
        try:
            validate_email(send_to)
        except ValidationError:
            # Checked before the link exists: a refused address leaves nothing behind.
            return render(
                request,
                "intake/link_refused.html",
                {"patient": patient, "field": "email", "value": send_to},
                status=400,
            )
    link, token = intake_link_create(
        actor=request.user,
        patient=patient,
        sent_to=send_to,
        origin=Origin.of(request),
    )
    url = request.build_absolute_uri(reverse("portal:intake", args=[token]))
    if send_to:
        send_mail(
            subject=f"Your intake form for {patient.clinic.name}",
            message=(
                f"Hello {patient.preferred_name or patient.first_name},\n\n"
                f"Please fill in your intake form before your visit:\n{url}\n\n"
                "The link is private to you and works for 7 days. You can stop and come back to "
                f"it at any time.\n\n{patient.clinic.name}"
            ),
            from_email=None,
            recipient_list=[send_to],
        )
        messages.success(request, f"The intake link was emailed to {send_to}.")
    return render(
        request, "intake/link_created.html", {"patient": patient, "link": link, "url": url}
    )


@clinic_member()
def link_revoke(request: ClinicRequest, patient_id: int, link_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    link = get_object_or_404(
        IntakeLink.objects.select_related("private__patient", "private__clinic", "intake"),
        pk=link_id,
        private__patient=patient,
    )
    intake_link_revoke(actor=request.user, link=link, origin=Origin.of(request))
    messages.success(request, "The link was revoked; it no longer opens the form.")
    return redirect("chart:client", patient.pk)


@clinic_member(*CLINICIANS)
def pain_map_new(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(
        request.user, patient_id, request=request, clinical=True, what="pain map"
    )
    if patient.is_archived:
        raise Http404("Archived clients cannot be changed.")
    if request.method == "POST":
        marks, errors = bodymap.parse_marks(request.POST)
        if not marks and not errors:
            errors = {"": "Mark at least one painful region before saving."}
        if not errors:
            pain_map_record(
                actor=request.user,
                patient=patient,
                marks=marks,
                note=request.POST.get("note", ""),
                origin=Origin.of(request),
            )
            messages.success(request, "Pain map saved.")
            return redirect("chart:client", patient.pk)
        context = {
            "patient": patient,
            "chart": bodymap.chart(bodymap.marks_from_post(request.POST)),
            "map_errors": sorted(errors.values()),
            "qualities": bodymap.QUALITIES,
        }
        return render(request, "intake/painmap_new.html", context, status=400)
    context = {
        "patient": patient,
        "chart": bodymap.chart(),
        "qualities": bodymap.QUALITIES,
        "named_places": places_named(latest_submitted_intake(patient)),
    }
    return render(request, "intake/painmap_new.html", context)
