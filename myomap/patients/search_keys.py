"""A client's search keys as rows: built for any number of clients, and backfilled.

Works on the model classes it is given, so the data migration can pass its historical ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from myomap.common.search import client_keys

BATCH = 2000


def search_key_rows(patients: Iterable[Any], key_model: type[Any]) -> list[Any]:
    """Unsaved ``key_model`` rows: every key of every client in ``patients``."""
    return [
        key_model(clinic_id=patient.clinic_id, patient_id=patient.pk, key=key)
        for patient in patients
        for key in sorted(
            client_keys(
                names=(patient.first_name, patient.last_name, patient.preferred_name),
                email=patient.email,
                phone_digits=patient.phone_digits,
                born=patient.date_of_birth,
            )
        )
    ]


def search_keys_backfill(patient_model: type[Any], key_model: type[Any]) -> int:
    """Write the keys of every client that has none; returns how many clients got keys."""
    missing = patient_model._base_manager.exclude(
        pk__in=key_model._base_manager.values("patient_id")
    ).order_by("pk")
    done = 0
    last = 0
    while batch := list(missing.filter(pk__gt=last)[:BATCH]):
        key_model._base_manager.bulk_create(search_key_rows(batch, key_model), batch_size=BATCH)
        done += len(batch)
        last = batch[-1].pk
    return done
