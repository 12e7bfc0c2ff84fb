"""Per-user API tokens: created and revoked on the account page, used with
`Authorization: Bearer`, stored only as a keyed hash, scoped, expiring and audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from myomap.apitokens.models import ApiToken
from myomap.apitokens.services import token_create, token_digest
from myomap.common.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_CLIENT = {"first_name": "Ana", "last_name": "Silva", "date_of_birth": "1990-05-01"}


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _error(response) -> dict[str, object]:  # type: ignore[no-untyped-def]
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    return body["error"]  # type: ignore[no-any-return]


def test_a_token_is_created_on_the_account_page_and_shown_once(  # type: ignore[no-untyped-def]
    therapist_client, therapist, django_assert_max_num_queries
):
    url = reverse("api_tokens")
    with django_assert_max_num_queries(15):
        created = therapist_client.post(url, {"name": "Laptop", "scope": "read", "days": "30"})
    assert created.status_code == 200
    assert created["Cache-Control"] == "no-store"
    token = re.search(r"data-token>(mym_[\w-]+)<", created.content.decode()).group(1)  # type: ignore[union-attr]
    row = ApiToken.objects.get(user=therapist)
    assert (row.name, row.scope, row.prefix) == ("Laptop", "read", token[:12])
    assert row.digest == token_digest(token) and token not in row.digest  # only a keyed hash
    assert row.expires_at - timezone.now() > timedelta(days=29)
    assert AuditEvent.objects.filter(action="create", object_type="ApiToken").exists()

    with django_assert_max_num_queries(10):
        again = therapist_client.get(url).content.decode()
    assert token not in again  # shown once
    assert f"{token[:12]}…" in again and "Laptop" in again and "never" in again


def test_a_bad_token_form_names_the_field(therapist_client):  # type: ignore[no-untyped-def]
    response = therapist_client.post(
        reverse("api_tokens"), {"name": "x", "scope": "admin", "days": "30"}
    )
    assert response.status_code == 400
    assert "admin" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_api_accepts_a_token_and_audits_each_use(therapist, patient):  # type: ignore[no-untyped-def]
    row, token = token_create(actor=therapist, name="Script", scope="read", days=30)
    api = Client()
    response = api.get("/api/v1/clients", **_bearer(token))
    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == [patient.pk]
    row.refresh_from_db()
    first_use = row.last_used_at
    assert first_use is not None
    assert api.get(f"/api/v1/clients/{patient.pk}", **_bearer(token)).status_code == 200
    row.refresh_from_db()
    assert row.last_used_at == first_use  # recorded at most once a minute
    uses = AuditEvent.objects.filter(object_type="ApiToken", object_id=str(row.pk), action="view")
    assert uses.count() == 2
    assert {u.path for u in uses} == {"/api/v1/clients", f"/api/v1/clients/{patient.pk}"}
    assert all(u.actor == therapist for u in uses)


def test_a_read_write_token_writes_without_csrf_and_a_read_only_one_is_refused(therapist):  # type: ignore[no-untyped-def]
    _, writer = token_create(actor=therapist, name="Sync", scope="write", days=30)
    read_row, reader = token_create(actor=therapist, name="Report", scope="read", days=30)
    api = Client(enforce_csrf_checks=True)
    created = api.post(
        "/api/v1/clients", NEW_CLIENT, content_type="application/json", **_bearer(writer)
    )
    assert created.status_code == 201
    refused = api.post(
        "/api/v1/clients",
        {**NEW_CLIENT, "first_name": "Bea"},
        content_type="application/json",
        **_bearer(reader),
    )
    assert refused.status_code == 403
    assert _error(refused)["code"] == "forbidden"
    assert "read-only" in str(_error(refused)["message"])
    assert [p for p in NEW_CLIENT] and not therapist.clinic.patients.filter(
        first_name="Bea"
    ).exists()
    assert AuditEvent.objects.filter(
        action="login_failed", object_id=str(read_row.pk), summary__contains="read-only"
    ).exists()


def test_a_cookie_session_still_needs_csrf_on_a_write(therapist):  # type: ignore[no-untyped-def]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(therapist)
    response = browser.post("/api/v1/clients", NEW_CLIENT, content_type="application/json")
    assert response.status_code == 403


@pytest.mark.parametrize("case", ["wrong", "expired", "revoked"])
def test_a_wrong_expired_or_revoked_token_gets_401_and_is_audited(  # type: ignore[no-untyped-def]
    case, therapist, therapist_client, patient
):
    row, token = token_create(actor=therapist, name="Old", scope="write", days=30)
    if case == "wrong":
        token = token[:-4] + "AAAA"
    elif case == "expired":
        ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        revoked = therapist_client.post(reverse("api_token_revoke", args=[row.pk]))
        assert revoked.status_code == 302
        assert ApiToken.objects.get(pk=row.pk).revoked_at is not None
        assert "revoked" in therapist_client.get(reverse("api_tokens")).content.decode()
    response = Client().get(f"/api/v1/clients/{patient.pk}", **_bearer(token))
    assert response.status_code == 401
    assert _error(response)["code"] == "unauthenticated"
    refusal = AuditEvent.objects.filter(action="login_failed").latest("id")
    assert "API request refused" in refusal.summary
    assert (case if case != "wrong" else "unknown token") in refusal.summary
    assert not AuditEvent.objects.filter(action="view", object_type="ApiToken").exists()


def test_an_outsider_token_of_another_clinic_gets_404(outsider, patient):  # type: ignore[no-untyped-def]
    _, token = token_create(actor=outsider, name="Theirs", scope="write", days=30)
    response = Client().get(f"/api/v1/clients/{patient.pk}", **_bearer(token))
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"
    assert patient.pk not in [
        c["id"] for c in Client().get("/api/v1/clients", **_bearer(token)).json()
    ]


def test_only_the_owner_of_a_token_can_revoke_it(therapist, outsider, client):  # type: ignore[no-untyped-def]
    row, _ = token_create(actor=therapist, name="Mine", scope="read", days=30)
    client.force_login(outsider)
    assert client.post(reverse("api_token_revoke", args=[row.pk])).status_code == 404
    assert ApiToken.objects.get(pk=row.pk).revoked_at is None


def test_the_openapi_document_describes_both_schemes(therapist_client):  # type: ignore[no-untyped-def]
    schema = therapist_client.get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["TokenAuth"].items()
    assert schemes["SessionAuth"]["in"] == "cookie"
