"""The treatment journey on a tablet: plan → guided session → SOAP note → aftercare.

The client has been screened (treat with precautions) and assessed (six active trigger
points). The therapist proposes the plan, runs a follow-up session of six trigger points in
the guide with a fake clock (each step's first discomfort reading starts its hold, the timer
runs to its end, the outcome moves on; a discomfort of 7 brings the "ease off" warning), signs
the drafted note, amends it, and prints the aftercare sheet.

The interactions (presses and keystrokes) from "Start session" to the signed note are
counted in the page; ``bench/interactions.py`` writes them to docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from myomap.assessments.models import PalpationFinding
from myomap.assessments.services import assessment_start, palpation_finding_add
from myomap.notes.models import SoapNote
from myomap.plans.models import Plan
from myomap.plans.services import plan_step_remove
from myomap.sessions.models import SessionEvent, TreatmentSession
from myomap_core.screening import Decision
from tests.browser.interactions import count_interactions, interactions, reset_interactions
from tests.browser.test_intake_journey import Shots, log_in
from tests.browser.test_session_guide import check_in
from tests.pdftext import pdf_text
from tests.web.scoped.screening import answers_with, screen_client

pytestmark = pytest.mark.browser

TABLET = {"viewport": {"width": 1024, "height": 768}, "device_scale_factor": 1, "has_touch": True}
GOAL = 20
"""Per trigger point a discomfort reading (which starts the hold) and the outcome (which ends
it and moves on): 3 + 6 × 2 + 1 (the ease-off reading) + 2 (pain after, finish) + 2 (sign,
confirm) = 20."""
FOUND = (
    ("quadratus_lumborum", "right"),
    ("gluteus_medius", "right"),
    ("piriformis", "right"),
    ("iliocostalis_lumborum", "right"),
    ("gluteus_minimus", "right"),
    ("gluteus_maximus", "right"),
)


def _assessed(therapist: Any, patient: Any) -> None:
    """Screened with precautions, and six active trigger points found on palpation."""
    screen_client(therapist, patient, answers_with(Decision.TREAT_WITH_PRECAUTIONS))
    assessment = assessment_start(actor=therapist, patient=patient)
    from myomap_core.knowledge import load_knowledge_base

    kb = load_knowledge_base()
    for muscle_id, side in FOUND:
        point = kb.muscle(muscle_id).trigger_points[0].id
        finding = palpation_finding_add(
            actor=therapist,
            assessment=assessment,
            muscle_id=muscle_id,
            trigger_point=point,
            side=side,
        )
        PalpationFinding.objects.filter(pk=finding.pk).update(
            active=True, tenderness=2, nodule=True
        )


def _six_step_plan(therapist: Any, patient: Any) -> Plan:
    """Today's plan keeps the six trigger points found (the proposal adds satellites)."""
    plan = Plan.objects.get(patient=patient, status="active")
    found = {(m, s) for m, s in FOUND}
    kept = 0
    for step in plan.steps.order_by("order"):
        first_of_muscle = (step.muscle_id, step.side) in found and step.technique == (
            "ischemic_compression"
        )
        if first_of_muscle and kept < len(FOUND):
            found.discard((step.muscle_id, step.side))
            kept += 1
            continue
        plan_step_remove(actor=therapist, step=step)
    assert plan.steps.count() == len(FOUND)
    return plan


def _stage(page: Any) -> Any:
    return page.locator(".g-stage:not([hidden])")


