"""Outcomes as people use them: the client answers the ODI on a phone through a private link,
then the therapist sees the chart and the status on the client page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from myomap.outcomes.models import OutcomeResponse
from myomap.outcomes.services import response_record
from tests.browser.test_intake_journey import DESKTOP, PHONE, Shots, log_in

pytestmark = pytest.mark.browser

# The statement chosen in each ODI section (0-5); section 8 is left out: 13/45 = 28.9 %.
CHOSEN = (2, 1, 2, 1, 2, 1, 1, None, 2, 1)


def test_client_fills_the_odi_on_a_phone_and_the_therapist_sees_progress(
    browser, live_server, therapist, patient, artifacts
):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "outcomes")
    response_record(
        actor=therapist,
        patient=patient,
        instrument="odi",
        answers={
            s: 3
            for s in (
                "pain_intensity",
                "personal_care",
                "lifting",
                "walking",
                "sitting",
                "standing",
                "sleeping",
                "sex_life",
                "social_life",
                "travelling",
            )
        },  # 60 %
        session_number=0,
        taken_at=timezone.now() - timedelta(days=21),
    )

    desk = browser.new_context(**DESKTOP)
    desk.set_default_timeout(10_000)
    staff = desk.new_page()
    log_in(staff, base, "therapist")
    staff.goto(f"{base}/clients/{patient.pk}/")
    shot(staff, "therapist-client-page-baseline")
    staff.click("#outcomes a:has-text('Send a link')")
    staff.wait_for_url(re.compile(r"/outcomes/"))
    staff.uncheck("input[name=instruments][value=nprs]")
    staff.check("input[name=instruments][value=odi]")
    staff.fill("#id_session_number", "3")
    shot(staff, "therapist-send-link-form")
    with staff.expect_navigation():
        staff.click("#send-link button:has-text('Create link')")
    link = staff.input_value("#questionnaire-url")
    assert re.fullmatch(rf"{re.escape(base)}/q/[A-Za-z0-9_-]{{40,}}/", link), link
    shot(staff, "therapist-link-created")

    phone = browser.new_context(**PHONE)
    phone.set_default_timeout(10_000)
    mobile = phone.new_page()
    mobile.goto(link)
    assert "Hello Maria" in mobile.inner_text("h1")
    shot(mobile, "phone-welcome")
    mobile.tap("a:has-text('Start')")
    for number, choice in enumerate(CHOSEN, start=1):
        mobile.wait_for_url(re.compile(rf"/odi-{number}/$"))
        assert f"Screen {number} of 10" in mobile.inner_text(".progress")
        options = mobile.locator("label.opt")
        assert options.count() == 6
        if choice is not None:
            box = options.nth(choice).bounding_box()
            assert box["height"] >= 44, box  # a big tap target
            options.nth(choice).tap()
            assert options.nth(choice).locator("input").is_checked()
        if number in (1, 8):
            shot(mobile, f"phone-odi-section-{number}")
        if number == 4:
            # The client closes the page mid-way and comes back with the same link.
            mobile.wait_for_function(
                "() => document.querySelector('.saved-note').textContent === 'Saved'", timeout=5000
            )
            mobile.goto(link)
            shot(mobile, "phone-welcome-back")
            mobile.tap("a:has-text('Continue where you left off')")
            mobile.wait_for_url(re.compile(r"/odi-5/$"))
            mobile.goto(link.rstrip("/") + "/odi-4/")
            assert mobile.locator("label.opt").nth(choice).locator("input").is_checked()
        with mobile.expect_navigation():
            mobile.tap("button:has-text('Next')")
    assert mobile.url.endswith("/review/")
    assert "9 of 10 answered" in mobile.inner_text("main")
    shot(mobile, "phone-review")
    with mobile.expect_navigation():
        mobile.tap("button:has-text('Send my answers')")
    assert "Thank you" in mobile.inner_text("h1")
    shot(mobile, "phone-thank-you")

    latest = OutcomeResponse.objects.filter(patient=patient).latest("id")
    assert latest.filled_by_client and latest.session_number == 3
    assert latest.score_display == "28.9" and latest.skipped == ["sex_life"]

    staff.goto(f"{base}/clients/{patient.pk}/")
    card = staff.locator("#outcomes")
    card.scroll_into_view_if_needed()
    text = card.inner_text()
    assert "On track" in text
    assert "Moderate disability" in text
    chart = card.locator("svg.chart", has_text="ODI over sessions")
    assert chart.count() == 1
    labels = chart.locator("text").all_text_contents()
    assert "60.0" in labels and "28.9" in labels
    assert chart.locator("rect.band").count() == 1
    card.screenshot(path=str(artifacts / "outcomes-card-after-link.png"))
    shot(staff, "therapist-client-page-progress")

    staff.goto(f"{base}/dashboard/")
    assert "Maria Lopez" not in staff.inner_text(".dash-due")  # measured today
    shot(staff, "therapist-dashboard")

    mobile.goto(link)
    assert "does not open a questionnaire" in mobile.inner_text("h1")
    shot(mobile, "phone-link-spent")
    desk.close()
    phone.close()


def test_the_therapist_form_pages_one_section_at_a_time_on_a_phone(
    browser, live_server, therapist, patient, artifacts
):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "outcomes-record")
    context = browser.new_context(**PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, base, "therapist")
    page.goto(f"{base}/clients/{patient.pk}/outcomes/new/startback/")
    sections = page.locator("[data-section]")
    assert sections.count() >= 2
    assert sections.nth(0).is_visible() and not sections.nth(1).is_visible()
    shot(page, "startback-part-1")
    parts = 0
    while True:
        parts += 1
        agree = page.locator("[data-section]:not([hidden]) input[type=radio][value='1']")
        for index in range(agree.count()):
            agree.nth(index).check()
        if not page.locator("button[data-go='1']").is_visible():
            break
        assert not page.locator("button:has-text('Save and score')").is_visible()
        page.click("button[data-go='1']")
    assert parts == sections.count()
    shot(page, "startback-last-part")
    with page.expect_navigation():
        page.click("button:has-text('Save and score')")
    assert "STarT Back recorded: 8 (high risk)." in page.inner_text(".messages")
    context.close()
