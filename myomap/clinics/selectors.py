"""Reads for clinics: the audit log as the owner sees it."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from myomap.clinics.models import Clinic, User
from myomap.common.models import AuditEvent


def audit_list_for_clinic(
    *,
    clinic: Clinic,
    q: str = "",
    action: str = "",
    actor: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """The clinic's audit events, newest first, filtered on indexed columns only.

    ``q`` names clients (every word in their first, last or preferred name, archived clients
    too): their events are found through the client index. ``actor`` names staff members
    (name or username): theirs are found through the actor index. The two name searches run
    over the clinic's clients and staff, never over the events.
    """
    events = AuditEvent.objects.filter(clinic=clinic).select_related("patient")
    if q:
        clients = clinic.patients.all()
        for word in q.split():
            clients = clients.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
        events = events.filter(patient__in=clients.values("pk"))
    if action:
        events = events.filter(action=action)
    if actor:
        staff = User.objects.filter(clinic=clinic)
        for word in actor.split():
            staff = staff.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__icontains=word)
            )
        events = events.filter(actor__in=staff.values("pk"))
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(created_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        events = events.filter(created_at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return events
