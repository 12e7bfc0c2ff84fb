"""Reads for clinics: the audit log as the owner sees it."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import reduce
from operator import or_
from typing import Any, TypeVar

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


AUDIT_CLIENTS_BY_ID = 1000
"""Clients a search passes to the events query as a list of ids; more stay a subquery."""


def _of_clients(events: QuerySet[AuditEvent], words: list[QuerySet[Any]]) -> QuerySet[AuditEvent]:
    """``events`` of the clients every subquery of ``words`` holds.

    The clients' ids are read first (one query) and given as a list: with it both databases
    estimate how many events match, and walk the clinic's events newest first when the
    clients are many, or read each client's own when they are few. Behind a subquery
    PostgreSQL guessed a handful of clients and read every event of all of them to sort.
    """
    if not words:
        return events
    found = words[0]
    for more in words[1:]:
        found = found.filter(patient_id__in=more)
    ids = set(found.values_list("patient_id", flat=True)[: AUDIT_CLIENTS_BY_ID + 1])
    if len(ids) <= AUDIT_CLIENTS_BY_ID:
        return events.filter(patient_id__in=sorted(ids))
    for clients in words:
        events = events.filter(patient__in=clients)
    return events


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
        events = _of_clients(events, client_ids_per_word(clinic.patient_search_keys.all(), q))
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
