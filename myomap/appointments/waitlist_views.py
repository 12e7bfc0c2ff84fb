"""Pages of the waitlist: the list with freed and next free slots that fit, adding a
client, booking an entry with one action and removing it. Thin: services write,
``waitlist_selectors`` reads."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from myomap.appointments import waitlist_selectors
from myomap.appointments.access import access_waitlist_entry
from myomap.appointments.forms import TherapistChoiceField
from myomap.appointments.models import AppointmentType, Room
from myomap.appointments.selectors import therapists_query
from myomap.appointments.views import _errors, _patient_choices
from myomap.appointments.waitlist import waitlist_add, waitlist_book, waitlist_remove
from myomap.clinics.access import clinic_member
from myomap.clinics.models import Clinic, User
from myomap.common.audit import Origin
from myomap.common.forms import narrow_choices
from myomap.common.request import ClinicRequest
from myomap.patients.access import access_patient

WINDOWS_HELP = "Weekdays and local times, e.g. Mon Wed 08:00-12:00; Fri 13:00-17:00"


class WaitlistForm(forms.Form):
    """Who the client waits for, what, and when they can come."""

    type = forms.ModelChoiceField(queryset=AppointmentType.objects.none(), label="Type")
    therapist = TherapistChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Any therapist"
    )
    windows = forms.CharField(max_length=400, label="Wanted times", help_text=WINDOWS_HELP)
    first_day = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    last_day = forms.DateField(
        label="Until (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        narrow_choices(self, "type", AppointmentType.objects.filter(clinic=clinic, active=True))
        narrow_choices(self, "therapist", therapists_query(clinic))


def _page(
    request: ClinicRequest, *, errors: list[str] | None = None, status: int = 200
) -> HttpResponse:
    clinic = request.clinic
    now = timezone.now()
    start = now
    end = now + timedelta(days=waitlist_selectors.AHEAD_DAYS)
    return render(
        request,
        "appointments/waitlist.html",
        {
            "freed": waitlist_selectors.freed_slots(clinic, start, end, now=now),
            "rows": waitlist_selectors.waiting_with_slots(clinic, now=now),
            "choices": _patient_choices(request, clinic) if "q" in request.GET else [],
            "q": request.GET.get("q", ""),
            "errors": errors or [],
            "ahead_weeks": waitlist_selectors.AHEAD_DAYS // 7,
        },
        status=status,
    )


@clinic_member()
def waitlist(request: ClinicRequest) -> HttpResponse:
    """Who waits, oldest first; the freed slots they fit and their next free slots."""
    return _page(request)


@clinic_member()
def waitlist_new(request: ClinicRequest, patient_id: int) -> HttpResponse:
    """Put a client on the waitlist."""
    patient = access_patient(request.user, patient_id, request=request, what="waitlist")
    clinic = patient.clinic
    if request.method == "POST":
        form = WaitlistForm(request.POST, clinic=clinic)
        if form.is_valid():
            data = form.cleaned_data
            try:
                waitlist_add(
                    actor=request.user,
                    patient=patient,
                    type=data["type"],
                    therapist=data["therapist"],
                    windows=data["windows"],
                    first_day=data["first_day"],
                    last_day=data["last_day"],
                    notes=data["notes"],
                    origin=Origin.of(request),
                )
            except ValidationError as exc:
                for message in _errors(exc):
                    form.add_error(None, message)
            else:
                messages.success(request, f"{patient.full_name} is on the waitlist.")
                return redirect("appointments:waitlist")
        status = 400
    else:
        form = WaitlistForm(initial={"first_day": clinic.today()}, clinic=clinic)
        status = 200
    return render(
        request, "appointments/waitlist_new.html", {"form": form, "patient": patient},
        status=status,
    )  # fmt: skip


def _start(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {"starts_at": f"{text[:40]!r} is not a time such as 2026-03-14T09:00+01:00."}
        ) from None
    if timezone.is_naive(value):
        raise ValidationError({"starts_at": f"{text[:40]!r} needs a time zone offset."})
    return value


def _therapist(clinic: Clinic, text: str) -> User | None:
    if not text:
        return None
    found = (
        User.objects.filter(pk=int(text), clinic=clinic).first()
        if text.isdigit() and len(text) < 12
        else None
    )
    if found is None:
        raise ValidationError({"therapist": f"No therapist {text[:20]!r} in this clinic."})
    return found


def _room(clinic: Clinic, text: str) -> Room | None:
    if not text:
        return None
    found = (
        Room.objects.filter(pk=int(text), clinic=clinic).first()
        if text.isdigit() and len(text) < 12
        else None
    )
    if found is None:
        raise ValidationError({"room": f"No room {text[:20]!r} in this clinic."})
    return found


@clinic_member()
def waitlist_book_view(request: ClinicRequest, patient_id: int, entry_id: int) -> HttpResponse:
    """Book the entry into a slot with one action (all booking rules hold)."""
    entry = access_waitlist_entry(request.user, patient_id, entry_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        appointment = waitlist_book(
            actor=request.user,
            entry=entry,
            starts_at=_start(request.POST.get("starts_at", "")),
            therapist=_therapist(entry.clinic, request.POST.get("therapist", "")),
            room=_room(entry.clinic, request.POST.get("room", "")),
            origin=Origin.of(request),
        )
    except ValidationError as exc:
        return _page(request, errors=_errors(exc), status=400)
    local = timezone.localtime(appointment.starts_at, entry.clinic.zone)
    messages.success(
        request,
        f"Booked {entry.patient.full_name} from the waitlist on {local:%a %d %b %H:%M}.",
    )
    return redirect(f"{reverse('appointments:day')}?date={local.date().isoformat()}")


@clinic_member()
def waitlist_remove_view(request: ClinicRequest, patient_id: int, entry_id: int) -> HttpResponse:
    """Take the entry off the waitlist with a reason."""
    entry = access_waitlist_entry(request.user, patient_id, entry_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        waitlist_remove(
            actor=request.user,
            entry=entry,
            reason=request.POST.get("reason", ""),
            origin=Origin.of(request),
        )
    except ValidationError as exc:
        return _page(request, errors=_errors(exc), status=400)
    messages.success(request, f"{entry.patient.full_name} is off the waitlist.")
    return redirect("appointments:waitlist")
