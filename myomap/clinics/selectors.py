"""Reads for clinics: the audit log as the owner sees it."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import reduce
from operator import or_
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from myomap.clinics.models import Clinic, User
from myomap.common.models import AuditEvent
from myomap.common.search import client_ids_per_word

M = TypeVar("M", bound=Model)


def _every_word(rows: QuerySet[M], text: str, fields: tuple[str, ...]) -> QuerySet[M]:
    """``rows`` with every word of ``text`` in one of ``fields`` (case-insensitive)."""
    for word in text.split():
        rows = rows.filter(reduce(or_, (Q(**{f"{f}__icontains": word}) for f in fields)))
    return rows


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

    ``q`` finds clients as the client list does (``client_ids_per_word``: every word the start
    of a word of their names or email, phone digits or a date of birth; archived clients too),
    through their search keys; their events are found through the client index. ``actor``
    names staff members (every word in a name or the username, anywhere in it): a scan of
    the clinic's staff, who are few; theirs are found through the actor index. Neither search
    runs over the events.
    """
    events = AuditEvent.objects.filter(clinic=clinic).select_related("patient")
    if q:
        for clients in client_ids_per_word(clinic.patient_search_keys.all(), q):
            events = events.filter(patient__in=clients)
    if action:
        events = events.filter(action=action)
    if actor:
        staff = _every_word(
            User.objects.filter(clinic=clinic), actor, ("first_name", "last_name", "username")
        )
        events = events.filter(actor__in=staff.values("pk"))
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(created_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        events = events.filter(created_at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return events