def test_a_follow_up_session_of_six_trigger_points(  # type: ignore[no-untyped-def]
    browser, live_server, therapist, patient, artifacts
):
    base = live_server.url
    shot = Shots(artifacts, "treatment")
    _assessed(therapist, patient)
    context = browser.new_context(**TABLET)
    context.set_default_timeout(10_000)
    count_interactions(context)
    page = context.new_page()
    page.clock.install()
    log_in(page, base, "therapist")

    # The plan: proposed from the screening and the assessment, every element covered.
    page.goto(f"{base}/clients/{patient.pk}/")
    page.click("#plan-card button:has-text('Propose plan')")
    page.wait_for_url(re.compile(r".*/plans/\d+/$"))
    body = page.locator("main").inner_text()
    assert "Quadratus lumborum" in body and "Ischemic compression" in body
    assert "lb" in body and "kg" in body
    assert "Trigger points" in body
    shot(page, "plan")
    _six_step_plan(therapist, patient)

    # From here on every press and keystroke counts.
    page.goto(f"{base}/clients/{patient.pk}/")
    reset_interactions(page)
    tally: list[tuple[str, int]] = []

    def mark(what: str) -> None:
        tally.append((what, interactions(page)["total"]))

    page.click("#sessions-card button:has-text('Start session')")
    page.wait_for_url("**/guide/")
    session = TreatmentSession.objects.get(patient=patient)
    assert page.locator("#guide-precautions").is_visible()
    check_in(page, 6)  # pain now, and no to every safety question
    mark("start the session and check in (pain before, safety questions)")

    for number in range(1, len(FOUND) + 1):
        step = _stage(page)
        assert step.locator("[data-timer-toggle]").inner_text() == "Start 60 s"
        if number == 1:
            shot(page, "step-before-tap")
        if number == 3:
            step.locator(".discomfort-row button[data-value='7']").tap()
            warning = page.locator("#ease-off")
            warning.wait_for()
            assert warning.get_attribute("role") == "alert"
            assert "discomfort 7/10" in warning.inner_text()
            shot(page, "ease-off")
            step.locator(".discomfort-row button[data-value='4']").tap()
            assert warning.is_hidden()
        else:
            step.locator(".discomfort-row button[data-value='4']").tap()
        assert step.locator("[data-timer-toggle]").inner_text() == "Stop"  # the hold is on
        if number == 1:
            shot(page, "step-after-tap")
        page.clock.run_for(61_000)
        step.locator(".timer-done").wait_for()
        step.locator("button[data-outcome='released']").tap()
        reading = "discomfort (starts the hold)"
        if number == 3:
            reading = "discomfort 7 (starts the hold; ease off), then 4"
        mark(f"trigger point {number}: {reading}, released (ends it, moves on)")
    _stage(page).locator("button[data-value='3']").tap()  # pain after
    page.click("button:has-text('Finish and write the note')")
    page.wait_for_url(f"**/sessions/{session.pk}/note/")
    mark("rate the pain after and finish")
    shot(page, "note-draft")

    # The note is drafted from the session: S, O, A and P.
    objective = page.locator("#id_objective").input_value()
    assert "r quadratus lumborum" in objective.lower()
    assert "(planned 60 s ×2)" in objective  # one timed hold of the two planned, said so
    assert len(objective.split()) <= 180  # a six-site note read in a minute
    assert "7/10" in objective
    assert page.locator("#id_subjective").input_value().strip()
    page.click("#sign-note")
    page.click("#sign-and-lock")
    page.locator("text=Signed").first.wait_for()
    mark("sign the note (Sign note, then Sign and lock on the review)")
    counted = interactions(page)
    note = SoapNote.objects.get(session=session)
    assert note.status == "signed" and note.content_hash
    for order in range(1, len(FOUND) + 1):  # the log: a hold started, run out, released
        log = SessionEvent.objects.filter(session=session, step__order=order).order_by("seq")
        kinds = [(e.kind, e.value) for e in log if e.kind != "discomfort"]
        assert kinds == [("timer_started", 60), ("timer_done", 60), ("released", None)], order
    assert note.objective.count("60 s ×1 (planned 60 s ×2)") == len(FOUND)
    assert "released" in note.assessment
    shot(page, "note-signed")

    # Amended after signing: the original stays, the amendment shows under it.
    page.click("summary:has-text('Amend')")
    page.fill("#id_reason", "Client called: the pain after was 2, not 3.")
    page.fill("#id_amend_subjective", note.subjective + "\nPain after the session was 2/10.")
    page.click("button:has-text('Add amendment')")
    page.locator("text=Client called: the pain after was 2, not 3.").wait_for()
    note.refresh_from_db()
    assert note.amendments.count() == 1
    assert "Pain after the session was 2/10." not in note.subjective
    shot(page, "note-amended")

    # The signed note, printed: the amendment, the fingerprint and the legend, not a draft.
    note_pdf = page.locator("#note-pdf").get_attribute("href")
    response = page.request.get(f"{base}{note_pdf}")
    assert response.headers["content-type"] == "application/pdf"
    printed = pdf_text(response.body())
    assert "Client called: the pain after was 2, not 3." in printed
    assert note.content_hash in printed.replace(" ", "")
    assert "Abbreviations" in printed and "Draft — not signed" not in printed

    # The aftercare sheet, printed: the 24-hour rule and the self-care of the muscles treated.
    page.click("a:has-text('Aftercare sheet')")
    page.wait_for_url("**/aftercare/")
    shot(page, "aftercare")
    pdf_href = page.locator("a:has-text('PDF')").first.get_attribute("href")
    response = page.request.get(f"{base}{pdf_href}")
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(response.body()).split())
    assert "no heavy lifting for at least 24 hours" in text.lower()
    assert "Quadratus lumborum" in text
    context.close()

    assert counted["total"] <= GOAL, tally
    out = os.environ.get("MYOMAP_INTERACTIONS_OUT")
    if out:
        before = [0] + [total for _, total in tally]
        steps = [f"{what}: {total - b}" for (what, total), b in zip(tally, before, strict=False)]
        Path(out).write_text(json.dumps({**counted, "steps": steps}), "utf-8")
