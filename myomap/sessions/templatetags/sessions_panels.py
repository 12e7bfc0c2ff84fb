"""Panels the sessions app adds to the client page."""

from __future__ import annotations

from typing import Any

from django import template

from myomap.plans.selectors import active_plan
from myomap.screening.gate import page_gate
from myomap.sessions.selectors import (
    checkin_view,
    latest_checkin,
    open_checkin_links,
    sessions_of,
)

register = template.Library()


@register.inclusion_tag("sessions/_sessions_card.html", takes_context=True)
def sessions_card(context: template.Context, patient: Any) -> dict[str, Any]:
    sessions = list(sessions_of(patient).select_related("therapist")[:8])
    return {
        "patient": patient,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "sessions": sessions,
        "total": sessions_of(patient).count(),
        "in_progress": next((s for s in sessions if s.is_open), None),
        "latest_checkin": checkin_view(latest_checkin(patient)),
        "checkin_links": open_checkin_links(patient),
        "gate": page_gate(patient),
        "plan": active_plan(patient),
    }
