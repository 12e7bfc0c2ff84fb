"""Pages of the assessments app: the assessment page, photos and the landmark editor,
examination, palpation taps and the five elements. Thin: services write, selectors read."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from myomap.assessments import selectors
from myomap.assessments.access import access_assessment, access_finding, access_photo
from myomap.assessments.forms import (
    CATEGORIES,
    ExamForm,
    LandmarkForm,
    OverrideForm,
    PhotoForm,
    PptForm,
)
from myomap.assessments.images import PhotoRejected
from myomap.assessments.models import Assessment, PosturePhoto
from myomap.assessments.page import (
    PPT_SESSION_KEY,
    page_context,
    tap_context,
)
from myomap.assessments.services import (
    PPT_UNITS,
    assessment_start,
    element_override_clear,
    element_override_set,
    exam_results_save,
    landmarks_for,
    palpation_finding_add,
    palpation_finding_remove,
    palpation_ppt_save,
    palpation_tap,
    photo_add,
    photo_landmarks_save,
)
from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest
from myomap.patients.access import access_patient
from myomap_core.elements import Element
from myomap_core.errors import DomainError
from myomap_core.posture import analysis_json

CLINICIANS = (Role.OWNER, Role.THERAPIST)


def _page_url(assessment: Assessment, anchor: str = "") -> str:
    url = reverse("assessments:detail", args=[assessment.patient_id, assessment.pk])
    return f"{url}#{anchor}" if anchor else url


def _error_text(exc: ValidationError | DomainError) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    return "; ".join(exc.messages)


# --- Assessment --------------------------------------------------------------------------


@clinic_member(*CLINICIANS)
def assessment_new(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, request=request, clinical=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if patient.is_archived:
        messages.error(request, "Restore the client from the archive before assessing.")
        return redirect("chart:client", patient.pk)
    assessment = assessment_start(
        actor=request.user,
        patient=patient,
        origin=Origin.of(request),
    )
    return redirect("assessments:detail", patient.pk, assessment.pk)


@clinic_member(*CLINICIANS)
def assessment_detail(request: ClinicRequest, patient_id: int, assessment_id: int) -> HttpResponse:
    assessment = access_assessment(request.user, patient_id, assessment_id, request=request)
    context = page_context(request, assessment)
    if request.htmx and "q" in request.GET:
        return render(request, "assessments/_muscle_results.html", context)
    return render(request, "assessments/detail.html", context)


# --- Photos and landmarks ----------------------------------------------------------------


@clinic_member(*CLINICIANS)
def photo_upload(request: ClinicRequest, patient_id: int, assessment_id: int) -> HttpResponse:
    assessment = access_assessment(
        request.user, patient_id, assessment_id, request=request, what="posture photos"
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            photo = photo_add(
                actor=request.user,
                assessment=assessment,
                view=form.cleaned_data["view"],
                upload=form.cleaned_data["image"],
                origin=Origin.of(request),
            )
        except PhotoRejected as exc:
            form.add_error("image", str(exc))
        else:
            messages.success(
                request,
                f"{photo.get_view_display()} photo added, without its metadata. "
                "Place the landmarks now.",
            )
            return redirect("assessments:photo", patient_id, assessment.pk, photo.pk)
    context = page_context(request, assessment, photo_form=form)
    return render(request, "assessments/detail.html", context, status=400)


@clinic_member(*CLINICIANS)
def photo_image(
    request: ClinicRequest, patient_id: int, assessment_id: int, photo_id: int
) -> HttpResponseBase:
    """The photo's bytes, only after the access check; never cached by shared caches."""
    photo = access_photo(request.user, patient_id, assessment_id, photo_id, request=request)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404("The photo file is missing.") from None
    content_type = "image/png" if (photo.image.name or "").endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


