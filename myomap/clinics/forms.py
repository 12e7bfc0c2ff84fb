from __future__ import annotations

from django import forms

from myomap.common.models import AuditAction


class AuditFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditAction.choices]
    )
    actor = forms.CharField(label="Who", required=False, max_length=150)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:  # type: ignore[operator]
            self.add_error("date_to", "The end date must not be before the start date.")
        return data
