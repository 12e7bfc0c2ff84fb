"""Schemathesis against the OpenAPI document, in-process (no network): generated requests as a
therapist with a session, as a therapist with a read-write API token, and as a therapist of
another clinic. No server error, every status
and body as documented."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from myomap.api import api
from myomap.apitokens.services import token_create
from myomap.wsgi import application

EXAMPLES = 6
"""Generated requests per operation and persona: bounded, so the suite stays quick."""

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _session(client: Client, user) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A logged-in browser's cookies and CSRF header, as the API's cookie auth expects."""
    client.force_login(user)
    client.get("/clients/")
    csrf = client.cookies["csrftoken"].value
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
        "headers": {"X-CSRFToken": csrf},
    }


@pytest.fixture
def direct_wsgi():  # type: ignore[no-untyped-def]
    """Calling the WSGI application directly would close the test's database connection at
    the end of each request; Django's own test client keeps it open the same way.
    (Request it after any fixture that uses Django's test client, which reconnects them.)"""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def therapist_session(therapist):  # type: ignore[no-untyped-def]
    return _session(Client(), therapist)


@pytest.fixture
def therapist_token(therapist):  # type: ignore[no-untyped-def]
    """A read-write API token: no cookie, no CSRF header."""
    _, token = token_create(actor=therapist, name="fuzz", scope="write", days=30)
    return {"headers": {"Authorization": f"Bearer {token}"}}


@pytest.fixture
def outsider_session(outsider):  # type: ignore[no-untyped-def]
    return _session(Client(), outsider)


_SETTINGS = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.django_db
@schema.parametrize()
@_SETTINGS
def test_the_api_as_a_therapist(case, therapist_session, direct_wsgi, patient):  # type: ignore[no-untyped-def]
    case.call_and_validate(**therapist_session, checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@_SETTINGS
def test_the_api_with_a_token(case, therapist_token, direct_wsgi, patient):  # type: ignore[no-untyped-def]
    case.call_and_validate(**therapist_token, checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@_SETTINGS
def test_the_api_as_an_outsider(case, outsider_session, direct_wsgi, patient):  # type: ignore[no-untyped-def]
    response = case.call_and_validate(**outsider_session, checks=CHECKS)
    if f"/clients/{patient.pk}" in case.formatted_path:
        assert response.status_code >= 400  # never another clinic's client
