"""Safety changes while a session is open on the tablet: a second screen (the therapist's
health checks) reports saddle numbness; the open guide learns of it within seconds, covers
the screen, refuses taps, and offers only "Stop session for safety"; the note says so."""

from __future__ import annotations

import pytest

from myomap.notes.selectors import draft_for
from myomap.screening.models import Screening
from myomap.sessions.models import SessionEvent, TreatmentSession
from tests.browser.test_intake_journey import Shots, log_in
from tests.browser.test_session_guide import TABLET, check_in, stage
from tests.web.scoped.sessions import make_plan, screen_clear

pytestmark = pytest.mark.browser


def test_an_open_session_stops_when_a_new_screening_says_emergency(  # type: ignore[no-untyped-def]
    browser, live_server, therapist, patient, artifacts
):
    base = live_server.url
    shot = Shots(artifacts, "safety-hold")
    make_plan(therapist, patient)
    intake = screen_clear(therapist, patient).intake
    context = browser.new_context(**TABLET)
    context.set_default_timeout(10_000)
    tablet = context.new_page()
    tablet.clock.install()
    log_in(tablet, base, "therapist")

    # The session is open on the tablet, checked in, step 1 under way.
    tablet.goto(f"{base}/clients/{patient.pk}/")
    tablet.click("#sessions-card button:has-text('Start session')")
    tablet.wait_for_url("**/guide/")
    check_in(tablet, 5)
    session = TreatmentSession.objects.get(patient=patient)
    stage(tablet).locator(".discomfort-row button[data-value='3']").tap()
    tablet.locator("#guide-saved:has-text('All saved')").wait_for()

    # In another tab, the health checks now say saddle numbness: the screening runs again.
    desk = context.new_page()
    desk.goto(f"{base}/clients/{patient.pk}/screening/intakes/{intake.pk}/health-checks/")
    desk.locator("input[name='saddle_numbness'][value='yes']").check()
    with desk.expect_navigation():
        desk.click("button:has-text('Save and re-screen')")
    latest = Screening.objects.filter(patient=patient).first()
    assert latest is not None and latest.decision == "emergency"

    # The guide asks every few seconds: the hold covers the screen.
    tablet.clock.run_for(5_000)
    hold = tablet.locator("#guide-hold")
    hold.wait_for()
    assert "Emergency" in tablet.locator("#hold-screening").inner_text()
    assert "emergency" in tablet.locator("#hold-do").inner_text().lower()
    box = hold.bounding_box()
    assert box["width"] >= 1000 and box["height"] >= 700
    shot(tablet, "hold")

    # Taps are refused: none reaches the log.
    before = SessionEvent.objects.filter(session=session).count()
    tablet.evaluate(
        "document.querySelector('.g-stage:not([hidden]) button[value=\"released\"]').click()"
    )
    tablet.clock.run_for(6_000)
    assert SessionEvent.objects.filter(session=session).count() == before
    assert not tablet.locator("#guide-hold").is_hidden()

    # Only one way out: stop for safety, then the note says so.
    tablet.fill("#stop-note", "Sent to A&E by ambulance.")
    tablet.locator("button:has-text('Stop session for safety')").tap()
    tablet.wait_for_url(f"**/sessions/{session.pk}/note/")
    session.refresh_from_db()
    assert session.is_stopped and session.stopped_at is not None
    text = tablet.locator("main").inner_text()
    assert "stopped for safety" in text.lower()
    assert "3–5 sessions" not in text
    draft = draft_for(session)
    assert "The client was told: Do not treat." in draft.plan
    shot(tablet, "note")
    context.close()
