"""A therapist on a tablet makes their calendar feed from the week view, a calendar app reads
it, and the therapist revokes it."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from myomap.appointments.services import appointment_book
from tests.browser.test_intake_journey import Shots, log_in
from tests.web.scoped.appointments import at, schedule

pytestmark = pytest.mark.browser

TABLET = {"viewport": {"width": 1024, "height": 768}, "device_scale_factor": 1, "has_touch": True}


def test_therapist_subscribes_to_and_revokes_their_feed(  # type: ignore[no-untyped-def]
    browser, live_server, therapist, patient, artifacts
):
    shot = Shots(artifacts, "feed")
    plan = schedule(therapist)
    appointment_book(actor=therapist, patient=patient, therapist=therapist,
                     type=plan["types"]["Treatment"], room=plan["room"],
                     starts_at=at(patient.clinic, 1, 11))  # fmt: skip
    page = browser.new_context(**TABLET).new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, "therapist")
    page.goto(f"{live_server.url}/calendar/week/")
    page.click("a:has-text('Calendar feed')")
    shot(page, "none-tablet")
    page.click("button:has-text('Make my calendar feed')")
    address = page.input_value("#feed-url")
    shot(page, "made-tablet")
    assert address.startswith(live_server.url) and address.endswith(".ics")

    fetched = page.request.get(address)  # what a calendar app does
    assert fetched.ok
    events = Calendar.from_ical(fetched.body()).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [f"Treatment 60 min · M.L. #{patient.pk}"]

    page.click("button:has-text('Revoke the feed')")
    page.wait_for_selector("text=You have no calendar feed.")
    shot(page, "revoked-tablet")
    assert page.request.get(address).status == 404
