"""The "Book the course" page: a plan's course (or a recall) proposed as concrete visits,
adjusted visit by visit and booked in one step."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from myomap.appointments.course_proposal import ProposedVisit, course_proposal
from myomap.appointments.courses import series_book, series_starts
from myomap.appointments.forms import CourseForm, local_start
from myomap.appointments.models import AppointmentType
from myomap.appointments.views import _errors
from myomap.clinics.access import clinic_member
from myomap.clinics.models import Clinic, User
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest
from myomap.patients.access import access_patient
from myomap.plans.models import Plan, PlanStatus
from myomap_core.courses import MAX_OCCURRENCES, course_rule, maintenance_rule

RECALLS = ("reassess", "maintenance")


def _type_named(clinic: Clinic, name: str) -> AppointmentType | None:
    return AppointmentType.objects.filter(clinic=clinic, name=name, active=True).first()


def _initial(request: HttpRequest, clinic: Clinic, plan: Plan | None) -> dict[str, object]:
    """The course's defaults: the plan's sessions and frequency from tomorrow at 09:00, or a
    recall (``recall=reassess&weeks=N``, ``recall=maintenance``)."""
    today = clinic.today()
    user = request.user
    first = today + timedelta(days=1)
    initial: dict[str, object] = {"date": first.isoformat(), "time": "09:00"}
    if getattr(user, "is_clinician", False):
        initial["therapist"] = user.pk
    recall = request.GET.get("recall", "")
    weeks = request.GET.get("weeks", "")
    every = int(weeks) if weeks.isdigit() and 1 <= int(weeks) <= 52 else 4
    if recall == "reassess":
        kind = _type_named(clinic, "Reassessment")
        initial.update(
            date=(today + timedelta(weeks=every)).isoformat(), rrule="FREQ=WEEKLY;COUNT=1"
        )
    elif recall == "maintenance":
        kind = _type_named(clinic, "Maintenance")
        if plan is not None and plan.maintenance_every_weeks:
            every = plan.maintenance_every_weeks
        initial.update(
            date=(today + timedelta(weeks=every)).isoformat(),
            rrule=maintenance_rule(every_weeks=every),
        )
    else:
        kind = _type_named(clinic, "Treatment")
        if plan is not None:
            sessions = min(plan.initial_sessions, MAX_OCCURRENCES)
            per_week = min(max(plan.sessions_per_week, 1), 7)
            initial["rrule"] = course_rule(sessions=sessions, per_week=per_week, first=first)
    if kind is not None:
        initial["type"] = kind.pk
    return initial


def _rows(request: HttpRequest, clinic: Clinic) -> tuple[list[datetime], list[str]]:
    """The visits the user kept, as aware starts, and the errors naming each bad row."""
    starts: list[datetime] = []
    errors: list[str] = []
    count = request.POST.get("count", "")
    total = int(count) if count.isdigit() else 0
    if not 1 <= total <= MAX_OCCURRENCES:
        return [], [f"count: {count[:10]!r} is not between 1 and {MAX_OCCURRENCES}."]
    for i in range(1, total + 1):
        if not request.POST.get(f"keep_{i}"):
            continue
        day, at = request.POST.get(f"date_{i}", ""), request.POST.get(f"time_{i}", "")
        try:
            starts.append(local_start(clinic, date.fromisoformat(day), time.fromisoformat(at)))
        except ValueError:
            errors.append(f"date_{i}: {day[:20]!r} {at[:10]!r} is not a date and a time.")
        except ValidationError as exc:
            errors += [f"time_{i}: {m}" for m in exc.messages]
    return starts, errors


def _table(
    visits: list[ProposedVisit], clinic: Clinic, posted: QueryDict | None
) -> list[dict[str, Any]]:
    """The rows of the visits table: the proposal, or what the user sent back."""
    tz = clinic.zone
    rows = []
    for v in visits:
        local = v.proposed.astimezone(tz) if v.proposed else None
        row: dict[str, Any] = {
            "visit": v,
            "date": local.date().isoformat() if local else v.wanted.date().isoformat(),
            "time": f"{local:%H:%M}" if local else f"{v.wanted:%H:%M}",
            "keep": local is not None,
        }
        if posted is not None:
            get = posted.get
            row.update(
                date=get(f"date_{v.number}", row["date"])[:10],
                time=get(f"time_{v.number}", row["time"])[:5],
                keep=bool(get(f"keep_{v.number}")),
            )
        rows.append(row)
    return rows


@clinic_member()
def book_course(request: ClinicRequest, patient_id: int) -> HttpResponse:
    """Book the course of the client's active plan (or a recall) as a series of visits."""
    user: User = request.user
    patient = access_patient(user, patient_id, request=request, what="course booking")
    clinic = patient.clinic
    plan = Plan.objects.filter(patient=patient, status=PlanStatus.ACTIVE).first()
    if request.GET.get("recall") in RECALLS:
        plan = plan if request.GET["recall"] == "maintenance" else None
    source = request.POST if request.method == "POST" else request.GET
    bound = "therapist" in source
    form = CourseForm(source if bound else None, clinic=clinic,
                      initial=_initial(request, clinic, plan))  # fmt: skip
    visits: list[ProposedVisit] = []
    errors: list[str] = []
    status = 200
    if bound and form.is_valid():
        data = form.cleaned_data
        try:
            wanted = series_starts(rrule=data["rrule"], first=data["date"], at=data["time"],
                                   tz_name=clinic.timezone)  # fmt: skip
        except ValidationError as exc:
            errors, status = _errors(exc), 400
        else:
            if request.method == "POST":
                starts, errors = _rows(request, clinic)
                if not errors:
                    try:
                        series = series_book(
                            actor=user,
                            patient=patient,
                            therapist=data["therapist"],
                            type=data["type"],
                            rrule=data["rrule"],
                            first=data["date"],
                            at=data["time"],
                            starts=starts,
                            plan=plan,
                            room=data["room"],
                            override_hours=data["override_hours"],
                            origin=Origin.of(request),
                        )
                    except ValidationError as exc:
                        errors = _errors(exc)
                    else:
                        booked = series.occurrences.order_by("starts_at")
                        count = booked.count()
                        messages.success(request, f"Booked {count} visit{'s' * (count != 1)}.")
                        # The week the course begins in (a rule may start after the date given).
                        begins = booked[0].starts_at.astimezone(clinic.zone).date()
                        week = reverse("appointments:week")
                        return redirect(
                            f"{week}?therapist={data['therapist'].pk}&date={begins.isoformat()}"
                        )
                status = 400
            review = plan.review_at_session if plan is not None else None
            visits = course_proposal(
                therapist=data["therapist"], kind=data["type"], wanted=wanted, review_at=review
            )
    elif bound:
        status = 400
    return render(
        request,
        "appointments/course.html",
        {
            "patient": patient,
            "plan": plan,
            "form": form,
            "rows": _table(visits, clinic, request.POST if request.method == "POST" else None),
            "errors": errors,
            "posted": request.POST if request.method == "POST" else None,
            "has_types": AppointmentType.objects.filter(clinic=clinic).exists(),
        },
        status=status,
    )
