"""Panels the outcomes app adds to the client page."""

from __future__ import annotations

from typing import Any

from django import template

from myomap.outcomes import selectors
from myomap_core import outcomes as core

register = template.Library()


@register.inclusion_tag("outcomes/_outcomes_card.html", takes_context=True)
def outcomes_card(context: template.Context, patient: Any) -> dict[str, Any]:
    """Status in words, the latest scores with bands, the charts and the actions.

    Clinical content: nothing is shown to the front desk.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    clinical = bool(context.get("clinical")) and bool(getattr(user, "is_clinician", False))
    data: dict[str, Any] = {"patient": patient, "request": request, "clinical": clinical}
    if clinical:
        data["progress"] = selectors.progress_of(patient)
        data["instruments"] = core.instruments()
    return data
