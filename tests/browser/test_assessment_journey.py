"""An assessment on a tablet: photo, landmarks by clicks, palpation taps, the five elements."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from myomap.assessments.demo import SIDE
from myomap.assessments.demo import _side_photo as _side_upload
from myomap.assessments.models import Assessment, PalpationFinding, PosturePhoto
from myomap.assessments.selectors import element_profile, posture_analysis
from myomap.assessments.services import photo_add, photo_landmarks_save
from myomap.intake.services import pain_map_record
from myomap_core.pain import pain_marks
from tests.browser.test_intake_journey import Shots, log_in

pytestmark = pytest.mark.browser

TABLET = {
    "viewport": {"width": 1024, "height": 768},
    "device_scale_factor": 2,
    "has_touch": True,
}
SIZE = (600, 900)
# Front view: the client's right is on the image's left. Right shoulder and pelvis higher.
POINTS = {
    "acromion_left": (400, 266),
    "acromion_right": (200, 250),
    "asis_left": (362, 508),
    "asis_right": (238, 500),
    "iliac_crest_left": (384, 470),
    "iliac_crest_right": (216, 460),
}


def posture_photo(path: Path) -> Path:
    """A plain drawing of a standing person with small marks where the landmarks are."""
    image = Image.new("RGB", SIZE, (226, 230, 233))
    draw = ImageDraw.Draw(image)
    skin, shorts = (222, 186, 160), (60, 80, 110)
    draw.ellipse((255, 90, 345, 200), fill=skin)  # head
    draw.rectangle((285, 195, 315, 240), fill=skin)  # neck
    draw.polygon([(195, 245), (405, 262), (380, 520), (220, 512)], fill=skin)  # trunk
    draw.rectangle((215, 450, 385, 560), fill=shorts)
    draw.polygon([(175, 255), (200, 250), (185, 520), (160, 515)], fill=skin)  # right arm
    draw.polygon([(400, 266), (425, 272), (440, 525), (415, 530)], fill=skin)  # left arm
    draw.rectangle((228, 560, 290, 860), fill=skin)  # right leg
    draw.rectangle((310, 565, 372, 865), fill=skin)  # left leg
    for x, y in POINTS.values():
        draw.ellipse((x - 3, y - 3, x + 3, y + 3), outline=(90, 40, 20), width=1)
    target = path / "front.jpg"
    image.save(target, quality=88)
    return target


def test_a_whole_assessment_on_a_tablet(
    browser, live_server, therapist, screened, artifacts, tmp_path
):  # type: ignore[no-untyped-def]
    patient = screened
    base = live_server.url
    shot = Shots(artifacts, "assessment")
    pain_map_record(
        actor=therapist,
        patient=patient,
        marks=pain_marks(
            [
                ("lumbar_paraspinal_left", 6, "aching"),
                ("sacroiliac_left", 7, "aching"),
                ("upper_buttock_left", 5, "aching"),
            ]
        ),
    )
    context = browser.new_context(**TABLET)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, base, "therapist")

    # Start from the client page.
    page.goto(f"{base}/clients/{patient.pk}/")
    page.locator("#assessment-card").scroll_into_view_if_needed()
    shot(page, "client-card-empty")
    with page.expect_navigation():
        page.click("#assessment-card button:has-text('Start an assessment')")
    assessment = Assessment.objects.get(patient=patient)
    assert page.url == f"{base}/clients/{patient.pk}/assessments/{assessment.pk}/"
    assert "Palpate first" in page.inner_text("#pain")
    shot(page, "assessment-page")

    # Upload a front photo generated here.
    page.select_option("#id_view", "front")
    page.set_input_files("#id_image", str(posture_photo(tmp_path)))
    with page.expect_navigation():
        page.click("button:has-text('Upload')")
    photo = PosturePhoto.objects.get(assessment=assessment)
    assert page.url.endswith(f"/photos/{photo.pk}/")
    assert (photo.width, photo.height) == SIZE
    prompt = page.locator(".next-prompt")
    assert "Next: tap Acromion, left" in prompt.inner_text()
    shot(page, "editor-empty")

    # Place each landmark by a click on the photo; the editor names the next one.
    overlay = page.locator(".editor svg.photo-overlay")
    box = overlay.bounding_box()
    assert box is not None and box["height"] <= 768, box
    scale = box["width"] / SIZE[0]
    for landmark_id in ("acromion_left", "acromion_right", "asis_left", "asis_right",
                        "iliac_crest_left", "iliac_crest_right"):  # fmt: skip
        x, y = POINTS[landmark_id]
        overlay.click(position={"x": x * scale, "y": y * scale})
        assert page.locator(f'#ov-points .lm[data-id="{landmark_id}"]').count() == 1
    page.wait_for_function("() => document.querySelector('.saved-note').textContent === 'Saved'")
    photo.refresh_from_db()
    assert set(photo.landmarks) == set(POINTS)
    for landmark_id, (x, y) in POINTS.items():
        px, py = photo.landmarks[landmark_id]
        assert abs(px - x) <= 2 and abs(py - y) <= 2, (landmark_id, px, py)

    # The angles drawn and listed are the core's for the saved landmarks.
    analysis = posture_analysis(photo)
    tilt = analysis.measure("shoulder_tilt")
    assert tilt.direction == "right high"
    page.wait_for_selector("#ov-lines .ov-measure")
    shown = page.inner_text('[data-measure="shoulder_tilt"]')
    assert shown == f"{tilt.value:.1f}°"
    assert f"{tilt.value:.1f}°" in (page.text_content("#ov-lines") or "")
    assert page.inner_text('[data-measure="pelvic_obliquity"]') == (
        f"{analysis.measure('pelvic_obliquity').value:.1f}°"
    )
    assert "Estimates" in page.inner_text("#analysis")
    shot(page, "editor-landmarks-placed")

    # Drag the left acromion 20 px down (in photo pixels): saved, and the angle follows.
    overlay.scroll_into_view_if_needed()
    box = overlay.bounding_box()
    assert box is not None
    start = {"x": box["x"] + 400 * scale, "y": box["y"] + 266 * scale}
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move(start["x"], start["y"] + 10 * scale, steps=4)
    page.mouse.move(start["x"], start["y"] + 20 * scale, steps=4)
    page.mouse.up()
    page.wait_for_function(
        "() => document.querySelector('[data-measure=\"shoulder_tilt\"]').textContent !== "
        f"'{tilt.value:.1f}°'"
    )
    page.wait_for_function("() => document.querySelector('.saved-note').textContent === 'Saved'")
    photo.refresh_from_db()
    assert abs(photo.landmarks["acromion_left"][1] - 286) <= 2
    new_tilt = posture_analysis(photo).measure("shoulder_tilt")
    assert page.inner_text('[data-measure="shoulder_tilt"]') == f"{new_tilt.value:.1f}°"
    page.click("[data-zoom=in]")
    shot(page, "editor-zoomed")
    page.click("[data-zoom=fit]")

    # Back to the assessment: palpate the first candidate's first trigger point on the left.
    with page.expect_navigation():
        page.click("a:has-text('assessment of')")
    assert page.locator(".photo-thumb").count() == 1
    first = page.locator(".assess-candidates > li").first
    muscle = first.locator(".cand-head strong").inner_text().split(". ", 1)[1]
    first.locator("button:has-text('Left')").first.tap()
    finding_card = page.locator(".finding").first
    finding_card.wait_for()
    assert muscle in finding_card.locator("h4").inner_text()
    assert "palpation, client" in finding_card.locator("summary").inner_text()
    for label in ("Active", "Taut band", "Twitch response", "Referral reproduced"):
        finding_card = page.locator(".finding").first
        finding_card.locator(f"button:has-text('{label}')").tap()
        page.wait_for_selector(f".finding >> button:has-text('{label}')[aria-pressed=true]")
    page.locator(".finding").first.locator('button[aria-label="Tenderness 3"]').tap()
    page.wait_for_selector('.finding button[aria-label="Tenderness 3"][aria-pressed=true]')
    card = page.locator(".finding").first
    card.locator("input[name=ppt]").fill("3.5")
    card.locator("select[name=ppt_unit]").select_option("kg_cm2")
    card.locator("button:has-text('Save PPT')").tap()
    page.wait_for_selector(".finding .ppt-stored")
    finding = PalpationFinding.objects.get(assessment=assessment)
    assert finding.active and finding.taut_band and finding.twitch
    assert finding.referral_reproduced and finding.tenderness == 3
    assert finding.ppt_kpa == pytest.approx(3.5 * 98.07, abs=0.05)
    page.locator(".finding").first.scroll_into_view_if_needed()
    shot(page, "palpation-finding")

    # Nothing is lost on reload; the five elements show the trigger point.
    page.reload()
    card = page.locator(".finding").first
    assert card.locator("button:has-text('Taut band')").get_attribute("aria-pressed") == "true"
    assert card.locator("input[name=ppt]").input_value() == "3.5"
    profile = {str(r.element): r for r in element_profile(assessment).ratings}
    assert profile["trigger_points"].rating >= 1
    elements = page.locator("#elements")
    elements.scroll_into_view_if_needed()
    chart = elements.locator(".element-chart svg")
    assert re.search(
        rf"Trigger points {profile['trigger_points'].rating} of 3",
        chart.get_attribute("aria-label") or "",
    )
    assert profile["trigger_points"].evidence[0].text in elements.inner_text()
    shot(page, "five-elements")

    # Override one element with a reason.
    elements.locator("summary:has-text('Rate an element by hand')").tap()
    elements.locator("select[name=element]").select_option("postural_distortion")
    elements.locator("select[name=rating]").select_option("2")
    elements.locator("input[name=reason]").fill("Right shoulder and pelvis visibly higher")
    elements.locator("button:has-text('Set rating')").tap()
    page.wait_for_selector("#elements .tag-warn")
    assert "Right shoulder and pelvis visibly higher" in page.inner_text("#elements")
    shot(page, "five-elements-override")

    # A side photo with a scale marker: the craniovertebral angle and plumb-line offsets in mm.
    side = photo_add(actor=therapist, assessment=assessment, view="side", upload=_side_upload())
    photo_landmarks_save(
        actor=therapist,
        photo=side,
        landmarks={k: list(v) for k, v in SIDE.items()},
        scale_points=[[40, 300], [40, 700]],
        scale_length_mm=1000.0,
    )
    side.refresh_from_db()
    page.goto(f"{base}/clients/{patient.pk}/assessments/{assessment.pk}/photos/{side.pk}/")
    cva = posture_analysis(side).measure("craniovertebral_angle")
    assert page.inner_text('[data-measure="craniovertebral_angle"]') == f"{cva.value:.1f}°"
    tragus = posture_analysis(side).measure("plumb_line_tragus")
    assert page.inner_text('[data-measure="plumb_line_tragus"]') == f"{tragus.value:.0f} mm"
    shot(page, "editor-side-view")

    # The client page card: date, mini chart and posture headline.
    page.goto(f"{base}/clients/{patient.pk}/")
    card = page.locator("#assessment-card")
    card.scroll_into_view_if_needed()
    assert card.locator(".element-chart.mini svg").count() == 1
    assert "high" in card.inner_text()
    shot(page, "client-card")
    context.close()
