"""The finer foot and forearm regions on the body map: typed, marked, drawn on the chart."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_intake_journey import DESKTOP, log_in

pytestmark = pytest.mark.browser


def _zoom(page: Any, region_id: str, path: str, pad: float = 40) -> None:
    """A close-up screenshot around one drawn region."""
    box = page.locator(f'.region[data-region="{region_id}"]').bounding_box()
    assert box is not None
    clip = {
        "x": max(box["x"] - pad, 0),
        "y": max(box["y"] - pad, 0),
        "width": box["width"] + 2 * pad,
        "height": box["height"] + 2 * pad,
    }
    page.screenshot(path=path, clip=clip)


def test_type_the_thumb_side_of_the_forearm_and_the_ball_of_the_foot(
    browser, live_server, screened, artifacts
):  # type: ignore[no-untyped-def]
    base = live_server.url
    context = browser.new_context(**DESKTOP, device_scale_factor=2)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, base, "therapist")
    page.goto(f"{base}/clients/{screened.pk}/pain-maps/new/")

    page.fill(".region-search input", "thumb side of the right forearm")
    page.keyboard.press("Enter")
    page.wait_for_selector(".region-search-result:has-text('thumb side')")
    for region_id in ("anterior_forearm_radial_right", "posterior_forearm_radial_right"):
        assert page.input_value(f"select[name=i_{region_id}]") == "5"
        pressed = page.get_attribute(f'.region[data-region="{region_id}"]', "aria-pressed")
        assert pressed == "true"
    assert page.input_value("select[name=i_anterior_forearm_ulnar_right]") == ""

    page.fill(".region-search input", "ball of the left foot")
    page.keyboard.press("Enter")
    page.wait_for_selector(".region-search-result:has-text('Ball of the foot')")
    assert page.input_value("select[name=i_ball_of_foot_left]") == "5"
    assert page.input_value("select[name=i_arch_left]") == ""
    page.click('.region[data-region="heel_left"]')
    page.wait_for_selector("#candidates .candidate")

    page.screenshot(path=str(artifacts / "regions-01-chart.png"), full_page=True)
    _zoom(page, "anterior_forearm_radial_right", str(artifacts / "regions-02-forearm-front.png"))
    _zoom(page, "posterior_forearm_radial_right", str(artifacts / "regions-03-forearm-back.png"))
    _zoom(page, "arch_left", str(artifacts / "regions-04-foot-sole.png"), pad=60)
    context.close()
