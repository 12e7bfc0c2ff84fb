from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from myomap.clinics.models import Clinic
from myomap.patients.models import Patient
from myomap.patients.selectors import patient_likely_duplicates
from myomap.patients.services import EDITABLE_FIELDS


class PatientForm(forms.ModelForm[Patient]):
    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label="This is a different person: save anyway",
    )

    class Meta:
        model = Patient
        fields = EDITABLE_FIELDS
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.duplicates: list[Patient] = []
        for name in ("first_name", "last_name", "date_of_birth"):
            self.fields[name].widget.attrs["required"] = True
        self.fields["phone"].widget.attrs.update({"type": "tel", "autocomplete": "off"})

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        today = date.today()
        if born > today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if born.year < today.year - 120:
            raise forms.ValidationError("Check the year: that makes the client older than 120.")
        return born

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        first, last, born = data.get("first_name"), data.get("last_name"), data.get("date_of_birth")
        if first and last and born:
            self.duplicates = list(
                patient_likely_duplicates(
                    clinic=self.clinic,
                    first_name=str(first),
                    last_name=str(last),
                    date_of_birth=born,
                    exclude_id=self.instance.pk,
                )
            )
        if self.duplicates and not data.get("confirm_not_duplicate"):
            self.add_error(
                "confirm_not_duplicate",
                "A client with the same name and date of birth already exists. Open the existing "
                "record, or tick this box if this is a different person.",
            )
        return data


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label="Search clients",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": "Name, phone, email or date of birth", "type": "search"}
        ),
    )
    archived = forms.BooleanField(label="Show archived", required=False)
