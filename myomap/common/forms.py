"""Helpers shared by the forms of every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model, QuerySet


def narrow_choices(form: forms.BaseForm, name: str, queryset: QuerySet[Model, Any]) -> None:
    """Offer only ``queryset`` in the form's model choice field ``name`` (the clinic's rows)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset
