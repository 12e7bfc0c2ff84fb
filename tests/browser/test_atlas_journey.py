"""The atlas as a therapist uses it: type where it hurts on the body map, then open the atlas,
search a region and open a muscle with its trigger points marked."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_intake_journey import DESKTOP, Shots, log_in

pytestmark = pytest.mark.browser


def test_type_a_place_on_the_body_map_then_browse_the_atlas(
    browser, live_server, screened, artifacts
):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "atlas")
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, base, "therapist")

    page.goto(f"{base}/clients/{screened.pk}/pain-maps/new/")
    page.fill(".region-search input", "inside of the right ankle")
    page.keyboard.press("Enter")
    page.wait_for_selector(".region-search-result:has-text('Right inner ankle')")
    assert page.input_value("select[name=i_medial_ankle_right]") == "5"
    assert page.get_attribute('.region[data-region="medial_ankle_right"]', "aria-pressed") == "true"
    page.click(".mark-editor button[data-intensity='7']")
    assert page.input_value("select[name=i_medial_ankle_right]") == "7"
    page.wait_for_selector("#candidates .candidate")
    assert "Abductor hallucis" in page.inner_text("#candidates")

    page.fill(".region-search input", "elbow, inside of the")
    page.click(".region-search button")
    page.click(".region-search-result button:has-text('Inner elbow')")
    page.wait_for_selector(".region-search-result:has-text('inner elbow')")
    shot(page, "body-map-typed")
    assert page.input_value("select[name=i_medial_elbow_left]") == "5"

    page.click("nav a:has-text('Atlas')")
    page.wait_for_url(re.compile(r"/knowledge/$"))
    page.fill("#atlas-q", "PSIS")
    with page.expect_navigation():
        page.click("button:has-text('Search')")
    assert "Muscles that refer pain to" in page.inner_text("#results-title + h3")
    shot(page, "atlas-search")
    first = page.locator(".atlas-ranking a").first
    name = first.inner_text()
    with page.expect_navigation():
        first.click()
    assert page.inner_text("h1") == name
    assert page.locator(".tp-mark").count() >= 1
    shot(page, "atlas-muscle")
    context.close()
