"""The intake as people use it: the therapist at a desk, the client on a phone, by keyboard."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from myomap.intake.models import Intake, IntakeStatus, PainMark
from myomap.patients.models import Patient
from myomap_core import atlas
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
# (region, intensity, quality) tapped on the phone
TAPPED = (
    ("sacroiliac_left", 6, "aching"),
    ("lumbar_paraspinal_left", 7, "sharp"),
    ("upper_buttock_left", 4, "tingling"),
)


class Shots:
    """Numbered full-page screenshots of every page of a journey."""

    def __init__(self, folder: Path, prefix: str) -> None:
        self.folder, self.prefix, self.count = folder, prefix, 0

    def __call__(self, page: Any, name: str) -> None:
        self.count += 1
        path = self.folder / f"{self.prefix}-{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(re.compile(r"/(today|calendar)/"))


def region_point(page: Any, region_id: str) -> dict[str, float]:
    """A point well inside a region, relative to its on-screen box.

    A touch covers a small area and the topmost region under it wins, so the point is the
    one nearest the atlas centre whose neighbourhood (3 px around) is all this region.
    """
    cx, cy = atlas.region(region_id).centre
    return page.evaluate(
        """([id, cx, cy]) => {
            const el = document.querySelector('.region[data-region="' + id + '"]');
            const svg = el.ownerSVGElement;
            const p = svg.createSVGPoint(); p.x = cx; p.y = cy;
            const centre = p.matrixTransform(svg.getScreenCTM());
            const box = el.getBoundingClientRect();
            const ours = (x, y) => {
                const hit = document.elementFromPoint(x, y);
                return hit !== null && hit.closest('.region') === el;
            };
            let best = null, bestDistance = Infinity;
            for (let x = box.left; x <= box.right; x += 1) {
                for (let y = box.top; y <= box.bottom; y += 1) {
                    const clear = [[0, 0], [-3, 0], [3, 0], [0, -3], [0, 3],
                                   [-3, -3], [3, 3], [-3, 3], [3, -3]]
                        .every(([dx, dy]) => ours(x + dx, y + dy));
                    const distance = Math.hypot(x - centre.x, y - centre.y);
                    if (clear && distance < bestDistance) {
                        best = [x, y];
                        bestDistance = distance;
                    }
                }
            }
            const [x, y] = best || [centre.x, centre.y];
            return {x: x - box.left, y: y - box.top};
        }""",
        [region_id, cx, cy],
    )


def continue_(page: Any) -> None:
    with page.expect_navigation():
        page.click("button:has-text('Save and continue')")


def test_client_fills_the_intake_on_a_phone(browser, live_server, therapist, artifacts):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "journey")

    # The therapist registers the client and creates a private link.
    desk = browser.new_context(**DESKTOP)
    desk.set_default_timeout(10_000)
    staff = desk.new_page()
    log_in(staff, base, "therapist")
    staff.click("nav a:has-text('Clients')")
    shot(staff, "therapist-client-list")
    staff.click("text=New client")
    staff.fill("#id_first_name", "Nora")
    staff.fill("#id_last_name", "Quinn")
    staff.fill("#id_date_of_birth", "1986-05-17")
    staff.select_option("#id_sex", "female")
    staff.fill("#id_email", "nora.quinn@example.org")
    shot(staff, "therapist-new-client-form")
    with staff.expect_navigation():
        staff.click("button:has-text('Save')")
    nora = Patient.objects.get(last_name="Quinn")
    assert staff.url == f"{base}/clients/{nora.pk}/"
    assert "Nora Quinn is registered." in staff.inner_text(".messages")
    shot(staff, "therapist-client-page-new")
    with staff.expect_navigation():
        staff.click("button:has-text('Create link')")
    link = staff.input_value("#intake-url")
    assert re.fullmatch(rf"{re.escape(base)}/i/[A-Za-z0-9_-]{{40,}}/", link), link
    shot(staff, "therapist-link-created")

    # The client, on a phone, with no login.
    phone = browser.new_context(**PHONE)
    phone.set_default_timeout(10_000)
    mobile = phone.new_page()
    mobile.goto(link)
    assert "Hello Nora" in mobile.inner_text("h1")
    shot(mobile, "phone-welcome")
    mobile.tap("a:has-text('Start')")
    mobile.wait_for_url(re.compile(r"/complaint/$"))
    mobile.fill("#id_main_complaint", "Low back pain on the left after gardening")
    mobile.check("text=It built up over time")
    mobile.fill("#id_worse_with", "Bending over the flower beds")
    shot(mobile, "phone-your-pain")
    continue_(mobile)

    # Where it hurts: tap each region, then intensity and quality in the editor.
    assert mobile.url.endswith("/bodymap/")
    assert mobile.locator(".mark-editor").is_hidden()
    for region_id, intensity, quality in TAPPED:
        region = mobile.locator(f'.region[data-region="{region_id}"]')
        region.scroll_into_view_if_needed()
        region.tap(position=region_point(mobile, region_id))
        editor = mobile.locator(".mark-editor")
        assert editor.is_visible()
        assert editor.locator(".editor-title").inner_text() == atlas.region(region_id).label
        editor.locator(f'[data-intensity="{intensity}"]').tap()
        editor.locator(f'[data-quality="{quality}"]').tap()
        assert editor.locator(f'[data-quality="{quality}"]').get_attribute("aria-pressed") == (
            "true"
        )
        if region_id == TAPPED[0][0]:
            shot(mobile, "phone-bodymap-editor")
        editor.locator("[data-action=done]").tap()
        assert editor.is_hidden()
        assert region.get_attribute("data-intensity") == str(intensity)
        assert mobile.input_value(f'[name="i_{region_id}"]') == str(intensity)
        assert mobile.input_value(f'[name="q_{region_id}"]') == quality
    listed = mobile.locator(".marked-list").inner_text()
    assert "Left sacroiliac joint: 6/10, Aching" in listed
    assert "Left upper buttock: 4/10, Tingling or numbness" in listed
    mobile.locator(".bodymap").scroll_into_view_if_needed()
    shot(mobile, "phone-bodymap-marked")
    continue_(mobile)

    assert mobile.url.endswith("/activities/")
    mobile.fill("#id_usual_activities", "Office work, gardening at weekends")
    shot(mobile, "phone-your-week")
    continue_(mobile)
    mobile.check("text=Arthritis")
    mobile.fill("#id_medications", "Paracetamol when needed")
    shot(mobile, "phone-health-history")
    continue_(mobile)
    assert mobile.url.endswith("/screening/")
    mobile.check("#id_saddle_numbness_1")
    shot(mobile, "phone-health-checks")
    continue_(mobile)
    mobile.check("text=Mostly sitting")
    mobile.fill("#id_sitting_hours", "8")
    shot(mobile, "phone-work")
    continue_(mobile)
    mobile.fill("#id_stress_level", "5")
    mobile.check("text=So-so")
    shot(mobile, "phone-stress-sleep")
    continue_(mobile)

    # Halfway through the goals, the client closes the page; autosave keeps the answer.
    assert mobile.url.endswith("/goals/")
    mobile.fill("#id_most_important", "Kneel in the garden again")
    mobile.wait_for_function(
        "() => document.querySelector('.saved-note').textContent === 'Saved'", timeout=5000
    )
    shot(mobile, "phone-goals-half-filled")
    mobile.close()

    mobile = phone.new_page()
    mobile.goto(link)
    shot(mobile, "phone-welcome-back")
    mobile.tap("a:has-text('Continue where you left off')")
    mobile.wait_for_url(re.compile(r"/goals/$"))
    assert mobile.input_value("#id_most_important") == "Kneel in the garden again"
    mobile.fill("#id_goals", "Garden for an afternoon without back pain")
    continue_(mobile)

    # Consent: the typed name and a drawn signature.
    assert mobile.url.endswith("/consent/")
    mobile.check("#id_consent_agree")
    mobile.fill("#id_signature_name", "Nora Quinn")
    pad = mobile.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    mobile.mouse.move(box["x"] + 20, box["y"] + 100)
    mobile.mouse.down()
    for step in range(1, 8):
        mobile.mouse.move(box["x"] + 20 + step * 30, box["y"] + 100 - (step % 2) * 50)
    mobile.mouse.up()
    shot(mobile, "phone-consent-signed")
    with mobile.expect_navigation():
        mobile.click("button:has-text('Sign and send')")
    thanks_url, thanks_text = mobile.url, mobile.inner_text("body")
    shot(mobile, "phone-thank-you")

    intake = Intake.objects.get(patient=nora)
    assert intake.status == IntakeStatus.SUBMITTED
    assert intake.filled_by_client
    assert intake.consent_name == "Nora Quinn"
    assert intake.consent_signature.startswith("data:image/png;base64,")
    assert intake.answers["goals"]["most_important"] == "Kneel in the garden again"
    assert sorted(
        PainMark.objects.filter(pain_map__intake=intake).values_list(
            "region_id", "intensity", "quality"
        )
    ) == sorted(TAPPED)

    # Back at the desk: the map shows the marked regions and the intake is complete.
    staff.goto(f"{base}/clients/{nora.pk}/")
    marked = {
        el.get_attribute("data-region"): el.get_attribute("data-intensity")
        for el in staff.locator("#painmap .region[data-intensity]").all()
    }
    assert marked == {region_id: str(i) for region_id, i, _ in TAPPED}
    assert "completed" in staff.locator("section:has(h2:text-is('Intake'))").inner_text()
    shot(staff, "therapist-client-page-completed")
    staff.click("text=Intake of")
    assert "Garden for an afternoon without back pain" in staff.inner_text("main")
    shot(staff, "therapist-intake-detail")

    # The link is spent.
    mobile.goto(link)
    assert "This link does not open a form" in mobile.inner_text("h1")
    shot(mobile, "phone-link-spent")

    # The thank-you page after sending (checked last so the steps above are still verified).
    assert thanks_url.endswith("/done/")
    assert "Thank you" in thanks_text, thanks_text
    desk.close()
    phone.close()


def test_regions_can_be_marked_with_the_keyboard(
    browser, live_server, therapist, patient, artifacts
):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "keyboard")
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, base, "therapist")
    page.goto(f"{base}/clients/{patient.pk}/pain-maps/new/")

    region = page.locator('.region[data-region="lumbar_paraspinal_left"]')
    region.focus()
    page.keyboard.press("Enter")
    editor = page.locator(".mark-editor")
    assert editor.is_visible()
    # The editor opens on the suggested intensity; Tab moves to the next, Enter chooses it.
    assert page.evaluate("document.activeElement.dataset.intensity") == "5"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert editor.locator('[data-intensity="6"]').get_attribute("aria-pressed") == "true"
    listed = page.locator(".marked-list").inner_text()
    assert "Left low back: 6/10, Aching" in listed
    shot(page, "pain-map-marked-by-keyboard")

    editor.locator("[data-action=done]").focus()
    page.keyboard.press("Enter")
    assert editor.is_hidden()
    assert page.evaluate("document.activeElement.dataset.region") == "lumbar_paraspinal_left"
    with page.expect_navigation():
        page.click("button:has-text('Save pain map')")
    assert "Pain map saved." in page.inner_text(".messages")
    shot(page, "client-page-after-keyboard-map")
    assert list(PainMark.objects.values_list("region_id", "intensity", "quality")) == [
        ("lumbar_paraspinal_left", 6, "aching")
    ]
    context.close()
