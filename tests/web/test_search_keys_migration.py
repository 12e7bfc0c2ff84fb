"""The migration that writes the search keys of clients registered before there were any."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

PATIENTS_BEFORE = ("patients", "0001_initial")


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    """Every app's newest migration: where each test leaves the database for the next."""
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _before() -> list[tuple[str, str]]:
    """Every other app as it is now, the clients' app before its search keys."""
    return [node for node in _latest() if node[0] != "patients"] + [PATIENTS_BEFORE]


@pytest.mark.django_db(transaction=True)
def test_clients_registered_before_the_keys_are_found_after_migrating():  # type: ignore[no-untyped-def]
    apps = _migrate(_before())
    clinic = apps.get_model("clinics", "Clinic").objects.create(name="Old", slug="old")
    Patient = apps.get_model("patients", "Patient")
    Patient.objects.create(
        clinic=clinic,
        first_name="Zoë",
        last_name="Ní Bhriain",
        date_of_birth=date(1961, 2, 3),
        phone="+353 1 555 0199",
        phone_digits="35315550199",
        email="zoe@example.ie",
    )
    try:
        apps = _migrate(_latest())
        keys = set(
            apps.get_model("patients", "PatientSearchKey").objects.values_list("key", flat=True)
        )
        assert {"zoe", "ni", "bhriain", "0199", "19610203"} <= keys
        assert "ë" not in "".join(keys)
    finally:
        _migrate(_latest())
