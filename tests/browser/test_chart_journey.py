"""The client page as a therapist opens it on the clinic tablet and at the desk: the summary
first, a section index that jumps without JavaScript, and a timeline filtered and paged."""

from __future__ import annotations

import pytest

from myomap.intake.services import intake_section_save, intake_start
from tests.browser.test_intake_journey import DESKTOP, Shots, log_in
from tests.web.scoped.notes import make_session
from tests.web.scoped.sessions import make_plan

pytestmark = pytest.mark.browser

TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}


def test_the_chart_opens_with_its_summary_on_a_tablet_and_a_desk(  # type: ignore[no-untyped-def]
    browser, live_server, therapist, screened, artifacts
):
    patient = screened
    intake = intake_start(actor=therapist, patient=patient)
    intake_section_save(
        intake=intake,
        slug="complaint",
        data={"main_complaint": "Low back pain after long drives"},
        actor=therapist,
    )
    intake_section_save(
        intake=intake, slug="goals", data={"goals": "Drive to the coast again"}, actor=therapist
    )
    plan = make_plan(therapist, patient)
    plan.status = "active"
    plan.save(update_fields=["status"])
    for _ in range(3):
        make_session(therapist, patient)
    shot = Shots(artifacts, "chart")

    for name, size in (("tablet", TABLET), ("desktop", DESKTOP)):
        context = browser.new_context(**size, java_script_enabled=name == "desktop")
        context.set_default_timeout(10_000)
        page = context.new_page()
        log_in(page, live_server.url, "therapist")
        page.goto(f"{live_server.url}/clients/{patient.pk}/")
        summary = page.locator("#summary")
        assert summary.is_visible()
        assert summary.bounding_box()["y"] < size["viewport"]["height"]  # type: ignore[index]
        assert "Low back pain after long drives" in summary.inner_text()
        assert "Treatment allowed" in summary.inner_text()
        assert f"3 of {plan.initial_sessions} planned sessions done" in summary.inner_text()
        shot(page, f"{name}-summary")

        page.click(".section-index a:has-text('Timeline')")
        assert page.url.endswith("#timeline")
        page.click(".timeline-kinds a:has-text('Intake')")
        assert "kind=intake" in page.url
        entries = page.locator("#timeline ol.timeline").inner_text()
        assert "Saved intake section" in entries and "Registered client" not in entries
        shot(page, f"{name}-timeline-intake")
        context.close()
