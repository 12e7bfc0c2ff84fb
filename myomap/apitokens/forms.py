"""The form that creates an API token."""

from __future__ import annotations

from django import forms

from myomap.apitokens.models import TokenScope
from myomap.apitokens.services import EXPIRY_DAYS


class TokenCreateForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What it is for, e.g. “practice laptop”.")
    scope = forms.ChoiceField(choices=TokenScope.choices, initial=TokenScope.READ)
    days = forms.TypedChoiceField(
        label="Expires after",
        coerce=int,
        choices=[(d, f"{d} days") for d in EXPIRY_DAYS],
        initial=90,
    )
