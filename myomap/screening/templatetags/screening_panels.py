"""Panels the screening app adds to the client page, and the intake's health-check groups."""

from __future__ import annotations

from typing import Any

from django import template

from myomap.patients.models import Patient
from myomap.screening.gate import covering_clearance, page_gate
from myomap.screening.models import Screening
from myomap.screening.selectors import screening_view
from myomap_core.pressure import KGF_PER_LBF

register = template.Library()


@register.inclusion_tag("screening/_screening_banner.html", takes_context=True)
def screening_banner(context: template.Context, patient: Patient) -> dict[str, Any]:
    gate = page_gate(patient)
    shown: dict[str, Any] = {
        "patient": patient,
        "request": context.get("request"),
        "clinical": context.get("clinical"),
        "gate": gate,
    }
    if gate.screening is not None and gate.blocked and context.get("clinical"):
        shown.update(screening_view(gate.screening))
    return shown


@register.inclusion_tag("screening/_screening_card.html", takes_context=True)
def screening_card(context: template.Context, patient: Patient) -> dict[str, Any]:
    gate = page_gate(patient)
    shown: dict[str, Any] = {
        "patient": patient,
        "request": context.get("request"),
        "clinical": context.get("clinical"),
        "csrf_token": context.get("csrf_token"),
        "gate": gate,
    }
    if gate.screening is not None:
        shown.update(screening_view(gate.screening))
        shown["clearance"] = gate.clearance or covering_clearance(gate.screening)
        shown["history"] = list(
            Screening.objects.filter(patient=patient)
            .exclude(pk=gate.screening.pk)
            .select_related("created_by")
            .prefetch_related("clearances")[:5]
        )
    return shown


@register.simple_tag
def health_check_groups(form: Any, patient: Patient | None = None) -> list[Any]:
    """The form's questions under their headings, without those for the other sex."""
    groups: list[Any] = form.groups(sex=getattr(patient, "sex", None))
    return groups


@register.filter
def in_lb(kg: float) -> str:
    """A pressure in kilograms-force shown in pounds-force, one decimal."""
    return f"{kg / KGF_PER_LBF:.1f}"
