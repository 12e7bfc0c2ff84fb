"""Where a client stands against the promise of an important improvement, stored per client.

The status is worked out by the clinical core from the client's responses
(``myomap_core.progress``); this module keeps its result in ``ProgressStanding`` whenever a
response is stored, so the dashboard reads one row per client instead of every response of
every client. A client never measured has a standing too, written when they are registered
(``standing_start``), so each dashboard group is read from the standings alone.
``standings_rebuild`` works them all out again for a whole clinic (after a bulk load).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone

from myomap.clinics.models import Clinic
from myomap.outcomes.models import OutcomeResponse, ProgressStanding
from myomap.patients.models import Patient
from myomap_core import outcomes as core
from myomap_core import progress

DUE_AFTER_DAYS = 28
"""A client in care is due for questionnaires when none was taken in this many days."""

TRACKED = (
    core.InstrumentId.NPRS,
    core.InstrumentId.ODI,
    core.InstrumentId.RMDQ,
    core.InstrumentId.PSFS,
)
"""Instruments that measure change over time. STarT Back is a screening (risk) tool."""


class Group(StrEnum):
    """The dashboard group a status puts a client in (besides "due", which is about time)."""

    NONE = ""
    WORSENING = "worsening"
    NOT_ON_TRACK = "not_on_track"
    MAINTENANCE = "maintenance"


def measurements(responses: Iterable[Any]) -> list[progress.Measurement]:
    return [
        progress.Measurement(
            instrument=core.InstrumentId(r.instrument),
            value=r.score_value,
            session=r.session_number,
            taken_on=timezone.localdate(r.taken_at),
        )
        for r in responses
        if r.instrument in TRACKED
    ]


def status_of(responses: Sequence[Any]) -> progress.ProgressStatus | None:
    found = measurements(responses)
    return progress.progress_status(found) if found else None


def group_of(status: progress.ProgressStatus | None) -> Group:
    """Worsening first; no important improvement after three or more sessions is not on
    track (the plan review is due by session 5); sustained improvement is maintenance."""
    if status is None:
        return Group.NONE
    if status.status == progress.Status.WORSENING:
        return Group.WORSENING
    if status.status == progress.Status.NOT_IMPROVING or (
        status.status == progress.Status.NOT_YET_IMPROVED and status.sessions >= 3
    ):
        return Group.NOT_ON_TRACK
    if status.status == progress.Status.READY_FOR_MAINTENANCE:
        return Group.MAINTENANCE
    return Group.NONE


def due_after(status: progress.ProgressStatus | None) -> timedelta:
    """How long after the last questionnaire the next is due: the reassessment interval for
    a client ready for maintenance, otherwise ``DUE_AFTER_DAYS``."""
    if status is not None and status.status == progress.Status.READY_FOR_MAINTENANCE:
        return timedelta(weeks=status.reassess_in_weeks or 4)
    return timedelta(days=DUE_AFTER_DAYS)


def standing_of(
    responses: Sequence[Any], *, model: type[ProgressStanding] = ProgressStanding
) -> ProgressStanding:
    """The standing one client's responses (oldest first, at least one) give, for an active
    client; ``model`` lets a migration pass its historical model."""
    status = status_of(responses)
    last = responses[-1]
    latest = {r.instrument: [r.instrument, r.score_display, r.band] for r in responses}
    return model(
        clinic_id=last.clinic_id,
        patient_id=last.patient_id,
        status=str(status.status) if status else "",
        group=str(group_of(status)),
        label=status.label if status else "",
        explanation=status.explanation if status else "",
        flag=(status.flag or "") if status else "",
        sessions=status.sessions if status else 0,
        reassess_in_weeks=status.reassess_in_weeks if status else None,
        latest=list(latest.values()),
        last_taken=last.taken_at,
        due_at=last.taken_at + due_after(status),
    )


def never_measured(
    patient: Any, *, model: type[ProgressStanding] = ProgressStanding
) -> ProgressStanding:
    """The standing of a client with no questionnaire yet: due since they were registered.
    ``patient`` needs ``pk``, ``clinic_id``, ``created_at`` and ``archived_at``."""
    return model(
        clinic_id=patient.clinic_id,
        patient_id=patient.pk,
        active=patient.archived_at is None,
        last_taken=None,
        due_at=patient.created_at,
    )


FIELDS = [
    "status",
    "group",
    "label",
    "explanation",
    "flag",
    "sessions",
    "reassess_in_weeks",
    "latest",
    "last_taken",
    "due_at",
]


def standing_start(patient: Patient) -> None:
    """Give a newly registered client their never-measured standing (one insert); called in
    the transaction that registers them."""
    never_measured(patient).save(force_insert=True)


def standing_follow_archive(patient: Patient) -> None:
    """Keep the standing's ``active`` in step with the client's archiving (one statement)."""
    active = patient.archived_at is None
    ProgressStanding.objects.filter(patient=patient).exclude(active=active).update(active=active)


def standing_refresh(patient: Patient) -> None:
    """Work out the client's standing again from their responses and store it; called in the
    transaction that stores a response."""
    responses = list(OutcomeResponse.objects.filter(patient=patient).order_by("taken_at", "id"))
    row = standing_of(responses) if responses else never_measured(patient)
    row.active = patient.archived_at is None
    ProgressStanding.objects.update_or_create(
        patient=patient, defaults={f: getattr(row, f) for f in ["clinic_id", "active", *FIELDS]}
    )


@transaction.atomic
def standings_rebuild(*, clinic: Clinic | None = None) -> int:
    """Work out every client's standing again (for one clinic, or all), those never measured
    included; returns how many.

    The rows are derived from the client and their responses and are not part of the record:
    they are replaced, not amended."""
    patients = Patient.objects.order_by("pk")
    responses = OutcomeResponse.objects.order_by("patient_id", "taken_at", "id")
    standings = ProgressStanding.objects.all()
    if clinic is not None:
        patients, responses = patients.filter(clinic=clinic), responses.filter(clinic=clinic)
        standings = standings.filter(clinic=clinic)
    by_patient: dict[int, list[OutcomeResponse]] = defaultdict(list)
    for r in responses.iterator(chunk_size=2000):
        by_patient[r.patient_id].append(r)
    standings.delete()
    rows = []
    for patient in patients.only("pk", "clinic_id", "created_at", "archived_at").iterator(
        chunk_size=2000
    ):
        found = by_patient.get(patient.pk)
        row = standing_of(found) if found else never_measured(patient)
        row.active = patient.archived_at is None
        rows.append(row)
    ProgressStanding.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def standings_fill(
    *,
    patient_model: type[Patient] = Patient,
    model: type[ProgressStanding] = ProgressStanding,
    using: str = "default",
) -> int:
    """Give every client without a standing their never-measured one, and mark the standings
    of archived clients inactive; returns how many were made. The models may be a
    migration's historical ones."""
    model.objects.using(using).filter(
        patient_id__in=patient_model.objects.using(using)
        .filter(archived_at__isnull=False)
        .values("pk")
    ).update(active=False)
    missing = list(
        patient_model.objects.using(using)
        .exclude(pk__in=model.objects.using(using).values("patient_id"))
        .only("pk", "clinic_id", "created_at", "archived_at")
        .order_by("pk")
    )
    rows = [never_measured(patient, model=model) for patient in missing]
    return len(model.objects.using(using).bulk_create(rows, batch_size=1000))
