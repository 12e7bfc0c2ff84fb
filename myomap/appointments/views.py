"""Pages of the calendar: Today, the clinic's day, a therapist's week, the next free slots,
booking, and one appointment with its actions. Thin: services write, selectors read."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from myomap.appointments import selectors
from myomap.appointments.access import access_appointment
from myomap.appointments.booking_requests import waiting_count
from myomap.appointments.forms import BookForm, CancelForm, WhenForm
from myomap.appointments.models import Appointment, AppointmentType, Status
from myomap.appointments.reminders import policy_of, reminders_of
from myomap.appointments.services import (
    MARKS,
    MOVABLE,
    STARTABLE,
    appointment_book,
    appointment_cancel,
    appointment_mark,
    appointment_move,
    appointment_start_session,
    appointment_types_default,
)
from myomap.appointments.setup_selectors import clinic_has_hours
from myomap.appointments.waitlist_selectors import freed_on
from myomap.clinics.access import clinic_member
from myomap.clinics.models import Clinic, Role, User
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest
from myomap.patients.access import access_patient
from myomap.patients.models import Patient
from myomap.patients.selectors import patient_list_for_clinic

CLINICIANS = (Role.OWNER, Role.THERAPIST)


def _day(request: HttpRequest, clinic: Clinic) -> date | None:
    """The ``date`` query parameter, or today in the clinic; None when it is malformed."""
    text = request.GET.get("date", "")
    if not text:
        return clinic.today()
    try:
        return selectors.check_day(date.fromisoformat(text))
    except (ValueError, ValidationError):
        return None


def _bad_date(request: HttpRequest) -> HttpResponse:
    value = request.GET.get("date", "")[:40]
    return HttpResponse(
        f"date: {value!r} is not a date such as 2026-03-14.", status=400, content_type="text/plain"
    )


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [f"{f}: {m}" for f, ms in exc.message_dict.items() for m in ms]
    return list(exc.messages)


@clinic_member(*CLINICIANS)
def today(request: ClinicRequest) -> HttpResponse:
    """The therapist's home: today's clients in order, each with what needs doing first."""
    rows = selectors.today(request.user)
    return render(
        request,
        "appointments/today.html",
        {
            "rows": rows,
            "now": timezone.now(),
            "needs_setup": not clinic_has_hours(request.clinic),
        },
    )


@clinic_member()
def day(request: ClinicRequest) -> HttpResponse:
    """The clinic's day: every therapist side by side."""
    clinic = request.clinic
    shown = _day(request, clinic)
    if shown is None:
        return _bad_date(request)
    board = selectors.clinic_day(clinic, shown)
    return render(
        request,
        "appointments/day.html",
        {
            "board": board,
            "previous": shown - timedelta(days=1),
            "next": shown + timedelta(days=1),
            "types": selectors.types_of(clinic),
            "freed": freed_on(clinic, shown),
            "waiting_requests": waiting_count(clinic.pk),
            "needs_setup": not any(c.hours for c in board.columns) and not clinic_has_hours(clinic),
        },
    )


def _therapist(request: ClinicRequest, clinic: Clinic) -> User | None:
    text = request.GET.get("therapist", "")
    if not text:
        user = request.user
        return user if user.is_clinician else None
    if not text.isdigit():
        return None
    return User.objects.filter(
        pk=int(text), clinic=clinic, role__in=(Role.THERAPIST, Role.OWNER)
    ).first()


@clinic_member()
def week(request: ClinicRequest) -> HttpResponse:
    """One therapist's week, Monday to Sunday."""
    clinic = request.clinic
    shown = _day(request, clinic)
    if shown is None:
        return _bad_date(request)
    therapists = selectors.therapists_of(clinic)
    therapist = _therapist(request, clinic) or (therapists[0] if therapists else None)
    if therapist is None:
        return HttpResponse(
            "therapist: no such therapist in this clinic.", status=404, content_type="text/plain"
        )
    monday = shown - timedelta(days=shown.weekday())
    return render(
        request,
        "appointments/week.html",
        {
            "therapist": therapist,
            "therapists": therapists,
            "days": selectors.therapist_week(clinic, therapist, monday),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
        },
    )


@clinic_member()
def free(request: ClinicRequest) -> HttpResponse:
    """The next free slots of a type with a therapist, over the next eight weeks."""
    clinic = request.clinic
    therapists = selectors.therapists_of(clinic)
    types = selectors.types_of(clinic)
    slots = []
    therapist = None
    kind = None
    if request.GET.get("therapist") or request.GET.get("type"):
        therapist = _therapist(request, clinic)
        if therapist is None:
            return HttpResponse(
                f"therapist: no therapist {request.GET.get('therapist', '')[:20]!r} here.",
                status=400,
                content_type="text/plain",
            )
        type_id = request.GET.get("type", "")
        kind = next((t for t in types if str(t.pk) == type_id), None)
        if kind is None:
            return HttpResponse(
                f"type: no appointment type {type_id[:20]!r} here.",
                status=400,
                content_type="text/plain",
            )
        start = clinic.today()
        slots = selectors.next_free_slots(therapist=therapist, kind=kind, first_day=start)
    return render(
        request,
        "appointments/free.html",
        {
            "therapists": therapists,
            "types": types,
            "therapist": therapist,
            "kind": kind,
            "slots": slots,
            "patient": request.GET.get("patient", ""),
        },
    )


def _patient_choices(request: HttpRequest, clinic: Clinic) -> list[Patient]:
    q = request.GET.get("q", "")[:100]
    return list(patient_list_for_clinic(clinic=clinic, q=q)[:20])


