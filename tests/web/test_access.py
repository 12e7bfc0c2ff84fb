"""Nobody outside the clinic reaches a client: every client URL is enumerated, not listed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from myomap.intake.models import IntakeLink
from tests.web.scoped import scoped_ids

NOT_CLIENT_SCOPED = {"token", "slug", "category", "muscle_id", "user_id"}
"""URL parameters that do not name a client's object: private-link tokens, section and test-group
slugs, knowledge-base ids, members of staff (the owner's reset of a second factor, tested in
test_two_factor.py: another clinic's owner gets 404)."""


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, ns)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def client_scoped_urls(ids: dict[str, object], *, api: bool = False) -> list[str]:
    """Every named URL that takes a client-scoped id, filled with ids of our clinic.

    Access is checked before the method, so even a GET on a POST-only URL answers 404.
    """
    urls = []
    for name, pattern in _patterns(get_resolver()):
        params = set(pattern.pattern.converters)
        if not params - NOT_CLIENT_SCOPED or name.startswith("api:") != api:
            continue
        missing = params - set(ids)
        assert not missing, (
            f"{name} takes {sorted(missing)}: add a module to tests/web/scoped/ that makes one"
        )
        kwargs = {p: ids[p] for p in params}
        urls.append(reverse(name, kwargs=kwargs))
    return urls


@pytest.fixture
def ids(therapist, patient):  # type: ignore[no-untyped-def]
    return {"patient_id": patient.pk, **scoped_ids(therapist, patient)}


def test_the_enumeration_finds_the_client_pages(ids):  # type: ignore[no-untyped-def]
    urls = client_scoped_urls(ids)
    assert len(urls) >= 10, urls
    assert reverse("chart:client", args=[ids["patient_id"]]) in urls


@pytest.mark.parametrize("method", ["get", "post"])
def test_outsider_therapist_gets_404_on_every_client_url(client: Client, outsider, ids, method):  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    for url in client_scoped_urls(ids):
        response = getattr(client, method)(url)
        assert response.status_code == 404, f"{method.upper()} {url} gave {response.status_code}"


def test_outsider_gets_404_from_every_client_endpoint_of_the_api(client: Client, outsider, ids):  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    paths = client_scoped_urls(ids, api=True)
    assert f"/api/v1/clients/{ids['patient_id']}/pain-maps" in paths
    for path in paths:
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_anonymous_visitors_are_sent_to_login(client: Client, ids):  # type: ignore[no-untyped-def]
    for url in client_scoped_urls(ids):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_front_desk_sees_demographics_but_not_clinical_content(client: Client, front_desk, ids):  # type: ignore[no-untyped-def]
    client.force_login(front_desk)
    page = client.get(reverse("chart:client", args=[ids["patient_id"]]))
    assert page.status_code == 200
    assert b"Pain body map" not in page.content
    assert (
        client.get(reverse("intake:detail", args=[ids["patient_id"], ids["intake_id"]])).status_code
        == 403
    )
    assert client.get(reverse("intake:pain_map_new", args=[ids["patient_id"]])).status_code == 403
    assert client.get(f"/api/v1/clients/{ids['patient_id']}/pain-maps").status_code == 403
    assert client.get(reverse("interop:fhir", args=[ids["patient_id"]])).status_code == 403
    assert client.get(f"/api/v1/clients/{ids['patient_id']}/fhir").status_code == 403
    assert client.get(reverse("interop:record_zip", args=[ids["patient_id"]])).status_code == 403
    assert client.get(f"/api/v1/clients/{ids['patient_id']}/record.zip").status_code == 403


def test_the_front_desk_timeline_leaves_clinical_entries_out(client: Client, front_desk, ids):  # type: ignore[no-untyped-def]
    client.force_login(front_desk)
    page = client.get(reverse("chart:client", args=[ids["patient_id"]])).content.decode()
    timeline = page.split("<h2>Timeline</h2>")[1].split("</section>")[0]
    assert "Registered client" in timeline
    assert "pain map" not in timeline  # made by the ids fixture, and clinical


def test_every_read_of_a_client_is_in_the_audit_log(therapist_client, patient):  # type: ignore[no-untyped-def]
    from myomap.common.models import AuditEvent

    before = AuditEvent.objects.filter(patient=patient, action="view").count()
    therapist_client.get(reverse("chart:client", args=[patient.pk]), REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.filter(patient=patient, action="view").latest("id")
    assert AuditEvent.objects.filter(patient=patient, action="view").count() == before + 1
    assert event.actor_label == "Therapist Tester"
    assert event.ip_address == "10.1.2.3"
    assert event.path == reverse("chart:client", args=[patient.pk])


def test_a_link_of_another_clinic_cannot_be_revoked(client: Client, outsider, ids):  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    client.post(reverse("intake:link_revoke", args=[ids["patient_id"], ids["link_id"]]))
    assert IntakeLink.objects.get(pk=ids["link_id"]).private.revoked_at is None
