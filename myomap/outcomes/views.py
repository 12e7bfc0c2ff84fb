"""Pages of the outcomes app: recording, progress, private links, the dashboard, the report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.contrib import messages
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db import transaction
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from myomap.assessments.page import ppt_unit
from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.common.request import ClinicRequest
from myomap.outcomes import report, selectors
from myomap.outcomes.findings import findings_of
from myomap.outcomes.forms import (
    ItemsForm,
    LinkForm,
    Screen,
    SessionNumberForm,
    initial_from,
    screens,
)
from myomap.outcomes.models import OutcomeResponse, ProgressStanding, QuestionnaireLink
from myomap.outcomes.services import (
    carried_activities,
    latest_session_number,
    link_create,
    link_revoke,
    next_session_number,
    response_record,
    score_text,
)
from myomap.outcomes.standing import DUE_AFTER_DAYS
from myomap.patients.access import access_patient
from myomap.reports.pdf import pdf_response
from myomap.reports.pdf_cache import cached_pdf
from myomap.screening.selectors import held_clients
from myomap_core import outcomes as core
from myomap_core.errors import DomainError

CLINICIANS = (Role.OWNER, Role.THERAPIST)
REPORT_FOLDER = "report-pdfs"
"""Where progress reports are kept by content (``myomap.reports.pdf_cache``)."""


def _spec(slug: str) -> core.Instrument:
    try:
        return core.instrument(slug)
    except DomainError:
        raise Http404("No such questionnaire.") from None


def _attach_error(form: ItemsForm, exc: DomainError) -> None:
    """Put the core's error on the item it names, or at the top of the form."""
    if exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    else:
        form.add_error(None, exc.message)


