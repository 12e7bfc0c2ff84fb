from __future__ import annotations

from django import forms

from myomap.common.models import AuditAction


class AuditFilterForm(forms.Form):
    q = forms.CharField(
        label="Client",
        required=False,
        max_length=100,
        help_text="Part of a client's name.",
    )
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditAction.choices]
    )
    actor = forms.CharField(
        label="Staff member",
        required=False,
        max_length=150,
        help_text="Part of a name or username.",
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must not be before the start date.")
        return data


class SecondFactorForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label="Code from your authenticator app, or a recovery code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )
    trust = forms.BooleanField(
        label="Trust this browser for 30 days (do not use on a shared computer)", required=False
    )


class TotpConfirmForm(forms.Form):
    code = forms.CharField(
        label="The 6-digit code your app shows now",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class RequireTwoFactorForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label="Require two-factor login for every user of the clinic", required=False
    )
