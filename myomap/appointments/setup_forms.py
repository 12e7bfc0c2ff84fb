"""Forms of the practice's calendar set-up. Times are the clinic's local wall-clock times."""

from __future__ import annotations

from typing import Any

from django import forms

from myomap.appointments.forms import TherapistChoiceField
from myomap.appointments.models import LONGEST_MINUTES, WEEKDAYS, Location, Online
from myomap.appointments.selectors import therapists_query
from myomap.appointments.setup_services import PALETTE
from myomap.clinics.models import Clinic, User
from myomap.common.forms import narrow_choices

TIME = forms.TimeInput(attrs={"type": "time", "step": 300})


def therapists_field(clinic: Clinic) -> forms.ModelChoiceField[User]:
    return TherapistChoiceField(queryset=therapists_query(clinic))


class SpanForm(forms.Form):
    """One weekly span of a therapist's working hours."""

    location = forms.ModelChoiceField(queryset=Location.objects.none(), empty_label=None)
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int, label="Day")
    start = forms.TimeField(widget=TIME)
    end = forms.TimeField(widget=TIME)

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        narrow_choices(
            self, "location", Location.objects.filter(clinic=clinic, active=True).order_by("name")
        )


class TypeForm(forms.Form):
    """An appointment type: its name, length, buffer after, colour and whether it is offered."""

    name = forms.CharField(max_length=60)
    minutes = forms.IntegerField(label="Duration (minutes)", min_value=5, max_value=LONGEST_MINUTES)
    buffer_minutes = forms.IntegerField(label="Buffer after (minutes)", min_value=0, max_value=120)
    colour = forms.ChoiceField(choices=PALETTE, widget=forms.RadioSelect)
    active = forms.BooleanField(required=False, initial=True, label="Offered for booking")
    online = forms.ChoiceField(
        choices=Online.choices, required=False, initial=Online.NO, label="Clients may ask online"
    )


class LocationForm(forms.Form):
    name = forms.CharField(max_length=80)
    address = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RoomForm(forms.Form):
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    name = forms.CharField(max_length=80)

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        narrow_choices(
            self, "location", Location.objects.filter(clinic=clinic, active=True).order_by("name")
        )


class RenameForm(forms.Form):
    """Rename a location or a room, or take it out of (or back into) use."""

    name = forms.CharField(max_length=80)
    active = forms.BooleanField(required=False)


class BlockForm(forms.Form):
    """A stretch a therapist is away, in the clinic's local time."""

    therapist = forms.ModelChoiceField(queryset=User.objects.none())
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(widget=TIME)
    end_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end_time = forms.TimeField(widget=TIME)
    reason = forms.CharField(max_length=120, required=False)

    def __init__(self, *args: Any, clinic: Clinic, therapist: User | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"] = therapists_field(clinic)
        if therapist is not None:  # a therapist blocks only their own calendar
            narrow_choices(self, "therapist", User.objects.filter(pk=therapist.pk))


class PolicyForm(forms.Form):
    offsets = forms.CharField(max_length=40, label="Reminders (hours before, e.g. 48,24)")
    cancellation_hours = forms.IntegerField(
        label="Cancellation window (hours)", min_value=0, max_value=168
    )
    sms = forms.BooleanField(required=False, label="Also send reminders by SMS")
