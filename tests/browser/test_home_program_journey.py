"""The therapist curates the home program on a tablet; the client's phone page follows."""

from __future__ import annotations

import pytest

from myomap.aftercare.models import AftercareSheet
from myomap.aftercare.services import aftercare_for_session, home_link_create
from tests.browser.test_intake_journey import PHONE, Shots, log_in
from tests.web.scoped.aftercare import finished_session

pytestmark = pytest.mark.browser
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}


def test_remove_add_reword_reorder_and_the_phone_shows_it(  # type: ignore[no-untyped-def]
    browser, live_server, therapist, patient, artifacts
):
    base = live_server.url
    shot = Shots(artifacts, "home-program")
    session = finished_session(therapist, patient)
    sheet = aftercare_for_session(actor=therapist, session=session)
    _link, token = home_link_create(actor=therapist, sheet=sheet)

    tablet = browser.new_context(**TABLET)
    tablet.set_default_timeout(10_000)
    staff = tablet.new_page()
    log_in(staff, base, "therapist")
    staff.goto(f"{base}/clients/{patient.pk}/sessions/{session.pk}/aftercare/")
    staff.click("a:has-text('Edit home program')")
    assert staff.locator("h1").inner_text() == "Home program"
    shot(staff, "tablet-editor")

    staff.click("button[aria-label='Remove Light walk']")
    staff.wait_for_selector("button[aria-label='Add back Light walk']")
    staff.select_option("#hp-muscle", "piriformis")
    staff.select_option("#hp-kind", "stretch")
    staff.click("button:has-text('Add to the program')")
    piriformis = staff.locator("[id='item-stretch.piriformis']")
    piriformis.wait_for()
    piriformis.locator("textarea[name=what]").fill(
        "Sit tall, cross your right ankle over your left knee and lean forward a little."
    )
    piriformis.locator("input[name=title]").fill("Seat stretch")
    piriformis.locator("input[name=times]").fill("3")
    piriformis.locator("button:has-text('Save')").click()
    error = staff.locator("[id='item-stretch.piriformis'] .hp-field-error .errorlist")
    error.first.wait_for()
    assert "outside the safe range" in error.first.inner_text()
    shot(staff, "tablet-refused-dose")
    piriformis = staff.locator("[id='item-stretch.piriformis']")
    piriformis.locator("input[name=times]").fill("2")
    piriformis.locator("button:has-text('Save')").click()
    staff.wait_for_selector("h2:has-text('Seat stretch')")
    for place in (4, 3, 2, 1):  # each move swaps the list in place, then the next
        staff.click("button[aria-label='Move Seat stretch up']")
        staff.wait_for_selector(f".hp-items > li:nth-child({place})[id='item-stretch.piriformis']")
    shot(staff, "tablet-edited")
    sheet.refresh_from_db()
    assert sheet.item_ids[0] == "stretch.piriformis" and "walk" not in sheet.item_ids
    assert sheet.items[0]["how_often"] == "Twice a day"

    phone_context = browser.new_context(**PHONE, java_script_enabled=False)
    phone = phone_context.new_page()
    phone.goto(f"{base}/h/{token}/")
    first = phone.locator(".ac-item").first
    assert "Seat stretch" in first.locator("h3").inner_text()
    assert "lean forward a little" in first.inner_text() and "Twice a day" in first.inner_text()
    assert phone.locator("#item-walk").count() == 0
    assert "Starts " in phone.locator("[id='item-press.quadratus_lumborum']").inner_text()
    first.locator("button:has-text('Done today')").click()
    phone.wait_for_load_state()
    first = phone.locator("[id='item-stretch.piriformis']")
    first.locator("button:has-text('Done again')").click()
    phone.wait_for_load_state()
    first = phone.locator("[id='item-stretch.piriformis']")
    assert "Done today (2 of 2)" in first.inner_text()
    assert first.locator("button:has-text('Done again')").count() == 0
    shot(phone, "phone-client-page")
    assert AftercareSheet.objects.get(pk=sheet.pk).marks.get().count == 2
