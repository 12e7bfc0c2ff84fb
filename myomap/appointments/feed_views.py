"""The therapist's calendar feed page (make, replace, revoke) and the feed itself."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from myomap.appointments.feeds import (
    DAYS_AHEAD,
    DAYS_BACK,
    feed_by_token,
    feed_create,
    feed_fetched,
    feed_ics,
    feed_of,
    feed_revoke,
)
from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role, User
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest


@clinic_member(Role.OWNER, Role.THERAPIST)
def feed_page(request: ClinicRequest) -> HttpResponse:
    """Show whether the therapist has a feed; POST makes a new one (the old one stops)."""
    user: User = request.user
    address = ""
    if request.method == "POST":
        _, token = feed_create(actor=user, therapist=user, origin=Origin.of(request))
        address = request.build_absolute_uri(reverse("appointments:feed_ics", args=[token]))
        messages.success(request, "A new private calendar feed is ready; any older one stopped.")
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    context = {
        "feed": feed_of(user),
        "address": address,
        "days_back": DAYS_BACK,
        "days_ahead": DAYS_AHEAD,
    }
    return render(request, "appointments/feed.html", context)


@clinic_member(Role.OWNER, Role.THERAPIST)
def feed_revoke_view(request: ClinicRequest) -> HttpResponse:
    """Stop the therapist's feed now."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user: User = request.user
    if feed_revoke(actor=user, therapist=user, origin=Origin.of(request)):
        messages.success(request, "The calendar feed is revoked: calendars can no longer read it.")
    else:
        messages.info(request, "There was no calendar feed to revoke.")
    return redirect("appointments:feed")


@require_safe
def feed_ics_view(request: HttpRequest, token: str) -> HttpResponse:
    """The feed for a calendar app. Unknown and revoked tokens are the same plain 404."""
    feed = feed_by_token(token)
    if feed is None:
        raise Http404("No such page.")
    feed_fetched(feed=feed, origin=Origin.of(request))
    response = HttpResponse(feed_ics(feed), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return response
