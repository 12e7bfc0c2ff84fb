"""The client on a phone: the reminder's private link, confirm, then cancel."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from myomap.appointments.models import Appointment, Status
from myomap.appointments.services import appointment_book
from myomap.cli import main as cli_main
from tests.browser.test_intake_journey import log_in
from tests.web.scoped.appointments import at, schedule

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def test_the_client_confirms_then_cancels_on_a_phone(  # type: ignore[no-untyped-def]
    browser, live_server, therapist, patient, artifacts, settings, tmp_path
):
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.SITE_URL = live_server.url
    patient.clinic.phone = "020 7946 0000"
    patient.clinic.save()
    plan = schedule(therapist)
    appointment = appointment_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=plan["types"]["Treatment"],
        room=plan["room"],
        starts_at=at(patient.clinic, 3, 10),
    )
    assert cli_main(["worker", "--once"]) == 0
    url = re.search(r"(http\S+/a/[\w-]+/)", mail.outbox[0].body)
    assert url is not None

    def shot(page: Any, name: str) -> None:
        path: Path = artifacts / f"reminder-link-{name}.png"
        page.screenshot(path=str(path), full_page=True)

    context = browser.new_context(**PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(url.group(1))
    assert page.get_by_role("heading", name="Your appointment").is_visible()
    assert page.get_by_text("Harbour Street NMT").first.is_visible()
    shot(page, "phone")
    page.get_by_role("button", name="Confirm I will come").click()
    page.get_by_text("your appointment is confirmed").wait_for()
    shot(page, "phone-confirmed")
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED

    page.get_by_role("button", name="Cancel this appointment").click()
    page.get_by_text("Your appointment is cancelled").wait_for()
    shot(page, "phone-cancelled")
    assert Appointment.objects.get(pk=appointment.pk).status == Status.CANCELLED
    context.close()

    # The therapist sees on the appointment's page who cancelled and what was sent.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk.set_default_timeout(10_000)
    log_in(desk, live_server.url, "therapist")
    desk.goto(f"{live_server.url}/clients/{patient.pk}/appointments/{appointment.pk}/")
    assert "(the client, " in desk.locator(".appt-status").inner_text()
    table = desk.locator("#reminders-title + .table-wrap").inner_text()
    assert "Confirmation" in table and "Sent" in table and "Cancelled" in table
    shot(desk, "appointment-page")
