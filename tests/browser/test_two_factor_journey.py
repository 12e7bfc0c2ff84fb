"""Two-factor login in Chromium: an authenticator app enrolled from the account page and asked
after the password; a passkey registered and used with Chromium's virtual authenticator; the
owner's clinic security page."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from myomap.clinics.models import Clinic, Role, User
from myomap.common.models import AuditEvent
from tests.browser.test_intake_journey import DESKTOP, Shots
from tests.web.conftest import PASSWORD, _user
from tests.web.two_factor_helpers import code_for, enrol_app

pytestmark = pytest.mark.browser


@pytest.fixture
def clinic_owner(clinic: Clinic) -> User:
    return _user(clinic, "owner", Role.OWNER)


def _password(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Log in')")


def _log_out(page: Any) -> None:
    page.click("button:has-text('Log out')")
    page.wait_for_url("**/login/")


def test_enrol_an_authenticator_app_and_log_in_with_it(browser, live_server, therapist, artifacts):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "two-factor-app")
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    _password(page, base, "therapist")
    page.wait_for_url(f"{base}/today/")
    page.click("a:has-text('Therapist Tester')")
    page.wait_for_url(f"{base}/account/")
    shot(page, "account-off")
    page.click("button:has-text('Set up an authenticator app')")
    page.wait_for_url(f"{base}/account/two-factor/app/")
    assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 0
    secret = page.inner_text("#totp-secret").replace(" ", "")
    device = TOTPDevice.objects.get(user=therapist)
    assert secret and device.confirmed is False
    shot(page, "scan")
    page.fill("#id_code", code_for(device))
    page.click("button:has-text('Confirm')")
    page.wait_for_selector("h1:has-text('Your recovery codes')")
    assert page.locator(".recovery-codes li").count() == 10
    shot(page, "recovery-codes")
    page.click("a:has-text('I have kept them')")
    page.wait_for_selector("text=On.")
    shot(page, "account-on")
    _log_out(page)

    _password(page, base, "therapist")
    page.wait_for_url(f"{base}/login/verify/")
    shot(page, "second-step")
    page.fill("#id_code", "000000")
    page.click("button:has-text('Continue')")
    page.wait_for_selector("text=is not right")
    shot(page, "wrong-code")
    page.fill("#id_code", code_for(device, steps_ahead=1))
    page.check("#id_trust")
    page.click("button:has-text('Continue')")
    page.wait_for_url(f"{base}/today/")
    trust = [c for c in context.cookies() if c["name"] == "myomap_trusted_browser"]
    assert trust and trust[0]["httpOnly"]
    assert AuditEvent.objects.filter(
        actor=therapist, summary="Logged in with a code from the authenticator app"
    ).exists()
    context.close()


def test_register_a_passkey_and_log_in_with_it(browser, live_server, therapist, artifacts):  # type: ignore[no-untyped-def]
    base = live_server.url
    assert "localhost" in base  # browsers allow passkeys on plain http only on localhost
    shot = Shots(artifacts, "two-factor-passkey")
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    _password(page, base, "therapist")
    page.wait_for_url(f"{base}/today/")
    page.goto(f"{base}/account/")
    page.click("#passkey-register-button")
    page.wait_for_selector("#two-factor li")
    shot(page, "passkey-registered")
    key = WebAuthnCredential.objects.get(user=therapist)
    assert key.confirmed
    assert AuditEvent.objects.filter(
        actor=therapist, summary="Registered a passkey for two-factor login"
    ).exists()
    _log_out(page)

    _password(page, base, "therapist")
    page.wait_for_url(f"{base}/login/verify/")
    shot(page, "second-step-passkey")
    page.click("#passkey-verification-button")
    page.wait_for_url(f"{base}/today/")
    assert page.locator("h1").first.is_visible()
    assert AuditEvent.objects.filter(actor=therapist, summary="Logged in with a passkey").exists()
    context.close()


def test_owner_requires_two_factor_and_resets_a_therapist(
    browser, live_server, clinic_owner, therapist, artifacts
):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "two-factor-owner")
    owner_app = enrol_app(clinic_owner)
    enrol_app(therapist)
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    _password(page, base, "owner")
    page.wait_for_url(f"{base}/login/verify/")
    page.fill("#id_code", code_for(owner_app))
    page.click("button:has-text('Continue')")
    page.wait_for_url(f"{base}/today/")
    page.goto(f"{base}/clinic/security/")
    shot(page, "security")
    page.check("#id_require_two_factor")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=is saved")
    page.click("tr:has-text('therapist') button:has-text('Reset second factor')")
    page.wait_for_selector("text=is reset")
    shot(page, "after-reset")
    assert not TOTPDevice.objects.filter(user=therapist).exists()
    _log_out(page)

    # The therapist, with no second factor now, is sent to enrolment and nowhere else.
    _password(page, base, "therapist")
    page.wait_for_url(f"{base}/account/")
    shot(page, "therapist-must-enrol")
    page.goto(f"{base}/clients/")
    page.wait_for_url(f"{base}/account/")
    assert page.locator("a:has-text('Clients')").count() == 0
    context.close()
