"""Creating an API token in a real browser: shown once, then only its prefix; it works with
`Authorization: Bearer` and stops working once revoked."""

from __future__ import annotations

import re

import pytest

from myomap.apitokens.models import ApiToken
from tests.browser.test_intake_journey import DESKTOP, Shots, log_in

pytestmark = pytest.mark.browser


def test_create_use_and_revoke_a_token(browser, live_server, therapist, patient, artifacts):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "api-token")
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, base, "therapist")
    page.click("nav >> text=API tokens")
    assert page.locator("#api-tokens-title").inner_text() == "API tokens"
    page.fill("input[name=name]", "Practice laptop")
    page.select_option("select[name=scope]", "read")
    page.click("button:has-text('Create token')")
    token = page.locator("[data-token]").inner_text()
    assert re.fullmatch(r"mym_[\w-]{43}", token)
    assert "shown only once" in page.content()
    shot(page, "created")

    api = context.request
    used = api.get(
        f"{base}/api/v1/clients/{patient.pk}", headers={"Authorization": f"Bearer {token}"}
    )
    assert used.status == 200 and used.json()["id"] == patient.pk

    page.goto(f"{base}/account/tokens/")
    assert token not in page.content()  # only its prefix from now on
    row = page.locator(f"[data-token-row='{token[:12]}']")
    assert "Practice laptop" in row.inner_text() and "never" not in row.inner_text()
    row.locator("button:has-text('Revoke')").click()
    page.wait_for_load_state()
    assert "revoked" in page.locator(f"[data-token-row='{token[:12]}']").inner_text()
    shot(page, "revoked")
    assert ApiToken.objects.get().revoked_at is not None
    fresh = browser.new_context(**DESKTOP)
    refused = fresh.request.get(
        f"{base}/api/v1/clients/{patient.pk}", headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status == 401
    fresh.close()
    context.close()
