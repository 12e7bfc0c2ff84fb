"""Safety changes while a session is open on the tablet: the client's private check-in link
reports saddle numbness; the open guide learns of it within seconds, covers the screen,
refuses taps, and offers only "Stop session for safety"; the note says so."""

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
    screen_clear(therapist, patient)
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

    # In another tab, the therapist makes a check-in link; the client answers it on a phone
    # (no account) and reports saddle numbness: the screening runs again at once.
    desk = context.new_page()
    desk.goto(f"{base}/clients/{patient.pk}/")
    desk.click("button:has-text('Check-in link for the next visit')")
    url = desk.locator("#checkin-url").input_value()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    client_page = phone.new_page()
    client_page.goto(url)
    client_page.locator("label.scale-choice:has(input[value='6'])").tap()
    client_page.locator("label.choice:has(input[name='response'][value='worse'])").tap()
    client_page.locator("label.choice:has(input[name='soreness'][value='none'])").tap()
    for row in client_page.locator("table.checkin-questions tr").all():
        answer = "yes" if row.locator("input[name='safety.saddle_numbness']").count() else "no"
        row.locator(f"label.choice:has(input[value='{answer}'])").tap()
    shot(client_page, "client-link")
    client_page.click("button:has-text('Send my answers')")
    client_page.locator("h1:has-text('Thank you')").wait_for()
    phone.close()
    latest = Screening.objects.filter(patient=patient).first()
    assert latest is not None and latest.decision == "emergency" and latest.trigger == "checkin"

    # The guide asks every few seconds: the hold covers the screen.
    tablet.clock.run_for(5_000)
    hold = tablet.locator("#guide-hold")
    hold.wait_for()
    assert "Emergency" in tablet.locator("#hold-screening").inner_text()
    assert "emergency" in tablet.locator("#hold-do").inner_text().lower()
    box = hold.bounding_box()
    assert box["width"] >= 1000 and box["height"] >= 700
    shot(tablet, "hold")

    # The hold that the discomfort reading started is stopped, with the seconds held.
    tablet.locator("#guide-saved:has-text('All saved')").wait_for()
    stopped = SessionEvent.objects.filter(session=session, kind="timer_stopped").get()
    assert stopped.value is not None and 0 < stopped.value < 60

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
