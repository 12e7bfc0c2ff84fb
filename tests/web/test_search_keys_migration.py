"""The migration that writes the search keys of clients registered before there were any."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.migrating import latest, migrate_to

PATIENTS_BEFORE = ("patients", "0001_initial")


def _before() -> list[tuple[str, str]]:
    """The clients' app before its search keys; every other app as new as it can be without
    a later migration of the clients' app (the screening's needs one)."""
    graph = MigrationExecutor(connection).loader.graph
    later = {n for n in graph.nodes if n[0] == "patients" and n[1] > PATIENTS_BEFORE[1]}
    targets = [PATIENTS_BEFORE]
    for node in graph.leaf_nodes():
        if node[0] == "patients":
            continue
        while later & set(graph.forwards_plan(node)):
            node = next(p for p in graph.node_map[node].parents if p[0] == node[0])
        targets.append(node)
    return targets


@pytest.mark.django_db(transaction=True)
def test_clients_registered_before_the_keys_are_found_after_migrating():  # type: ignore[no-untyped-def]
    apps = migrate_to(_before())
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
        apps = migrate_to(latest())
        keys = set(
            apps.get_model("patients", "PatientSearchKey").objects.values_list("key", flat=True)
        )
        assert {"zoe", "ni", "bhriain", "0199", "19610203"} <= keys
        assert "ë" not in "".join(keys)
    finally:
        migrate_to(latest())