@clinic_member(*CLINICIANS)
def progress_page(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(
        request.user, patient_id, request=request, clinical=True, what="outcome measures"
    )
    context = {
        "patient": patient,
        "progress": selectors.progress_of(patient),
        "findings": findings_of(patient, unit=ppt_unit(request)),
        "instruments": core.instruments(),
        "links": selectors.open_links(patient),
        "link_form": LinkForm(
            initial={
                "instruments": [str(core.InstrumentId.NPRS), str(core.InstrumentId.ODI)],
                "session_number": latest_session_number(patient),
                "email": patient.email,
            }
        ),
    }
    return render(request, "outcomes/progress.html", context)


@clinic_member(*CLINICIANS)
def record(request: ClinicRequest, patient_id: int, slug: str) -> HttpResponse:
    """The therapist fills a questionnaire with the client (the whole form; sections on phones)."""
    patient = access_patient(
        request.user, patient_id, request=request, clinical=True, what="outcome measures"
    )
    spec = _spec(slug)
    if patient.is_archived:
        messages.error(request, "Restore the client from the archive before recording outcomes.")
        return redirect("chart:client", patient.pk)
    parts = screens(spec)
    context: dict[str, Any] = {"patient": patient, "spec": spec}
    if request.method != "POST":
        initial = (
            initial_from(carried_activities(patient), spec.items)
            if spec.id == core.InstrumentId.PSFS
            else {}
        )
        context["form"] = ItemsForm(items=spec.items, initial=initial)
        context["session_form"] = SessionNumberForm(
            initial={"session_number": next_session_number(patient)}
        )
        context["parts"] = _parts(context["form"], parts)
        return render(request, "outcomes/record.html", context)
    form = ItemsForm(request.POST, items=spec.items)
    session_form = SessionNumberForm(request.POST)
    context.update(form=form, session_form=session_form)
    if form.is_valid() and session_form.is_valid():
        try:
            response = response_record(
                actor=request.user,
                patient=patient,
                instrument=spec.id,
                answers=form.answers(),
                session_number=session_form.cleaned_data["session_number"],
                origin=Origin.of(request),
            )
        except DomainError as exc:
            _attach_error(form, exc)
        else:
            messages.success(
                request,
                f"{spec.short_name} recorded: "
                f"{score_text(response.instrument, response.score_display, response.band)}.",
            )
            return redirect("chart:client", patient.pk)
    context["parts"] = _parts(form, parts)
    return render(request, "outcomes/record.html", context, status=400)


def _parts(form: ItemsForm, parts: list[Screen]) -> list[dict[str, Any]]:
    return [{"screen": s, "rows": form.rows(s.items)} for s in parts]


@clinic_member(*CLINICIANS)
def response_detail(request: ClinicRequest, patient_id: int, response_id: int) -> HttpResponse:
    patient = access_patient(
        request.user, patient_id, request=request, clinical=True, what="an outcome questionnaire"
    )
    response = get_object_or_404(OutcomeResponse, pk=response_id, patient=patient)
    spec = core.instrument(response.instrument)
    rows = []
    for item in spec.items:
        value = response.answers.get(item.id)
        if item.kind == "tick":
            answer = "Yes" if value else "No"
        elif value is None:
            answer = "Skipped"
        else:
            answer = {o.value: o.text for o in item.options}.get(value, str(value))
        rows.append(
            {"item": item, "answer": answer, "skipped": value is None and item.kind != "tick"}
        )
    context = {
        "patient": patient,
        "response": response,
        "spec": spec,
        "rows": rows,
        "text": score_text(response.instrument, response.score_display, response.band),
    }
    return render(request, "outcomes/response.html", context)


@clinic_member(*CLINICIANS)
def link_new(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(
        request.user, patient_id, request=request, clinical=True, what="outcome measures"
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if patient.is_archived:
        messages.error(request, "Restore the client from the archive before sending a link.")
        return redirect("chart:client", patient.pk)
    form = LinkForm(request.POST)
    if not form.is_valid():
        context = {
            "patient": patient,
            "progress": selectors.progress_of(patient),
            "findings": findings_of(patient, unit=ppt_unit(request)),
            "instruments": core.instruments(),
            "links": selectors.open_links(patient),
            "link_form": form,
        }
        return render(request, "outcomes/progress.html", context, status=400)
    send_to = form.cleaned_data["email"] if request.POST.get("send") else ""
    link, token = link_create(
        actor=request.user,
        patient=patient,
        instruments=form.cleaned_data["instruments"],
        session_number=form.cleaned_data["session_number"],
        sent_to=send_to,
        origin=Origin.of(request),
    )
    url = request.build_absolute_uri(reverse("portal:questionnaire", args=[token]))
    if send_to:
        send_mail(
            subject=f"Your questionnaire from {patient.clinic.name}",
            message=(
                f"Hello {patient.preferred_name or patient.first_name},\n\n"
                f"Please answer a few short questions about your pain and daily activities:\n"
                f"{url}\n\nThe link is private to you and works for 7 days. You can stop and come "
                f"back to it at any time.\n\n{patient.clinic.name}"
            ),
            from_email=None,
            recipient_list=[send_to],
        )
        messages.success(request, f"The questionnaire link was emailed to {send_to}.")
    names = [core.instrument(i).name for i in link.instruments]
    return render(
        request,
        "outcomes/link_created.html",
        {"patient": patient, "link": link, "url": url, "names": names},
    )


@clinic_member(*CLINICIANS)
def link_revoke_view(
    request: ClinicRequest, patient_id: int, questionnaire_link_id: int
) -> HttpResponse:
    patient = access_patient(
        request.user, patient_id, request=request, clinical=True, what="outcome measures"
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    link = get_object_or_404(
        QuestionnaireLink.objects.select_related("private__patient", "private__clinic"),
        pk=questionnaire_link_id,
        private__patient=patient,
    )
    link_revoke(actor=request.user, link=link, origin=Origin.of(request))
    messages.success(request, "The questionnaire link was revoked; it no longer opens.")
    return redirect("outcomes:progress", patient.pk)


@clinic_member(*CLINICIANS)
def report_pdf(request: ClinicRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(
        request.user, patient_id, request=request, clinical=True, what="progress report"
    )
    context = report.report_context(
        patient,
        author=request.user,
        ppt_unit=ppt_unit(request),
    )
    pdf = cached_pdf(
        kept_in=REPORT_FOLDER,
        document=f"progress-{patient.pk}",
        template_name="outcomes/report.html",
        context=context,
        request=request,
    )
    with transaction.atomic():
        audit_record(
            action=AuditAction.EXPORT,
            clinic=patient.clinic,
            actor=request.user,
            patient=patient,
            obj=patient,
            summary=f"Printed the progress report of {patient.full_name}",
            origin=Origin.of(request),
        )
    name = f"progress-report-{patient.last_name.lower()}-{timezone.localdate():%Y-%m-%d}.pdf"
    return pdf_response(pdf, name.replace(" ", "-").replace("'", ""))


GROUP_WORDS = {
    "worsening": (
        "Worsening",
        "Worse than the baseline by a clinically important amount: reassess first.",
        True,
    ),
    "not_on_track": (
        "Not on track",
        "No important improvement after three or more sessions; flagged clients need a plan "
        "review or referral by session 5.",
        True,
    ),
    "due": (
        "Due for questionnaires",
        f"No questionnaire in the last {DUE_AFTER_DAYS} days (or since the reassessment "
        "interval of clients in maintenance), or none yet.",
        False,
    ),
    "maintenance": (
        "Ready for maintenance",
        "Sustained important improvement: propose maintenance care and a reassessment date.",
        False,
    ),
}
"""Each group's title, what puts a client in it, and whether it asks for action first."""


@clinic_member(*CLINICIANS)
def dashboard(request: ClinicRequest) -> HttpResponse:
    """Every group with its first clients; ``?group=<key>`` shows one group whole, paged."""
    clinic = request.clinic
    held = held_clients(clinic=clinic)
    emergencies = [h.patient.pk for h in held.clients if h.emergency]
    shown = request.GET.get("group", "")
    if shown and shown not in GROUP_WORDS:
        return HttpResponseBadRequest(
            f"group: no dashboard group is called {shown!r}.",
            content_type="text/plain; charset=utf-8",
        )
    now = timezone.now()
    if shown:
        members = selectors.dashboard_members(
            clinic=clinic, group=shown, now=now, leave_out=emergencies
        )
        page = Paginator(members, selectors.GROUP_PAGE).get_page(request.GET.get("page"))
        members_shown = cast("Iterable[ProgressStanding]", page.object_list)
        rows = selectors.dashboard_rows(shown, members_shown, now)
        board = {shown: selectors.DashboardGroup(shown, page.paginator.count, rows)}
    else:
        page = None
        board = selectors.dashboard(clinic=clinic, now=now, leave_out=emergencies)
    groups = [
        {
            "key": key,
            "title": GROUP_WORDS[key][0],
            "help": GROUP_WORDS[key][1],
            "warn": GROUP_WORDS[key][2],
            "count": group.count,
            "rows": group.rows,
        }
        for key, group in board.items()
    ]
    context = {"groups": groups, "held": held, "page": page, "shown": shown}
    return render(request, "outcomes/dashboard.html", context)
