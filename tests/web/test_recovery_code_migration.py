"""Recovery codes stored before they were hashed are hashed in place, and keep working."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from myomap.clinics.two_factor import recovery_digest
from tests.web.conftest import PASSWORD
from tests.web.two_factor_helpers import enrol_app

BEFORE = [("clinics", "0004_clinic_require_two_factor"), ("otp_static", "0003_add_timestamps")]
AFTER = [("clinics", "0005_recovery_codes_hashed")]


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_plain_recovery_codes_are_hashed_and_still_log_in(client, therapist):  # type: ignore[no-untyped-def]
    enrol_app(therapist)
    apps = _migrate(BEFORE)
    try:
        StaticDevice = apps.get_model("otp_static", "StaticDevice")
        StaticToken = apps.get_model("otp_static", "StaticToken")
        device = StaticDevice.objects.create(user_id=therapist.pk, name="Recovery", confirmed=True)
        StaticToken.objects.create(device=device, token="abcd2345")
        apps = _migrate(AFTER)
        stored = apps.get_model("otp_static", "StaticToken").objects.get(device_id=device.pk)
        assert stored.token == recovery_digest("abcd2345")
    finally:
        executor = MigrationExecutor(connection)
        _migrate(list(executor.loader.graph.leaf_nodes()))
    client.post(reverse("login"), {"username": "therapist", "password": PASSWORD})
    response = client.post(reverse("two_factor_verify"), {"code": "abcd2345"})
    assert response.status_code == 302, response.content[:300]
