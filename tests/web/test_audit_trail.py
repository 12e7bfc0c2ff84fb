"""The audit trail records the real client address and every API read of client identities."""

from __future__ import annotations

import pytest

from myomap.common.models import AuditEvent

pytestmark = pytest.mark.django_db


def _last_address(client, patient, **headers) -> str | None:  # type: ignore[no-untyped-def]
    assert client.get(f"/api/v1/clients/{patient.pk}", **headers).status_code == 200
    return AuditEvent.objects.filter(patient=patient).latest("id").ip_address


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(therapist_client, patient):  # type: ignore[no-untyped-def]
    address = _last_address(
        therapist_client,
        patient,
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert address == "203.0.113.9"


def test_the_trusted_proxy_names_the_client(settings, therapist_client, patient):  # type: ignore[no-untyped-def]
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    # The client prepended a forged entry; the proxy appended what it saw.
    address = _last_address(
        therapist_client,
        patient,
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7",
    )
    assert address == "198.51.100.7"
    # Two proxies in a row: the nearest address that is not a proxy is the client.
    address = _last_address(
        therapist_client,
        patient,
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="198.51.100.8, 10.0.0.7",
    )
    assert address == "198.51.100.8"
    # A malformed entry is never stored: the proxy's own address is.
    address = _last_address(
        therapist_client,
        patient,
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="not-an-address",
    )
    assert address == "10.0.0.5"


def test_an_api_client_list_is_audited_with_the_names_read(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    before = AuditEvent.objects.count()
    response = therapist_client.get("/api/v1/clients?limit=200")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == [patient.pk]
    row = AuditEvent.objects.latest("id")
    assert AuditEvent.objects.count() == before + 1
    assert (row.action, row.actor, row.clinic) == ("view", therapist, therapist.clinic)
    assert row.summary == "Listed 1 clients through the API (from #1): Maria Lopez"
    assert row.path == "/api/v1/clients?limit=200"
    # A page with nobody on it reads nobody's identity.
    assert therapist_client.get("/api/v1/clients?offset=10").json() == []
    assert AuditEvent.objects.count() == before + 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("offset=-1", "offset"),
        (f"offset={2**63}", "offset"),
        ("offset=abc", "offset"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        (f"limit={-(2**63)}", "limit"),
        ("q=" + "x" * 101, "q"),
    ],
)
def test_bad_paging_is_refused_naming_the_field(therapist_client, patient, query, field):  # type: ignore[no-untyped-def]
    response = therapist_client.get(f"/api/v1/clients?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
