"""The client's private appointment link: see the time and place, confirm or ask to cancel.

The page shows the clinic, the time and the place only. Unknown, revoked, cancelled and past
links all get the same "not available" page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from myomap.appointments.booking_requests import offered_types
from myomap.appointments.client_link import (
    appointment_cancel_by_client,
    appointment_confirm_by_client,
)
from myomap.appointments.models import Status
from myomap.appointments.reminder_models import AppointmentLink
from myomap.appointments.reminders import appointment_link_find, place_of, policy_of
from myomap.clinics.models import User
from myomap.common.audit import Origin
from myomap.common.links import link_opened
from myomap.portal.unavailable import link_unavailable


def _visitor(request: HttpRequest, link: AppointmentLink) -> User | Literal[False] | None:
    """None for the client; a member of the link's clinic (the front desk too: the page is
    administrative) is recorded as themselves; staff of another clinic get nothing (False)."""
    user = request.user
    if not user.is_authenticated:
        return None
    if getattr(user, "clinic_id", None) == link.private.clinic_id:
        return user
    return False


def link_and_visitor(
    request: HttpRequest, token: str
) -> tuple[AppointmentLink, User | None] | None:
    """The usable link of ``token`` and who is at it (None for the client); None when the
    page must say "not available" (an unusable link, or staff of another clinic)."""
    link = appointment_link_find(token)
    if link is None:
        return None
    actor = _visitor(request, link)
    return None if actor is False else (link, actor)


@never_cache
def appointment(request: HttpRequest, token: str) -> HttpResponse:
    found = link_and_visitor(request, token)
    if found is None:
        return link_unavailable(request)
    link, actor = found
    visit = link.appointment
    done = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ("confirm", "cancel"):
            context = {"clinic": link.private.clinic, "value": action[:40]}
            return render(request, "portal/appointment_refused.html", context, status=400)
        act = appointment_confirm_by_client if action == "confirm" else appointment_cancel_by_client
        try:
            visit = act(link=link, actor=actor, origin=Origin.of(request))
        except ValidationError:
            return link_unavailable(request)  # cancelled or started a moment ago
        done = visit.status
    else:
        link_opened(link, request=request, obj=visit, what="the appointment link",
                    actor=actor)  # fmt: skip
    clinic = link.private.clinic
    policy_hours = policy_of(clinic).cancellation_hours
    local = visit.starts_at.astimezone(clinic.zone)
    context = {
        "clinic": clinic,
        "when": f"{local:%A} {local.day} {local:%B %Y}",
        "time": f"{local:%H:%M}",
        "place": place_of(visit),
        "confirmed": visit.status == Status.CONFIRMED,
        "done": done,
        "policy_hours": policy_hours,
        "late": visit.starts_at - timezone.now() < timedelta(hours=policy_hours),
        "offers_online": bool(offered_types(link.private.patient)),
        "token": token,
    }
    return render(request, "portal/appointment.html", context)
