"""The note states what was done: a session where one repetition is left out, one hold is cut
short by the outcome tap and one point is not released (a mistaken "Released" corrected after
Back), then the note page and the signed note say exactly that."""

from __future__ import annotations

import pytest

from myomap.notes.models import SoapNote
from myomap.plans.models import PlanStep
from myomap.sessions.models import SessionEvent, TreatmentSession
from myomap_core.screening import Decision
from tests.browser.test_intake_journey import Shots, log_in
from tests.browser.test_session_guide import TABLET, check_in, stage
from tests.web.scoped.screening import answers_with, screen_client
from tests.web.scoped.sessions import make_plan

pytestmark = pytest.mark.browser


def test_the_note_states_the_logged_dose(browser, live_server, therapist, patient, artifacts):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "note-truth")
    plan = make_plan(therapist, patient)
    PlanStep.objects.filter(plan=plan, order=10).update(repetitions=2)  # 60 s ×2 planned
    screen_client(therapist, patient, answers_with(Decision.TREAT))
    context = browser.new_context(**TABLET)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.clock.install()
    log_in(page, base, "therapist")
    page.goto(f"{base}/clients/{patient.pk}/")
    page.click("#sessions-card button:has-text('Start session')")
    page.wait_for_url("**/guide/")
    session = TreatmentSession.objects.get(patient=patient)
    check_in(page, 6)

    # Upper trapezius: the first reading starts the hold; one full 60 s hold of the two
    # planned, released (the outcome moves on).
    step = stage(page)
    assert step.locator("h1").inner_text().startswith("Upper trapezius")
    step.locator(".discomfort-row button[data-value='4']").tap()
    page.clock.run_for(61_000)
    step.locator(".timer-done").wait_for()
    step.locator("button[data-outcome='released']").tap()

    # Levator scapulae: the 45 s hold ended after 20 s by the outcome tap, "Released" by
    # mistake; Back, and "No change" replaces it.
    step = stage(page)
    assert step.locator("h1").inner_text().startswith("Levator scapulae")
    step.locator(".discomfort-row button[data-value='5']").tap()
    page.clock.run_for(20_000)
    step.locator("button[data-outcome='released']").tap()
    assert stage(page).locator("h1").inner_text().startswith("Infraspinatus")
    stage(page).locator("a:has-text('Back')").tap()
    step = stage(page)
    assert step.locator("h1").inner_text().startswith("Levator scapulae")
    assert step.locator("[data-timer-toggle]").inner_text() == "Start 45 s"  # ended, not resumed
    step.locator("button[data-outcome='no_change']").tap()

    # Infraspinatus: skipped. Pain after 4, finish.
    stage(page).locator("button:has-text('Skip')").tap()
    stage(page).locator("button[data-value='4']").tap()
    page.locator("#guide-saved:has-text('All saved')").wait_for()
    page.click("button:has-text('Finish and write the note')")
    page.wait_for_url(f"**/sessions/{session.pk}/note/")
    shot(page, "draft")

    levator_log = SessionEvent.objects.filter(session=session, step__order=2).order_by("seq")
    assert [(e.kind, e.value) for e in levator_log] == [
        ("timer_started", 45), ("discomfort", 5), ("timer_stopped", 20), ("released", None),
        ("step_started", None), ("no_change", None),
    ]  # fmt: skip
    note = SoapNote.objects.get(session=session)
    objective = note.objective
    trapezius = next(line for line in objective.splitlines() if "upper trapezius" in line.lower())
    levator = next(line for line in objective.splitlines() if "levator scapulae" in line.lower())
    assert "60 s ×1 (planned 60 s ×2)" in trapezius
    assert "released" in trapezius.lower()
    assert "20 s ×1 (planned 45 s ×1)" in levator
    assert "no change" in levator.lower() and "released" not in levator.lower()
    assert "2 sites treated of 3 planned" in objective.splitlines()[0]
    assert "Skipped: R infraspinatus" in objective
    assert "of 2 treated sites, 1 released; 1 no change" in note.assessment
    assert page.locator("textarea[name='objective']").input_value() == objective

    # Signing shows the note once more; "Sign and lock" keeps exactly that text.
    page.click("button:has-text('Sign')")
    page.locator("button:has-text('Sign and lock')").wait_for()
    shot(page, "confirm")
    page.click("button:has-text('Sign and lock')")
    page.locator("text=Signed").first.wait_for()
    note.refresh_from_db()
    assert note.signed_at is not None
    assert note.objective == objective
    context.close()
