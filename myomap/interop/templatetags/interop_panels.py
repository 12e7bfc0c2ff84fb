"""The client page's panel of documents another practice sent (read-only, with their source)."""

from __future__ import annotations

from typing import Any

from django import template

from myomap.interop.models import ImportedDocument

register = template.Library()


@register.inclusion_tag("interop/_imported_card.html")
def imported_card(patient: Any) -> dict[str, Any]:
    """Signed notes of the sending clinic, each with its amendments; nothing when none."""
    documents = list(
        ImportedDocument.objects.filter(patient=patient, amends__isnull=True)
        .prefetch_related("amendments")
        .order_by("authored_at", "id")
    )
    return {"patient": patient, "documents": documents}
