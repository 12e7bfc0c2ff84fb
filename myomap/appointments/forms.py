"""Forms of the calendar: book, move, cancel. Times are typed in the clinic's time zone."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError

from myomap.appointments.models import AppointmentType, Room
from myomap.appointments.selectors import therapists_query
from myomap.clinics.models import Clinic, User
from myomap.common.forms import narrow_choices


def local_start(clinic: Clinic, day: date, at: time) -> datetime:
    """The aware start of a local date and time; a time skipped by a clock change is refused."""
    tz = clinic.zone
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz)
    if aware.astimezone(ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None) != naive:
        raise ValidationError({"time": f"{naive:%H:%M} does not exist that day (clocks change)."})
    return aware


class TherapistChoiceField(forms.ModelChoiceField[User]):
    """A choice of the clinic's therapists, each shown by their display name."""

    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class WhenForm(forms.Form):
    """Where and when, shared by booking and moving."""

    therapist = TherapistChoiceField(queryset=User.objects.none())
    room = forms.ModelChoiceField(queryset=Room.objects.none(), required=False)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time", "step": 300}))
    override_hours = forms.BooleanField(
        required=False, label="Book outside the therapist's working hours (recorded)"
    )

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        narrow_choices(self, "therapist", therapists_query(clinic))
        narrow_choices(self, "room", Room.objects.filter(clinic=clinic, active=True))

    def starts_at(self) -> datetime:
        return local_start(self.clinic, self.cleaned_data["date"], self.cleaned_data["time"])


class BookForm(WhenForm):
    type = forms.ModelChoiceField(queryset=AppointmentType.objects.none(), label="Type")
    desk_notes = forms.CharField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), label="Notes"
    )

    field_order = ["type", "therapist", "room", "date", "time", "desk_notes", "override_hours"]

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, clinic=clinic, **kwargs)
        narrow_choices(self, "type", AppointmentType.objects.filter(clinic=clinic, active=True))


class CourseForm(WhenForm):
    """A series: the type, therapist and room, the first date and time, and its rule."""

    type = forms.ModelChoiceField(queryset=AppointmentType.objects.none(), label="Type")
    rrule = forms.CharField(
        max_length=500,
        label="Repeat (RFC 5545 rule)",
        help_text="For example FREQ=WEEKLY;BYDAY=TU,FR;COUNT=8. COUNT or UNTIL is required.",
    )

    field_order = ["type", "therapist", "room", "date", "time", "rrule", "override_hours"]

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, clinic=clinic, **kwargs)
        self.fields["date"].label = "First visit"
        narrow_choices(self, "type", AppointmentType.objects.filter(clinic=clinic, active=True))


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Reason")