def _editor_context(photo: PosturePhoto, form: LandmarkForm) -> dict[str, Any]:
    analysis = selectors.posture_analysis(photo)
    marks = [
        {
            "id": lm.value,
            "label": lm.label,
            "x": form[f"x_{lm.value}"],
            "y": form[f"y_{lm.value}"],
            "placed": lm.value in photo.landmarks,
        }
        for lm in landmarks_for(photo.view)
    ]
    return {
        "photo": photo,
        "assessment": photo.assessment,
        "patient": photo.assessment.patient,
        "form": form,
        "marks": marks,
        "analysis": analysis,
        "overlay": selectors.overlay(photo, analysis),
        "landmarks_json": json.dumps(
            [{"id": lm.value, "label": lm.label} for lm in landmarks_for(photo.view)]
        ),
    }


@clinic_member(*CLINICIANS)
def photo_editor(
    request: ClinicRequest, patient_id: int, assessment_id: int, photo_id: int
) -> HttpResponse:
    """The landmark editor. POST saves the numeric form (the script posts the same form)."""
    photo = access_photo(request.user, patient_id, assessment_id, photo_id, request=request)
    by_script = request.headers.get("X-Requested-With") == "fetch"
    if request.method == "POST":
        form = LandmarkForm(request.POST, photo=photo)
        if form.is_valid():
            try:
                photo_landmarks_save(
                    actor=request.user,
                    photo=photo,
                    landmarks=form.cleaned_data["points"],
                    scale_points=form.cleaned_data["scale_points"],
                    scale_length_mm=form.cleaned_data.get("scale_mm"),
                    origin=Origin.of(request),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    name = f"x_{field}" if f"x_{field}" in form.fields else None
                    form.add_error(name, errors)
        if form.is_valid():
            photo.refresh_from_db()
            if by_script:
                context = _editor_context(
                    photo, LandmarkForm(initial=LandmarkForm.initial_for(photo), photo=photo)
                )
                return JsonResponse(
                    {
                        "saved": True,
                        "overlay": render_to_string("assessments/_overlay_lines.html", context),
                        "panel": render_to_string("assessments/_analysis.html", context),
                        "analysis": analysis_json(context["analysis"]),
                    }
                )
            messages.success(request, "Landmarks saved.")
            return redirect("assessments:photo", patient_id, assessment_id, photo.pk)
        if by_script:
            problems = {k: [str(m) for m in v] for k, v in form.errors.items()}
            return JsonResponse({"saved": False, "errors": problems}, status=400)
        return render(request, "assessments/photo.html", _editor_context(photo, form), status=400)
    form = LandmarkForm(initial=LandmarkForm.initial_for(photo), photo=photo)
    return render(request, "assessments/photo.html", _editor_context(photo, form))


# --- Examination -------------------------------------------------------------------------


@clinic_member(*CLINICIANS)
def exam_save(
    request: ClinicRequest, patient_id: int, assessment_id: int, category: str
) -> HttpResponse:
    assessment = access_assessment(
        request.user, patient_id, assessment_id, request=request, what="examination"
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if category not in CATEGORIES:
        raise Http404("No such group of tests.")
    form = ExamForm(request.POST, category=category)
    by_script = request.headers.get("X-Requested-With") == "fetch"
    if form.is_valid():
        try:
            count = exam_results_save(
                actor=request.user,
                assessment=assessment,
                entries=form.cleaned_data["entries"],
                origin=Origin.of(request),
            )
        except DomainError as exc:
            form.add_error(None, _error_text(exc))
        else:
            if by_script:
                return HttpResponse(status=204)
            if count:
                messages.success(request, f"{CATEGORIES[category]}: saved.")
            return redirect(_page_url(assessment, f"exam-{category}"))
    if by_script:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    context = page_context(request, assessment, exam_forms={category: form})
    return render(request, "assessments/detail.html", context, status=400)


# --- Palpation ---------------------------------------------------------------------------


@clinic_member(*CLINICIANS)
def palpation_add(request: ClinicRequest, patient_id: int, assessment_id: int) -> HttpResponse:
    assessment = access_assessment(
        request.user, patient_id, assessment_id, request=request, what="palpation findings"
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    side = request.POST.get("side", "")
    if side not in ("", "left", "right"):
        side = ""
    try:
        finding = palpation_finding_add(
            actor=request.user,
            assessment=assessment,
            muscle_id=request.POST.get("muscle_id", "")[:60],
            trigger_point=request.POST.get("trigger_point", "")[:60],
            side=side,
            origin=Origin.of(request),
        )
    except (DomainError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
        return redirect(_page_url(assessment, "palpation"))
    if request.htmx:
        context = page_context(request, assessment)
        context["new_finding"] = finding.pk
        return render(request, "assessments/_findings.html", context)
    return redirect(_page_url(assessment, f"finding-{finding.pk}"))


@clinic_member(*CLINICIANS)
def palpation_update(
    request: ClinicRequest, patient_id: int, assessment_id: int, finding_id: int
) -> HttpResponse:
    """One tap (``tap=...``), or the pressure pain threshold (``tap=ppt``)."""
    finding = access_finding(request.user, patient_id, assessment_id, finding_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    assessment = finding.assessment
    tap = request.POST.get("tap", "")[:80]
    ppt_errors: dict[str, list[str]] = {}
    status = 200
    try:
        if tap == "remove":
            palpation_finding_remove(
                actor=request.user,
                finding=finding,
                origin=Origin.of(request),
            )
            if request.htmx:
                return render(
                    request, "assessments/_findings.html", page_context(request, assessment)
                )
            return redirect(_page_url(assessment, "palpation"))
        if tap == "ppt":
            form = PptForm(request.POST)
            if form.is_valid():
                unit = form.cleaned_data["ppt_unit"]
                request.session[PPT_SESSION_KEY] = unit
                palpation_ppt_save(
                    actor=request.user,
                    finding=finding,
                    value=form.cleaned_data["ppt"],
                    unit=unit,
                    probe_cm2=form.cleaned_data["probe_cm2"],
                    origin=Origin.of(request),
                )
            else:
                ppt_errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
                status = 400
        else:
            palpation_tap(
                actor=request.user,
                finding=finding,
                tap=tap,
                origin=Origin.of(request),
            )
    except (DomainError, ValidationError) as exc:
        ppt_errors = {"tap": [_error_text(exc)]}
        status = 400
    finding.refresh_from_db()
    if request.htmx:
        context = tap_context(request, assessment, finding, ppt_errors)
        return render(request, "assessments/_tap_response.html", context, status=status)
    for errors in ppt_errors.values():
        for e in errors:
            messages.error(request, e)
    return redirect(_page_url(assessment, f"finding-{finding.pk}"))


@clinic_member(*CLINICIANS)
def ppt_unit_set(request: ClinicRequest, patient_id: int, assessment_id: int) -> HttpResponse:
    """Remember the therapist's pressure unit for this login."""
    assessment = access_assessment(request.user, patient_id, assessment_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    unit = request.POST.get("unit", "")
    if unit in PPT_UNITS:
        request.session[PPT_SESSION_KEY] = unit
    return redirect(_page_url(assessment, "palpation"))


# --- Five elements -----------------------------------------------------------------------


@clinic_member(*CLINICIANS)
def element_override(request: ClinicRequest, patient_id: int, assessment_id: int) -> HttpResponse:
    assessment = access_assessment(
        request.user, patient_id, assessment_id, request=request, what="five elements"
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    clear = request.POST.get("clear", "")
    if clear:
        if clear in {e.value for e in Element}:
            element_override_clear(
                actor=request.user,
                assessment=assessment,
                element=clear,
                origin=Origin.of(request),
            )
        if request.htmx:
            return render(request, "assessments/_elements.html", page_context(request, assessment))
        return redirect(_page_url(assessment, "elements"))
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            element_override_set(
                actor=request.user,
                assessment=assessment,
                element=form.cleaned_data["element"],
                rating=form.cleaned_data["rating"],
                reason=form.cleaned_data["reason"],
                origin=Origin.of(request),
            )
        except (ValidationError, DomainError) as exc:
            form.add_error("reason", _error_text(exc))
        else:
            if request.htmx:
                return render(
                    request, "assessments/_elements.html", page_context(request, assessment)
                )
            return redirect(_page_url(assessment, "elements"))
    context = page_context(request, assessment, override_form=form)
    if request.htmx:
        return render(request, "assessments/_elements.html", context, status=400)
    return render(request, "assessments/detail.html", context, status=400)
