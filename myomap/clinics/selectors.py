"""Reads for clinics: the audit log as the owner sees it."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from myomap.clinics.models import Clinic
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
    events = AuditEvent.objects.filter(clinic=clinic).select_related("patient")
    if q:
        events = events.filter(
            Q(summary__icontains=q)
            | Q(patient__last_name__icontains=q)
            | Q(patient__first_name__icontains=q)
        )
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(created_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        events = events.filter(created_at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return events
