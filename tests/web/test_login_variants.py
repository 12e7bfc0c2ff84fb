"""Persona tests: a variant of a username is the same account, for login and for lockout."""

from __future__ import annotations

import pytest
from django.urls import reverse

from myomap.clinics.models import LoginFailure, Role, User
from myomap.clinics.services import user_create
from myomap.common.models import AuditEvent
from tests.web.conftest import PASSWORD

VARIANTS = [
    pytest.param("therapist ", id="trailing-space"),
    pytest.param(" therapist", id="leading-space"),
    pytest.param("ｔherapist", id="full-width-letter"),
    pytest.param("ＴＨＥＲＡＰＩＳＴ", id="full-width-capitals"),
    pytest.param("Therapist", id="capital"),
    pytest.param("THERAPIST", id="all-capitals"),
]


def _log_in(client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_variant_of_the_name_logs_in_to_the_same_account(client, therapist, variant):  # type: ignore[no-untyped-def]
    response = _log_in(client, variant, PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("patients:list")).status_code == 200
    assert AuditEvent.objects.get(action="login").actor == therapist


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_variant_gets_no_fresh_tries_after_the_lockout(client, therapist, settings, variant):  # type: ignore[no-untyped-def]
    for _ in range(settings.LOGIN_MAX_FAILURES):
        _log_in(client, "therapist", "wrong")
    response = _log_in(client, variant, PASSWORD)
    assert response.status_code == 429
    assert b"paused" in response.content
    assert client.get(reverse("patients:list")).status_code == 302
    assert not AuditEvent.objects.filter(action="login").exists()


def test_failures_under_different_spellings_add_up_to_one_lockout(client, therapist, settings):  # type: ignore[no-untyped-def]
    spellings = ["therapist ", "ｔherapist", "Therapist", "THERAPIST", " therapist"]
    assert len(spellings) == settings.LOGIN_MAX_FAILURES
    for name in spellings:
        _log_in(client, name, "wrong")
    assert set(LoginFailure.objects.values_list("username", flat=True)) == {"therapist"}
    assert _log_in(client, "therapist", PASSWORD).status_code == 429
    failed = AuditEvent.objects.filter(action="login_failed")
    assert failed.count() == settings.LOGIN_MAX_FAILURES
    assert {e.actor for e in failed} == {therapist}


def test_one_address_is_locked_after_failures_across_many_names(client, therapist, settings):  # type: ignore[no-untyped-def]
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 8
    for i in range(settings.LOGIN_MAX_FAILURES_PER_ADDRESS):
        _log_in(client, f"guess-{i}", "wrong")
    # The therapist's own account has no failures, but this address is paused.
    response = _log_in(client, "therapist", PASSWORD)
    assert response.status_code == 429
    assert b"paused" in response.content
    # Another address is not.
    elsewhere = client.post(
        reverse("login"),
        {"username": "therapist", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert elsewhere.status_code == 302


def test_the_lockout_message_does_not_reveal_if_the_account_exists(client, therapist, settings):  # type: ignore[no-untyped-def]
    for name in ("therapist", "nobody-here"):
        for _ in range(settings.LOGIN_MAX_FAILURES):
            client.post(
                reverse("login"), {"username": name, "password": "wrong"}, REMOTE_ADDR="192.0.2.1"
            )
    real = client.post(
        reverse("login"), {"username": "therapist", "password": "x"}, REMOTE_ADDR="192.0.2.9"
    )
    made_up = client.post(
        reverse("login"), {"username": "nobody-here", "password": "x"}, REMOTE_ADDR="192.0.2.9"
    )
    assert real.status_code == made_up.status_code == 429
    assert real.context["form"].non_field_errors() == made_up.context["form"].non_field_errors()
    wrong_real = client.post(
        reverse("login"), {"username": "owner", "password": "x"}, REMOTE_ADDR="192.0.2.10"
    )
    wrong_made_up = client.post(
        reverse("login"), {"username": "nobody-else", "password": "x"}, REMOTE_ADDR="192.0.2.10"
    )
    assert wrong_real.status_code == wrong_made_up.status_code == 400
    assert (
        wrong_real.context["form"].non_field_errors()
        == wrong_made_up.context["form"].non_field_errors()
    )


def test_a_successful_login_clears_the_account_but_not_the_address(client, therapist, settings):  # type: ignore[no-untyped-def]
    _log_in(client, "nobody", "wrong")
    _log_in(client, "Therapist", "wrong")
    assert _log_in(client, "therapist", PASSWORD).status_code == 302
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["nobody"]


@pytest.mark.parametrize("variant", ["Therapist", "therapist ", "ｔｈｅｒａｐｉｓｔ"])
def test_a_variant_of_an_existing_name_cannot_be_created(clinic, therapist, variant):  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        user_create(clinic=clinic, username=variant, password=PASSWORD, role=Role.THERAPIST)
    assert "username" in refused.value.message_dict
    assert User.objects.filter(clinic=clinic, role=Role.THERAPIST).count() == 1


def test_names_are_stored_in_their_normal_form(clinic):  # type: ignore[no-untyped-def]
    user = user_create(
        clinic=clinic, username="  Ｊｏ.Smith ", password=PASSWORD, role=Role.FRONT_DESK
    )
    assert user.username == "jo.smith"
    assert User.objects.get_by_natural_key("JO.SMITH ") == user
    created = User.objects.create_user(username="ＢＥＮ", password=PASSWORD)
    assert created.username == "ben"
