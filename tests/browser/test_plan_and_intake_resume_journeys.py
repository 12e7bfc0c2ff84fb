"""Two journeys: the plan as proposed (suggestions added with one tap, every refusal at once
beside its field, the edited step kept in view) and an intake that resumes where the client
really stopped (the body map, then "No pain to mark today")."""

from __future__ import annotations

import re
from typing import Any

import pytest

from myomap.assessments.models import PalpationFinding
from myomap.assessments.services import assessment_start, palpation_finding_add
from myomap.intake.models import Intake
from myomap.intake.services import intake_link_create
from myomap.plans.models import Plan, PlanStep
from myomap_core.screening import Decision
from tests.browser.test_intake_journey import PHONE, Shots, continue_, log_in
from tests.web.scoped.screening import answers_with, screen_client

pytestmark = pytest.mark.browser

TABLET = {"viewport": {"width": 1024, "height": 768}, "device_scale_factor": 1, "has_touch": True}
FOUND = (
    ("quadratus_lumborum", "superficial_upper", "left"),
    ("gluteus_medius", "tp1_posterior", "left"),
    ("gluteus_minimus", "posterior", "left"),
)


def _assessed(therapist: Any, patient: Any) -> None:
    screen_client(therapist, patient, answers_with(Decision.TREAT))
    assessment = assessment_start(actor=therapist, patient=patient)
    for muscle_id, point, side in FOUND:
        finding = palpation_finding_add(
            actor=therapist,
            assessment=assessment,
            muscle_id=muscle_id,
            trigger_point=point,
            side=side,
        )
        PalpationFinding.objects.filter(pk=finding.pk).update(
            active=True, tenderness=2, nodule=True, taut_band=True
        )


def _in_view(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            """(s) => { const r = document.querySelector(s).getBoundingClientRect();
                        return r.top < window.innerHeight && r.bottom > 0; }""",
            selector,
        )
    )


def test_the_plan_as_proposed_and_its_editor(browser, live_server, therapist, patient, artifacts):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "plan")
    _assessed(therapist, patient)
    context = browser.new_context(**TABLET)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, base, "therapist")
    page.goto(f"{base}/clients/{patient.pk}/")
    page.click("#plan-card button:has-text('Propose plan')")
    page.wait_for_url(re.compile(r".*/plans/\d+/$"))
    plan = Plan.objects.get(patient=patient, status="active")

    # One step per palpated point, all on the left; satellites are only offered.
    steps = list(PlanStep.objects.filter(plan=plan).order_by("order"))
    assert len(steps) == len(FOUND)
    assert {s.side for s in steps} == {"left"}
    assert "Suggested: add with one tap" in page.inner_text("#suggestions")
    shot(page, "proposed")

    # One tap adds a suggestion; it leaves the list and joins the steps.
    first = page.locator("#suggestions li").first
    label = first.locator("strong").inner_text()
    first.locator("button").click()
    page.wait_for_function(
        "(n) => document.querySelectorAll('.plan-steps > li').length === n", arg=len(FOUND) + 1
    )
    assert PlanStep.objects.filter(plan=plan).count() == len(FOUND) + 1
    offered = page.locator("#suggestions")
    assert offered.count() == 0 or label not in offered.inner_text()
    shot(page, "suggestion-added")

    # Three bad values at once: every refusal beside its field, the step still in view.
    step = (
        PlanStep.objects.filter(plan=plan, technique="ischemic_compression")
        .order_by("order")
        .last()
    )
    assert step is not None
    hold = step.hold_s
    item = page.locator(f"#step-{step.pk}")
    item.locator("summary").click()
    item.locator(f"#s{step.pk}-hold_s").fill("120")
    item.locator(f"#s{step.pk}-repetitions").fill("20")
    item.locator(f"#s{step.pk}-pressure_max_kg").fill("9")
    item.locator("button:has-text('Save step')").click()
    page.wait_for_selector(f"#s{step.pk}-repetitions-error")
    for name in ("hold_s", "pressure_max_kg", "repetitions"):
        assert page.locator(f"#s{step.pk}-{name}-error").is_visible(), name
    assert _in_view(page, f"#step-{step.pk}")
    shot(page, "every-refusal-at-once")
    step.refresh_from_db()
    assert step.hold_s == hold
    context.close()


def test_the_intake_resumes_at_the_body_map(browser, live_server, therapist, patient, artifacts):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "resume")
    _link, token = intake_link_create(actor=therapist, patient=patient)
    link = f"{base}/i/{token}/"
    phone = browser.new_context(**PHONE)
    phone.set_default_timeout(10_000)
    mobile = phone.new_page()
    mobile.goto(link)
    mobile.tap("a:has-text('Start')")
    mobile.wait_for_url(re.compile(r"/complaint/$"))
    mobile.fill("#id_main_complaint", "Low back pain on the left")
    mobile.check("text=It built up over time")
    continue_(mobile)
    # The client passes the body map without marking anything and goes on.
    assert mobile.url.endswith("/bodymap/")
    continue_(mobile)
    assert mobile.url.endswith("/activities/")
    mobile.fill("#id_usual_activities", "Office work")
    continue_(mobile)
    mobile.close()

    # Back later: "Continue" goes to the body map, not past it.
    mobile = phone.new_page()
    mobile.goto(link)
    shot(mobile, "welcome-back")
    mobile.tap("a:has-text('Continue where you left off')")
    mobile.wait_for_url(re.compile(r"/bodymap/$"))
    box = mobile.locator("input[name=no_pain]")
    box.scroll_into_view_if_needed()
    shot(mobile, "bodymap-no-pain-offered")
    box.check()
    continue_(mobile)
    intake = Intake.objects.get(patient=patient)
    assert intake.answers["bodymap"] == {"no_pain": True}

    # Now the first section not done is the health history.
    mobile.goto(link)
    mobile.tap("a:has-text('Continue where you left off')")
    mobile.wait_for_url(re.compile(r"/history/$"))
    shot(mobile, "resumed-after-the-body-map")
    phone.close()
