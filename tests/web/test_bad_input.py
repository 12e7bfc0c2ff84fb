"""No input gives a server error: each is refused with a 4xx naming the field, storing nothing."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from myomap.common.models import AuditEvent, PrivateLink
from myomap.patients.models import Patient
from myomap.sessions.services import session_start
from tests.web.scoped.sessions import make_plan
from tests.web.test_sessions import tap

pytestmark = pytest.mark.django_db

CLIENT = {
    "first_name": "Ana",
    "last_name": "Silva",
    "date_of_birth": "1975-06-01",
    "sex": "female",
}


def _api_post(client, path: str, body: str, **extra):  # type: ignore[no-untyped-def]
    return client.post(path, data=body, content_type="application/json", **extra)


def _error(response) -> tuple[int, str | None]:  # type: ignore[no-untyped-def]
    return response.status_code, response.json()["error"]["field"]


def test_a_deeply_nested_body_is_refused(therapist_client):  # type: ignore[no-untyped-def]
    response = _api_post(therapist_client, "/api/v1/screening", "[" * 100_000 + "]" * 100_000)
    assert _error(response) == (422, "body")
    assert "nests more than 32 levels" in response.json()["error"]["message"]
    nested: object = {"age": 50}
    for _ in range(40):
        nested = {"answers": nested}
    assert _error(_api_post(therapist_client, "/api/v1/screening", json.dumps(nested)))[0] == 422


def test_a_body_over_a_megabyte_is_refused(therapist_client):  # type: ignore[no-untyped-def]
    body = json.dumps({**CLIENT, "address": "x" * 1_100_000})
    assert _error(_api_post(therapist_client, "/api/v1/clients", body)) == (413, "body")
    assert not Patient.objects.filter(first_name="Ana").exists()


def test_a_body_that_is_not_json_is_refused(therapist_client):  # type: ignore[no-untyped-def]
    response = _api_post(therapist_client, "/api/v1/clients", "{not json")
    assert _error(response) == (422, "body")


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f"])
def test_control_characters_in_json_are_refused_naming_the_field(therapist_client, char):  # type: ignore[no-untyped-def]
    body = json.dumps({**CLIENT, "occupation": f"Nurse{char}"})
    response = _api_post(therapist_client, "/api/v1/clients", body)
    assert _error(response) == (422, "occupation")
    assert f"U+{ord(char):04X}" in response.json()["error"]["message"]
    assert not Patient.objects.filter(first_name="Ana").exists()


def test_a_nul_in_a_query_parameter_is_refused(therapist_client):  # type: ignore[no-untyped-def]
    response = therapist_client.get("/api/v1/clients", {"q": "Lo\x00pez"})
    assert _error(response) == (400, "q")
    page = therapist_client.get(reverse("patients:list"), {"q": "Lo\x00pez"})
    assert page.status_code == 400
    assert b"q: contains the control character U+0000" in page.content


@pytest.mark.parametrize(
    ("field", "value"),
    [("last_name", "Silva\nDROP"), ("first_name", "An\ra"), ("last_name", "Sil\u2028va")],
)
def test_a_line_break_in_a_name_is_refused(therapist_client, field, value):  # type: ignore[no-untyped-def]
    response = _api_post(therapist_client, "/api/v1/clients", json.dumps({**CLIENT, field: value}))
    assert _error(response) == (422, field)
    assert "one line" in response.json()["error"]["message"]
    page = therapist_client.post(reverse("patients:new"), {**CLIENT, field: value})
    assert page.status_code == 400
    assert "A name is one line: remove the line break." in page.content.decode()
    assert not Patient.objects.filter(first_name__startswith="Ana").exists()


@pytest.mark.parametrize("born", ["9999-12-31", "0001-01-01", "1899-12-31", "2999-01-01"])
def test_a_date_of_birth_outside_1900_to_today_is_refused(therapist_client, born):  # type: ignore[no-untyped-def]
    response = _api_post(
        therapist_client, "/api/v1/clients", json.dumps({**CLIENT, "date_of_birth": born})
    )
    assert _error(response) == (422, "date_of_birth")
    assert not Patient.objects.filter(first_name="Ana").exists()


def test_the_earliest_date_of_birth_is_accepted(therapist_client):  # type: ignore[no-untyped-def]
    body = json.dumps({**CLIENT, "date_of_birth": "1900-01-01"})
    assert _api_post(therapist_client, "/api/v1/clients", body).status_code == 201


@pytest.mark.parametrize("seq", [2**63, 2**31, -1])
def test_an_event_seq_out_of_range_is_refused(therapist_client, therapist, screened, seq):  # type: ignore[no-untyped-def]
    patient = screened
    make_plan(therapist, patient)
    session = session_start(actor=therapist, patient=patient)
    response = _api_post(
        therapist_client,
        f"/api/v1/clients/{patient.pk}/sessions/{session.pk}/events",
        json.dumps({"events": [tap(1, "twitch", 1) | {"seq": seq}]}),
    )
    assert response.status_code in (400, 422)
    assert response.json()["error"]["field"].endswith("seq")
    assert not session.events.exists()


@pytest.mark.parametrize(
    "email", ["maria@example.org\nBcc: all@example.org", "not-an-address", "a@b@c"]
)
def test_an_intake_link_email_is_checked_before_anything_is_stored(  # type: ignore[no-untyped-def]
    therapist_client, patient, email
):
    before = AuditEvent.objects.count()
    response = therapist_client.post(
        reverse("intake:link_create", args=[patient.pk]), {"send": "1", "email": email}
    )
    assert response.status_code == 400
    assert 'data-field="email"' in response.content.decode()
    assert "Nothing was created or sent." in response.content.decode()
    assert not PrivateLink.objects.filter(patient=patient).exists()
    # Only the read of the client record is logged: no link, no "sent" entry.
    assert set(
        AuditEvent.objects.filter(pk__gt=0).order_by("id")[before:].values_list("action", flat=True)
    ) <= {"view"}