@clinic_member()
def book(request: ClinicRequest) -> HttpResponse:
    """Book an appointment: a client, a type, a therapist, a time (prefilled from a slot)."""
    clinic = request.clinic
    source = request.POST if request.method == "POST" else request.GET
    patient = None
    patient_id = source.get("patient", "")
    if patient_id:
        if not patient_id.isdigit():
            return HttpResponse(
                f"patient: {patient_id[:20]!r} is not a client number.",
                status=400,
                content_type="text/plain",
            )
        patient = access_patient(request.user, int(patient_id), request=request, what="booking")
    if request.method == "POST":
        form = BookForm(request.POST, clinic=clinic)
        if patient is None:
            form.add_error(None, "patient: choose the client first.")
        elif form.is_valid():
            try:
                appointment = appointment_book(
                    actor=request.user,
                    patient=patient,
                    therapist=form.cleaned_data["therapist"],
                    type=form.cleaned_data["type"],
                    room=form.cleaned_data["room"],
                    starts_at=form.starts_at(),
                    desk_notes=form.cleaned_data["desk_notes"],
                    override_hours=form.cleaned_data["override_hours"],
                    origin=Origin.of(request),
                )
            except ValidationError as exc:
                for message in _errors(exc):
                    form.add_error(None, message)
            else:
                messages.success(request, "Booked.")
                local = timezone.localtime(appointment.starts_at).date()
                return redirect(f"{reverse('appointments:day')}?date={local.isoformat()}")
        status = 400
    else:
        form = BookForm(
            initial={k: request.GET.get(k) for k in ("therapist", "type", "date", "time", "room")},
            clinic=clinic,
        )
        status = 200
    return render(
        request,
        "appointments/book.html",
        {
            "form": form,
            "patient": patient,
            "choices": [] if patient else _patient_choices(request, clinic),
            "q": request.GET.get("q", ""),
            "has_types": AppointmentType.objects.filter(clinic=clinic).exists(),
        },
        status=status,
    )


@clinic_member()
def types_default(request: ClinicRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    made = appointment_types_default(actor=request.user, clinic=request.clinic)
    messages.success(request, f"Added {len(made)} appointment types.")
    return redirect("appointments:book")


def _detail(
    request: HttpRequest,
    appointment: Appointment,
    *,
    move: WhenForm | None = None,
    cancel: CancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    clinic = appointment.clinic
    local = timezone.localtime(appointment.starts_at)
    move = move or WhenForm(
        initial={
            "therapist": appointment.therapist_id,
            "room": appointment.room_id,
            "date": local.date(),
            "time": local.time(),
        },
        clinic=clinic,
    )
    return render(
        request,
        "appointments/detail.html",
        {
            "appointment": appointment,
            "patient": appointment.patient,
            "move": move,
            "cancel": cancel or CancelForm(),
            "movable": appointment.status in MOVABLE,
            "marks": [
                (s, Status(s).label) for s, after in MARKS.items() if appointment.status in after
            ],
            "startable": appointment.status in STARTABLE or appointment.session_id is not None,
            "reminders": reminders_of(appointment),
            "policy_hours": policy_of(clinic).cancellation_hours,
        },
        status=status,
    )


@clinic_member()
def detail(request: ClinicRequest, patient_id: int, appointment_id: int) -> HttpResponse:
    appointment = access_appointment(request.user, patient_id, appointment_id, request=request)
    return _detail(request, appointment)


@clinic_member()
def move(request: ClinicRequest, patient_id: int, appointment_id: int) -> HttpResponse:
    appointment = access_appointment(request.user, patient_id, appointment_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = WhenForm(request.POST, clinic=appointment.clinic)
    if form.is_valid():
        try:
            appointment_move(
                actor=request.user,
                appointment=appointment,
                starts_at=form.starts_at(),
                therapist=form.cleaned_data["therapist"],
                room=form.cleaned_data["room"],
                override_hours=form.cleaned_data["override_hours"],
                origin=Origin.of(request),
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(request, "Moved.")
            return redirect("appointments:detail", patient_id, appointment_id)
    return _detail(request, appointment, move=form, status=400)


@clinic_member()
def cancel(request: ClinicRequest, patient_id: int, appointment_id: int) -> HttpResponse:
    appointment = access_appointment(request.user, patient_id, appointment_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            appointment_cancel(
                actor=request.user,
                appointment=appointment,
                reason=form.cleaned_data["reason"],
                origin=Origin.of(request),
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(request, "Cancelled.")
            return redirect("appointments:detail", patient_id, appointment_id)
    return _detail(request, appointment, cancel=form, status=400)


@clinic_member()
def mark(request: ClinicRequest, patient_id: int, appointment_id: int) -> HttpResponse:
    appointment = access_appointment(request.user, patient_id, appointment_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        appointment_mark(
            actor=request.user,
            appointment=appointment,
            status=request.POST.get("status", "")[:30],
            origin=Origin.of(request),
        )
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return _detail(request, appointment, status=400)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("appointments:detail", args=[patient_id, appointment_id])
    return redirect(back or reverse("appointments:detail", args=[patient_id, appointment_id]))


@clinic_member(*CLINICIANS)
def start(request: ClinicRequest, patient_id: int, appointment_id: int) -> HttpResponse:
    """One tap from the appointment to the session guide."""
    appointment = access_appointment(request.user, patient_id, appointment_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        session = appointment_start_session(
            actor=request.user,
            appointment=appointment,
            origin=Origin.of(request),
        )
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("appointments:detail", patient_id, appointment_id)
    return redirect("sessions:guide", patient_id, session.pk)
