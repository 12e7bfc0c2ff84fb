"""The body map offers the places the client named in their own words: one tap marks one."""

from __future__ import annotations

import pytest

from myomap.intake.services import intake_start
from tests.browser.test_intake_journey import Shots, log_in

pytestmark = pytest.mark.browser

TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}


def test_a_named_place_is_marked_with_one_tap(browser, live_server, therapist, patient, artifacts):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "named-places")
    intake = intake_start(actor=therapist, patient=patient)
    intake.answers = {"complaint": {"main_complaint": "Pain in my left lower back and buttock"}}
    intake.save(update_fields=["answers"])
    context = browser.new_context(**TABLET)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, base, "therapist")
    page.goto(f"{base}/clients/{patient.pk}/intake/{intake.pk}/bodymap/")
    button = page.locator("button:has-text('Mark “buttock”')")
    button.wait_for()
    shot(page, "offered")
    assert (
        page.locator(".region[data-region='upper_buttock_left']").first.get_attribute(
            "aria-pressed"
        )
        == "false"
    )
    button.tap()
    assert button.get_attribute("aria-pressed") == "true"
    for region in ("upper_buttock_left", "lower_buttock_left"):
        assert page.locator(f"[name='i_{region}']").input_value() == "5"
        assert (
            page.locator(f".region[data-region='{region}']").first.get_attribute("aria-pressed")
            == "true"
        )
    assert (
        page.locator(".region[data-region='upper_buttock_right']").first.get_attribute(
            "aria-pressed"
        )
        == "false"
    )
    assert "buttock" in page.locator(".marked-list").inner_text().lower()
    shot(page, "marked")

    # Submitted with only the lower back marked, the clinician sees the buttock was named.
    from django.utils import timezone

    from myomap.intake.models import Intake, IntakeStatus
    from myomap.intake.services import pain_map_save_for_intake
    from myomap_core.pain import PainMark, PainQuality

    pain_map_save_for_intake(
        intake=intake,
        marks=(PainMark("lumbar_paraspinal_left", 6, PainQuality.ACHING),),
        actor=therapist,
    )
    Intake.objects.filter(pk=intake.pk).update(
        status=IntakeStatus.SUBMITTED, submitted_at=timezone.now()
    )
    page.goto(f"{base}/clients/{patient.pk}/intake/{intake.pk}/")
    banner = page.locator("#unmarked-places")
    assert "“buttock”" in banner.inner_text() and "lower back" not in banner.inner_text()
    shot(page, "unmarked-on-the-intake")
    context.close()
