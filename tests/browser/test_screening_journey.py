"""Safety screening as the therapist meets it: a red flag in the intake stops treatment until
the client is screened again after emergency care; a referral waits for the clearance."""

from __future__ import annotations

from datetime import date

import pytest

from myomap.screening.models import Clearance, Screening
from myomap_core.screening import Decision
from tests.browser.test_intake_journey import DESKTOP, Shots, continue_, log_in
from tests.web.scoped.screening import referral_answers, screen_client

pytestmark = pytest.mark.browser


def test_saddle_numbness_blocks_treatment_until_cleared(
    browser, live_server, therapist, patient, artifacts
):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "screening")
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, base, "therapist")

    # The therapist fills the intake with the client at the desk.
    page.goto(f"{base}/clients/{patient.pk}/")
    with page.expect_navigation():
        page.click("button:has-text('Start intake')")
    page.fill("#id_main_complaint", "Low back pain with numbness when sitting")
    page.check("text=It built up over time")
    continue_(page)
    for expected in ("/bodymap/", "/activities/", "/history/"):
        assert page.url.endswith(expected), page.url
        continue_(page)

    # Health checks: follow-ups appear only after a yes.
    assert page.url.endswith("/screening/")
    assert page.inner_text("h1") == "Health checks"
    cancer_site = page.locator('[data-question="cancer_site"]')
    assert cancer_site.is_hidden()
    page.check("#id_cancer_history_1")  # no
    assert cancer_site.is_hidden()
    page.check("#id_cancer_history_0")  # yes
    assert cancer_site.is_visible()
    assert "Only if you answered yes" in cancer_site.inner_text()
    page.check("#id_cancer_history_1")  # back to no
    assert cancer_site.is_hidden()
    page.check("#id_saddle_numbness_0")
    page.check("#id_bladder_change_0")
    page.locator('[data-question="saddle_numbness"]').scroll_into_view_if_needed()
    shot(page, "intake-health-checks")
    continue_(page)
    for expected in ("/work/", "/stress/"):
        assert page.url.endswith(expected), page.url
        continue_(page)
    page.fill("#id_goals", "Sit through a film without pain")
    continue_(page)
    page.check("#id_consent_agree")
    page.fill("#id_signature_name", "Maria Lopez")
    with page.expect_navigation():
        page.click("button:has-text('Sign and send')")
    screening = Screening.objects.filter(patient=patient).first()
    assert screening is not None and screening.decision == Decision.EMERGENCY

    # The client page: an emergency banner that says what to do now; treatment blocked.
    page.goto(f"{base}/clients/{patient.pk}/")
    banner = page.locator(".screening-banner[role=alert]")
    banner.wait_for(state="visible")
    assert "Emergency: do not treat." in banner.inner_text()
    assert "hospital emergency care now" in banner.inner_text()
    box = banner.bounding_box()
    assert box is not None and box["width"] >= 1270  # full width of the window
    state = page.locator(".treatment-state")
    assert state.get_attribute("data-treatment") == "blocked"
    assert "Treatment: blocked" in state.inner_text()
    shot(page, "client-page-emergency")

    assert page.locator("a:has-text('Record clearance')").count() == 0, "never for an emergency"

    # Seen in hospital, the client comes back: the therapist asks the health checks again.
    with page.expect_navigation():
        state.locator("a:has-text('Screen again after the client has been seen')").click()
    assert "Emergency: do not treat" in page.inner_text(".treatment-state")
    page.check("#id_saddle_numbness_1")
    page.check("#id_bladder_change_1")
    page.evaluate(
        """() => document.querySelectorAll('.hc-question:not([hidden])').forEach(q => {
             const radios = q.querySelectorAll('input[type=radio]');
             if (radios.length && ![...radios].some(r => r.checked)) {
               q.querySelector('input[value=no]').checked = true;
             }
           })"""
    )
    shot(page, "screen-again")
    with page.expect_navigation():
        page.click("button:has-text('Save and screen')")
    assert page.url.endswith(f"/clients/{patient.pk}/"), page.url
    assert page.locator(".screening-banner").count() == 0
    state = page.locator(".treatment-state")
    assert state.get_attribute("data-treatment") == "allowed"
    timeline = page.locator(".timeline").inner_text()
    assert "Safety screening as the health-check answers arrived: Emergency" in timeline
    assert "Safety screening after the health checks were edited: Treat" in timeline
    shot(page, "client-page-screened-again")
    context.close()


def test_a_referral_is_cleared_with_the_physicians_words(
    browser, live_server, therapist, patient, artifacts
):  # type: ignore[no-untyped-def]
    screening = screen_client(therapist, patient, referral_answers())
    base = live_server.url
    shot = Shots(artifacts, "clearance")
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, base, "therapist")
    page.goto(f"{base}/clients/{patient.pk}/")
    state = page.locator(".treatment-state")
    assert state.get_attribute("data-treatment") == "blocked"

    # The physician's clearance, recorded through the form (mistakes first).
    with page.expect_navigation():
        state.locator("a:has-text('Record clearance')").click()
    page.fill("#id_cleared_by", "")
    with page.expect_navigation():
        page.click("button:has-text('Record clearance')")
    errors = page.inner_text(".error-summary")
    assert "Enter the name of the physician" in errors
    assert "confirm that you spoke to the physician yourself" in errors
    shot(page, "clearance-form-error")
    page.fill("#id_cleared_by", "Dr Amir Khan")
    page.fill("#id_cleared_on", date.today().isoformat())
    page.fill("#id_note", "Examined today: no red flags on examination. Fine to treat gently.")
    page.check("#id_attested")
    shot(page, "clearance-form-filled")
    with page.expect_navigation():
        page.click("button:has-text('Record clearance')")
    assert Clearance.objects.filter(screening=screening, attested=True).exists()

    # Treatment allowed now; the banner is gone and the timeline shows both steps.
    assert page.locator(".screening-banner").count() == 0
    state = page.locator(".treatment-state")
    assert state.get_attribute("data-treatment") == "allowed"
    assert "Dr Amir Khan cleared the client" in state.inner_text()
    timeline = page.locator(".timeline").inner_text()
    assert "Recorded a clearance for treatment by Dr Amir Khan" in timeline
    assert "spoke to the physician" in timeline
    shot(page, "client-page-cleared")
    context.close()
