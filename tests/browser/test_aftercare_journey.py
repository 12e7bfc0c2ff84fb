"""Aftercare in a real browser: the therapist's sheet and PDF, the client's phone page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from myomap.aftercare.models import HomeProgramMark
from myomap.intake.models import Intake
from tests.browser.test_intake_journey import DESKTOP, PHONE, Shots, log_in
from tests.pdftext import pdf_text
from tests.web.scoped.aftercare import finished_session

pytestmark = pytest.mark.browser


def test_sheet_pdf_and_phone_home_program(browser, live_server, therapist, patient, artifacts):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "aftercare")
    Intake.objects.create(
        clinic=patient.clinic,
        patient=patient,
        status="submitted",
        answers={"work": {"work_type": "sitting", "sitting_hours": 8, "workstation": "laptop"}},
    )
    session = finished_session(therapist, patient)

    desk = browser.new_context(**DESKTOP)
    desk.set_default_timeout(10_000)
    staff = desk.new_page()
    log_in(staff, base, "therapist")
    staff.goto(f"{base}/clients/{patient.pk}/sessions/{session.pk}/aftercare/")
    assert staff.locator("h1").inner_text() == "Aftercare sheet"
    shot(staff, "therapist-sheet")
    pdf = staff.request.get(
        f"{base}/clients/{patient.pk}/sessions/{session.pk}/aftercare/aftercare.pdf"
    )
    assert "24 hours" in pdf_text(pdf.body())
    pdf_path = Path(artifacts) / "aftercare-sheet.pdf"
    pdf_path.write_bytes(pdf.body())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf_path), str(Path(artifacts) / "aftercare-pdf")],
        check=False,
    )
    staff.click("button:has-text('Send home program link')")
    url = staff.input_value("#homecare-url")
    assert re.search(r"/h/[\w-]+/$", url)

    phone_context = browser.new_context(**PHONE, java_script_enabled=False)
    phone = phone_context.new_page()
    phone.goto(url)
    shot(phone, "phone-home-program")
    phone.click("#item-breaks button:has-text('Done today')")
    phone.wait_for_load_state()
    assert "Done today (1 of 8)" in phone.locator("#item-breaks .ac-done-note").inner_text()
    assert HomeProgramMark.objects.filter(item_id="breaks").count() == 1
    shot(phone, "phone-breaks-done")

    staff.goto(f"{base}/clients/{patient.pk}/sessions/{session.pk}/aftercare/")
    assert "Done today" in staff.locator("#adherence").inner_text()
    staff.goto(f"{base}/clients/{patient.pk}/")
    assert "Movement breaks: 1 of 1 day" in staff.locator("#homecare").inner_text()
    shot(staff, "therapist-client-page")
