"""The session guide on a tablet: timer to its end with a fake clock, the ease-off warning,
the first discomfort reading starting the hold and the outcome ending it and moving on, taps
made offline that survive a reload and reach the server once the connection is back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from myomap.sessions.models import SessionEvent, TreatmentSession
from myomap_core.screening import Decision
from tests.browser.test_intake_journey import Shots, log_in
from tests.web.scoped.screening import answers_with, screen_client
from tests.web.scoped.sessions import make_plan

pytestmark = pytest.mark.browser

TABLET = {
    "viewport": {"width": 1024, "height": 768},
    "device_scale_factor": 2,
    "has_touch": True,
}
RECORD_VIBRATION = """
window.__vibrations = [];
navigator.vibrate = function (pattern) { window.__vibrations.push(pattern); return true; };
"""


def stage(page: Any) -> Any:
    return page.locator(".g-stage:not([hidden])")


def check_in(page: Any, pain: int) -> None:
    """The visit's check-in on the tablet: pain now, then "no" to every safety question in
    one tap (a first visit has no last treatment to ask about)."""
    page.locator("#checkin-h").wait_for()
    page.locator(f"label.scale-choice:has(input[value='{pain}'])").tap()
    page.locator("button:has-text('No to all safety questions: save')").tap()
    page.locator("#guide").wait_for()


def test_a_session_beside_the_table(browser, live_server, therapist, patient, artifacts):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "session-guide")
    make_plan(therapist, patient)
    screen_client(therapist, patient, answers_with(Decision.TREAT_WITH_PRECAUTIONS))
    context = browser.new_context(**TABLET)
    context.set_default_timeout(10_000)
    context.add_init_script(RECORD_VIBRATION)
    page = context.new_page()
    page.clock.install()
    log_in(page, base, "therapist")

    # Start from the client page: the guide opens on the visit's check-in.
    page.goto(f"{base}/clients/{patient.pk}/")
    page.click("#sessions-card button:has-text('Start session')")
    page.wait_for_url("**/guide/")
    session = TreatmentSession.objects.get(patient=patient)
    assert page.locator("#guide-precautions").is_visible()
    shot(page, "check-in")
    check_in(page, 6)

    # Step 1: the muscle, its pressure in kg and lb, and its trigger point on the chart.
    step = stage(page)
    assert step.locator("h1").inner_text().startswith("Upper trapezius")
    assert "(6–10 lb)" in step.locator(".pressure").inner_text()
    assert page.locator("#guide-chart .region.pattern-site").count() >= 1
    page.locator("#guide-saved:has-text('All saved')").wait_for()
    shot(page, "step")

    # The timer runs to its end: a sound and a vibration.
    step.locator("[data-timer-toggle]").tap()
    assert step.locator("[data-timer-toggle]").inner_text() == "Stop"
    page.clock.run_for(30_000)
    assert step.locator(".timer-face").inner_text() == "0:30"
    page.clock.run_for(31_000)
    step.locator(".timer-done").wait_for()
    assert step.locator(".timer-face").inner_text() == "0:00"
    assert page.evaluate("window.__vibrations.length") >= 1
    assert page.locator("#guide").get_attribute("data-cue") == "1"

    # Discomfort 7 after the hold: the warning fills the width and stays until acknowledged.
    # The hold has ended, so the reading starts no new one.
    step.locator(".discomfort-row button[data-value='7']").tap()
    assert step.locator("[data-timer-toggle]").inner_text() == "Start 60 s"
    warning = page.locator("#ease-off")
    warning.wait_for()
    assert "discomfort 7/10 at step 1" in warning.inner_text()
    assert warning.get_attribute("role") == "alert"
    assert warning.bounding_box()["width"] >= 1000
    shot(page, "ease-off")
    page.click("[data-ack]")
    assert warning.is_hidden()
    step.locator("button[data-outcome='released']").tap()  # the outcome moves on
    step = stage(page)
    assert step.locator("h1").inner_text().startswith("Levator scapulae")
    assert step.locator("[data-timer-toggle]").inner_text() == "Start 45 s"  # not started
    page.locator("#guide-saved:has-text('All saved')").wait_for()
    shot(page, "before-tap")
    first = session.steps.get(order=1)
    assert (first.status, first.released, first.hold_s_total, first.ease_off_count) == (
        "done",
        True,
        60,
        1,
    )

    # The connection drops: taps are kept on the tablet. The first reading starts the hold;
    # the outcome, 20 s later, ends it and moves on.
    context.set_offline(True)
    step.locator(".discomfort-row button[data-value='3']").tap()
    assert step.locator("[data-timer-toggle]").inner_text() == "Stop"
    shot(page, "after-tap")
    page.clock.run_for(20_000)
    assert step.locator(".timer-face").inner_text() == "0:25"
    step.locator("button:has-text('Twitch')").tap()
    step.locator("button[data-outcome='eased']").tap()
    step = stage(page)
    assert step.locator("h1").inner_text().startswith("Infraspinatus")
    assert "Start" in step.locator("[data-timer-toggle]").inner_text()
    page.locator("#guide-saved:has-text('5 waiting')").wait_for()
    queued = json.loads(page.evaluate(f"localStorage.getItem('myomap.session.{session.pk}.queue')"))
    kinds = ["timer_started", "discomfort", "twitch", "timer_stopped", "eased"]
    assert [e["kind"] for e in queued] == kinds
    assert queued[0]["value"] == 45 and queued[3]["value"] == 20
    shot(page, "after-outcome")

    # The page is reloaded while sends still fail: the taps are still there, and so is
    # the guide's place (step 3).
    page.route("**/events/", lambda route: route.abort())
    context.set_offline(False)
    page.reload()
    assert stage(page).locator("h1").inner_text().startswith("Infraspinatus")
    page.locator("#guide-saved:has-text('5 waiting')").wait_for()
    assert not SessionEvent.objects.filter(session=session, step__order=2).exists()

    # The connection is back: the queue is sent on the next retry, every tap once.
    page.unroute("**/events/")
    page.clock.run_for(6_000)
    page.locator("#guide-saved:has-text('All saved')").wait_for()
    second = session.steps.get(order=2)
    assert (second.status, second.twitch, second.discomfort_readings) == ("done", True, [3])
    assert (second.released, second.hold_s_total) == (False, 20)
    logged = SessionEvent.objects.filter(session=session, step__order=2).order_by("seq")
    assert [(e.kind, e.value) for e in logged] == [
        ("timer_started", 45), ("discomfort", 3), ("twitch", None), ("timer_stopped", 20),
        ("eased", None),
    ]  # fmt: skip
    ids = list(SessionEvent.objects.filter(session=session).values_list("event_id", flat=True))
    assert len(ids) == len(set(ids))

    # Skip the last step, rate the pain after, finish: on to the session note.
    stage(page).locator("button:has-text('Skip')").tap()
    stage(page).locator("button[data-value='2']").tap()
    shot(page, "finish")
    page.click("button:has-text('Finish and write the note')")
    page.wait_for_url(f"**/sessions/{session.pk}/note/")
    session.refresh_from_db()
    assert session.is_finished
    assert (session.pain_before, session.pain_after) == (6, 2)
    assert [s.status for s in session.steps.order_by("order")] == ["done", "done", "skipped"]
    assert page.evaluate(f"localStorage.getItem('myomap.session.{session.pk}.queue')") in (
        None,
        "[]",
    )
    context.close()
