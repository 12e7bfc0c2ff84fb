"""Two-factor login through the pages and the API: enrolment, the second step of logging in,
the lockout, recovery codes, the trusted browser, and the owner's requirement and reset."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from myomap.clinics.models import LoginFailure
from myomap.clinics.two_factor import TRUST_COOKIE, recovery_digest
from myomap.common.models import AuditEvent
from tests.web.conftest import PASSWORD
from tests.web.two_factor_helpers import code_for, enrol_app, enrol_recovery

CLIENTS = "/api/v1/clients"


def _log_in(client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


def _verify(client, code: str, trust: bool = False):  # type: ignore[no-untyped-def]
    data = {"code": code, **({"trust": "on"} if trust else {})}
    return client.post(reverse("two_factor_verify"), data)


def test_enrol_an_app_from_the_account_page(client, therapist, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    assert _log_in(client, "therapist").status_code == 302
    with django_assert_max_num_queries(12):
        page = client.get(reverse("account"))
    assert page.status_code == 200
    assert b"Off." in page.content
    assert client.post(reverse("two_factor_app_start")).status_code == 302
    with django_assert_max_num_queries(12):
        setup = client.get(reverse("two_factor_app"))
    assert setup.status_code == 200
    assert b"data:image/svg+xml" in setup.content
    device = TOTPDevice.objects.get(user=therapist)
    assert not device.confirmed
    secret = setup.context["secret"]
    assert secret.replace(" ", "") in setup.content.decode().replace(" ", "")

    wrong = client.post(reverse("two_factor_app"), {"code": "000000"})
    assert wrong.status_code == 400
    assert b"does not match" in wrong.content
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    done = client.post(reverse("two_factor_app"), {"code": code_for(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert all(c.encode() in done.content for c in codes)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert StaticToken.objects.filter(device__user=therapist).count() == 10
    audit = AuditEvent.objects.filter(actor=therapist, action="create")
    assert {e.summary for e in audit} == {
        "Enrolled an authenticator app for two-factor login",
        "Created 10 recovery codes for two-factor login",
    }
    # The codes are shown once: the account page counts them, never lists them.
    again = client.get(reverse("account"))
    assert b"On." in again.content
    assert codes[0].encode() not in again.content


def test_login_asks_for_the_code_after_the_password(
    client, therapist, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    device = enrol_app(therapist)
    response = _log_in(client, "Therapist ")
    assert response.status_code == 302
    assert response.url == reverse("two_factor_verify")
    # Until the code is given, nothing else opens: pages redirect, the API answers 401.
    assert client.get(reverse("patients:list")).url == reverse("two_factor_verify")
    api = client.get(CLIENTS)
    assert api.status_code == 401
    assert api.json()["error"]["code"] == "second_factor_required"
    with django_assert_max_num_queries(10):
        page = client.get(reverse("two_factor_verify"))
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"]
    assert "no-store" in page.headers["Cache-Control"]

    done = _verify(client, code_for(device))
    assert done.status_code == 302
    assert client.get(reverse("patients:list")).status_code == 200
    assert client.get(CLIENTS).status_code == 200
    summaries = list(
        AuditEvent.objects.filter(actor=therapist, action="login")
        .order_by("id")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "Password accepted; second factor asked",
        "Logged in with a code from the authenticator app",
    ]


def test_the_same_code_is_not_accepted_twice(client, therapist):  # type: ignore[no-untyped-def]
    device = enrol_app(therapist)
    code = code_for(device)
    _log_in(client, "therapist")
    assert _verify(client, code).status_code == 302
    client.post(reverse("logout"))
    _log_in(client, "therapist")
    assert _verify(client, code).status_code == 400


def test_five_wrong_codes_lock_like_passwords(client, therapist, settings):  # type: ignore[no-untyped-def]
    device = enrol_app(therapist)
    _log_in(client, "therapist")
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        wrong = _verify(client, "123456")
        assert wrong.status_code == 400
        assert b"is not right" in wrong.content
    locked = _verify(client, "654321")
    assert locked.status_code == 429
    assert b"paused" in locked.content
    # The half-logged-in session is over, and the right password with the right code fails.
    assert client.get(reverse("patients:list")).status_code == 302
    assert _log_in(client, "therapist").status_code == 429
    assert LoginFailure.objects.filter(username="therapist").count() == 5
    assert (
        AuditEvent.objects.filter(
            action="login_failed", summary="Wrong second factor for 'therapist'"
        ).count()
        == 5
    )
    assert code_for(device)  # the app still works once the window has passed


def test_the_password_alone_buys_no_fresh_tries_at_the_code(client, therapist, settings):  # type: ignore[no-untyped-def]
    enrol_app(therapist)
    _log_in(client, "therapist", "wrong password")
    _log_in(client, "therapist", "wrong password")
    _log_in(client, "therapist")
    _verify(client, "111111")
    _verify(client, "333333")
    client.post(reverse("logout"))
    assert _log_in(client, "therapist").status_code == 302
    assert _verify(client, "222222").status_code == 429
    assert LoginFailure.objects.filter(username="therapist").count() == 5


def test_a_recovery_code_works_once(client, therapist):  # type: ignore[no-untyped-def]
    enrol_app(therapist)
    codes = enrol_recovery(therapist)
    _log_in(client, "therapist")
    used = _verify(client, codes[0])
    assert used.status_code == 302
    assert client.get(reverse("patients:list")).status_code == 200
    assert StaticToken.objects.filter(device__user=therapist).count() == 9
    assert AuditEvent.objects.filter(summary="Logged in with a recovery code").count() == 1
    client.post(reverse("logout"))
    _log_in(client, "therapist")
    again = _verify(client, codes[0])
    assert again.status_code == 400
    assert client.get(reverse("patients:list")).status_code == 302


def test_a_trusted_browser_is_not_asked_again(client, therapist):  # type: ignore[no-untyped-def]
    device = enrol_app(therapist)
    _log_in(client, "therapist")
    response = _verify(client, code_for(device), trust=True)
    cookie = response.cookies[TRUST_COOKIE]
    assert cookie["httponly"]
    assert int(cookie["max-age"]) == 30 * 24 * 3600
    client.post(reverse("logout"))
    back = _log_in(client, "therapist")
    assert back.url == reverse("home")
    assert client.get(reverse("patients:list")).status_code == 200
    assert AuditEvent.objects.filter(
        summary="Logged in (second factor remembered by this browser)"
    ).exists()


def test_a_forged_or_outdated_trust_cookie_is_refused(client, therapist):  # type: ignore[no-untyped-def]
    device = enrol_app(therapist)
    _log_in(client, "therapist")
    _verify(client, code_for(device), trust=True)
    client.post(reverse("logout"))
    # A new second factor (after a reset) makes the old trust worthless.
    device.delete()
    enrol_app(therapist)
    assert _log_in(client, "therapist").url == reverse("two_factor_verify")
    client.post(reverse("logout"))
    client.cookies[TRUST_COOKIE] = f"{therapist.pk}:forged"
    assert _log_in(client, "therapist").url == reverse("two_factor_verify")


def test_owner_requires_two_factor_and_enrolment_is_forced(
    client, owner, therapist, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    client.force_login(owner)
    refused = client.post(reverse("clinic_security"), {"require_two_factor": "on"})
    assert refused.status_code == 400
    assert b"Set up your own second factor first" in refused.content
    owner.clinic.refresh_from_db()
    assert not owner.clinic.require_two_factor
    owner_app = enrol_app(owner)
    client.post(reverse("logout"))
    _log_in(client, "owner")
    _verify(client, code_for(owner_app))
    with django_assert_max_num_queries(14):
        page = client.get(reverse("clinic_security"))
    assert page.status_code == 200
    saved = client.post(reverse("clinic_security"), {"require_two_factor": "on"})
    assert saved.status_code == 302
    owner.clinic.refresh_from_db()
    assert owner.clinic.require_two_factor
    assert AuditEvent.objects.filter(
        actor=owner, action="update", summary="Required two-factor login for every user"
    ).exists()
    client.post(reverse("logout"))

    assert _log_in(client, "therapist").url == reverse("account")
    assert client.get(reverse("patients:list")).url == reverse("account")
    assert client.get(reverse("password_change")).url == reverse("account")
    assert client.get(CLIENTS).status_code == 401
    page = client.get(reverse("account"))
    assert page.status_code == 200
    assert b"Your clinic requires two-factor login" in page.content
    client.post(reverse("two_factor_app_start"))
    device = TOTPDevice.objects.get(user=therapist)
    assert client.post(reverse("two_factor_app"), {"code": code_for(device)}).status_code == 200
    assert client.get(reverse("patients:list")).status_code == 200


def test_owner_resets_a_second_factor_audited(client, owner, therapist):  # type: ignore[no-untyped-def]
    enrol_app(therapist)
    enrol_recovery(therapist)
    client.force_login(owner)
    page = client.get(reverse("clinic_security"))
    assert b"Reset second factor" in page.content
    response = client.post(reverse("clinic_security_reset", args=[therapist.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=therapist).exists()
    assert not StaticToken.objects.filter(device__user=therapist).exists()
    event = AuditEvent.objects.get(action="revoke")
    assert event.actor == owner
    assert event.clinic == owner.clinic
    assert "Therapist" in event.summary
    client.post(reverse("logout"))
    assert _log_in(client, "therapist").url == reverse("home")


@pytest.mark.parametrize(("persona", "status"), [("front_desk", 403), ("therapist", 403)])
def test_staff_who_are_not_the_owner_cannot_reset(client, request, owner, persona, status):  # type: ignore[no-untyped-def]
    enrol_app(owner)
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("clinic_security_reset", args=[owner.pk])).status_code == status
    assert client.get(reverse("clinic_security")).status_code == status
    assert (
        client.post(reverse("clinic_security"), {"require_two_factor": "on"}).status_code == status
    )
    assert TOTPDevice.objects.filter(user=owner).exists()
    owner.clinic.refresh_from_db()
    assert not owner.clinic.require_two_factor
    assert not AuditEvent.objects.filter(action__in=["revoke", "update"]).exists()


def test_another_clinics_owner_cannot_reset(client, therapist, other_clinic):  # type: ignore[no-untyped-def]
    from myomap.clinics.models import Role
    from myomap.clinics.services import user_create

    stranger = user_create(clinic=other_clinic, username="boss", password=PASSWORD, role=Role.OWNER)
    enrol_app(therapist)
    client.force_login(stranger)
    assert client.post(reverse("clinic_security_reset", args=[therapist.pk])).status_code == 404
    assert TOTPDevice.objects.filter(user=therapist).exists()
    assert not AuditEvent.objects.filter(action="revoke").exists()


def test_the_user_removes_their_own_second_factor_audited(client, therapist):  # type: ignore[no-untyped-def]
    device = enrol_app(therapist)
    enrol_recovery(therapist)
    _log_in(client, "therapist")
    _verify(client, code_for(device))
    assert client.post(reverse("two_factor_remove")).status_code == 302
    assert not TOTPDevice.objects.filter(user=therapist).exists()
    assert AuditEvent.objects.get(action="revoke").summary == "Removed their two-factor login"


def test_new_recovery_codes_replace_the_old(client, therapist, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    device = enrol_app(therapist)
    old = enrol_recovery(therapist)
    _log_in(client, "therapist")
    _verify(client, code_for(device))
    with django_assert_max_num_queries(18):
        response = client.post(reverse("two_factor_recovery"))
    assert response.status_code == 200
    new = response.context["codes"]
    assert not set(old) & set(new)
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert stored == {recovery_digest(code) for code in new}
    assert not stored & set(new)  # the codes themselves are never stored


def test_a_copy_of_the_database_does_not_reveal_the_recovery_codes(client, therapist):  # type: ignore[no-untyped-def]
    enrol_app(therapist)
    codes = enrol_recovery(therapist)
    stored = list(
        StaticToken.objects.filter(device__user=therapist).values_list("token", flat=True)
    )
    assert len(stored) == len(codes) and not set(stored) & set(codes)
    _log_in(client, "therapist")
    assert _verify(client, stored[0]).status_code == 400  # the stored value is not a code
    assert _verify(client, codes[0].upper()).status_code == 302  # the code, however typed


def test_recovery_codes_need_a_second_factor_first(client, therapist):  # type: ignore[no-untyped-def]
    client.force_login(therapist)
    assert client.post(reverse("two_factor_recovery")).status_code == 302
    assert not StaticToken.objects.exists()


def test_a_code_with_a_control_character_is_refused_naming_it(client, therapist):  # type: ignore[no-untyped-def]
    enrol_app(therapist)
    _log_in(client, "therapist")
    response = _verify(client, "12\x003456")
    assert response.status_code == 400
    assert client.get(reverse("patients:list")).status_code == 302


def test_without_a_second_factor_and_no_requirement_the_password_is_enough(client, therapist):  # type: ignore[no-untyped-def]
    assert _log_in(client, "therapist").url == reverse("home")
    assert client.get(CLIENTS).status_code == 200


def test_a_failed_passkey_counts_towards_the_lockout(client, therapist, settings):  # type: ignore[no-untyped-def]
    from django_otp_webauthn.models import WebAuthnCredential

    enrol_app(therapist)
    WebAuthnCredential.objects.create(
        user=therapist,
        name="Key",
        confirmed=True,
        credential_id=b"known-credential",
        public_key=b"not-a-real-key",
        sign_count=0,
    )
    _log_in(client, "therapist")
    begin = "/webauthn/authentication/begin/"
    complete = "/webauthn/authentication/complete/"
    for attempt in range(settings.LOGIN_MAX_FAILURES):
        assert client.post(begin).status_code == 200
        forged = {"id": "a25vd24tY3JlZGVudGlhbA", "rawId": "a25vd24tY3JlZGVudGlhbA"}
        response = client.post(complete, forged, content_type="application/json")
        assert 400 <= response.status_code < 500, response.content
        assert LoginFailure.objects.count() == attempt + 1
    # Locked: the session is over and the right password is refused too.
    assert client.get(reverse("patients:list")).status_code == 302
    assert _log_in(client, "therapist").status_code == 429


def test_a_passkey_alone_never_logs_in(client, therapist):  # type: ignore[no-untyped-def]
    response = client.post("/webauthn/authentication/begin/")
    assert response.status_code in (401, 403)
    assert client.get(reverse("patients:list")).status_code == 302
