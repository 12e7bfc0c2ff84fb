"""When each client was first screened, kept on the client row (``Patient.first_screened_at``)
so the dashboard finds the clients never screened through an index (decision 0026).

Screenings are never deleted, so once set the marker stays true and is never cleared. A
screening stored by ``screening_run`` marks its client in the same transaction; code that
inserts screenings without it (``bulk_create``, a bulk loader) calls ``first_screened_fill``.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Exists, OuterRef, Subquery

from myomap.patients.models import Patient
from myomap.screening.models import Screening


def first_screened_mark(screening: Screening) -> None:
    """Mark ``screening``'s client as screened from it, unless an earlier screening did."""
    patient = screening.patient
    if patient.first_screened_at is not None:
        return
    marked = Patient.objects.filter(pk=patient.pk, first_screened_at__isnull=True).update(
        first_screened_at=screening.created_at
    )
    # The instance in hand must not write the column back empty if it is saved again.
    if marked:
        patient.first_screened_at = screening.created_at
    else:  # marked meanwhile, by a screening stored since this instance was read
        patient.refresh_from_db(fields=["first_screened_at"])


def first_screened_fill(
    *,
    patient_model: Any = Patient,
    screening_model: Any = Screening,
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """Mark every unmarked client who has a screening with their first one's time, in one
    update; returns how many were marked. The models may be a migration's historical ones."""
    screenings = screening_model.objects.using(using).filter(patient=OuterRef("pk"))
    first = screenings.order_by("created_at", "id").values("created_at")[:1]
    updated: int = (
        patient_model.objects.using(using)
        .filter(Exists(screenings), first_screened_at__isnull=True)
        .update(first_screened_at=Subquery(first))
    )
    return updated
