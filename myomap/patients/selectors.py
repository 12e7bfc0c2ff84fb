"""Reads for clients: search, duplicates, the timeline."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from myomap.clinics.models import Clinic
from myomap.common.models import AuditAction, AuditEvent
from myomap.common.search import client_ids_per_word
from myomap.patients.models import Patient, PatientSearchKey


def patient_list_for_clinic(
    *, clinic: Clinic, q: str = "", archived: bool = False
) -> QuerySet[Patient]:
    """Clients of the clinic (archived ones, or the others) that every word of ``q`` finds:
    the start of a word of their names or email, three or more digits of their phone, or
    their date of birth (``myomap.common.search``)."""
    patients = Patient.objects.filter(archived_at__isnull=not archived)
    words = client_ids_per_word(PatientSearchKey.objects.filter(clinic=clinic), q)
    if not words:
        return patients.filter(clinic=clinic)
    # The clinic's keys name only the clinic's clients (a key row carries its client's
    # clinic). Filtering on the clinic here as well would let SQLite, without statistics,
    # walk all the clinic's clients instead of looking the few found up by id.
    for found in words:
        patients = patients.filter(pk__in=found)
    return patients


def patient_likely_duplicates(
    *,
    clinic: Clinic,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    exclude_id: int | None = None,
) -> QuerySet[Patient]:
    """Clients with the same name and date of birth, archived ones included."""
    same = Patient.objects.filter(
        clinic=clinic,
        first_name__iexact=first_name.strip(),
        last_name__iexact=last_name.strip(),
        date_of_birth=date_of_birth,
    )
    if exclude_id is not None:
        same = same.exclude(pk=exclude_id)
    return same


def duplicate_key(first_name: str, last_name: str, date_of_birth: date) -> tuple[str, str, date]:
    """The identity ``patient_likely_duplicates`` compares: name without case, and birth date."""
    return (first_name.strip().casefold(), last_name.strip().casefold(), date_of_birth)


def patient_duplicate_keys(*, clinic: Clinic) -> set[tuple[str, str, date]]:
    """``duplicate_key`` of every client of the clinic, archived ones included (one query):
    for checking many new clients at once, as an import does."""
    rows = Patient.objects.filter(clinic=clinic).values_list(
        "first_name", "last_name", "date_of_birth"
    )
    return {duplicate_key(first, last, born) for first, last, born in rows}


ADMINISTRATIVE_RECORDS = frozenset({"Patient", "Intake", "IntakeLink", "QuestionnaireLink"})
"""Record types whose timeline entries carry no clinical content (the front desk sees these)."""

SUMMED_RECORDS = frozenset({"SessionEvent", "HomeProgramMark"})
"""Taps in the session guide and the client's daily home-program ticks: in the audit log, but
on the timeline summed up instead (the session's start and finish; the adherence panel)."""


def patient_timeline_events(*, patient: Patient, clinical: bool = True) -> QuerySet[AuditEvent]:
    """Everything recorded about the client, newest first (reads, session taps and home-program
    ticks are left out: the audit log keeps them).

    Without ``clinical``, only administrative entries: a score or a screening finding in a
    summary is clinical content.
    """
    events = AuditEvent.objects.filter(patient=patient).exclude(action=AuditAction.VIEW)
    events = events.exclude(object_type__in=SUMMED_RECORDS)
    if not clinical:
        events = events.filter(object_type__in=ADMINISTRATIVE_RECORDS)
    return events.order_by("-created_at", "-id")


def patient_timeline(
    *, patient: Patient, clinical: bool = True, limit: int = 200
) -> QuerySet[AuditEvent]:
    """The newest ``limit`` entries of ``patient_timeline_events``."""
    return patient_timeline_events(patient=patient, clinical=clinical)[:limit]
