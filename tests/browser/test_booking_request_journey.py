"""A client asks for another visit on a phone; the front desk books it from the calendar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from myomap.appointments.booking_models import BookingRequest, RequestStatus
from myomap.appointments.models import AppointmentType, Online, Status
from myomap.appointments.reminders import appointment_link_create
from myomap.appointments.services import appointment_book
from myomap.clinics.models import Role
from myomap.clinics.services import user_create
from tests.browser.test_intake_journey import log_in
from tests.browser.test_reminder_link_journey import PHONE
from tests.web.conftest import PASSWORD
from tests.web.scoped.appointments import at, schedule

pytestmark = pytest.mark.browser


def test_a_client_asks_on_a_phone_and_the_front_desk_books_it(  # type: ignore[no-untyped-def]
    browser, live_server, therapist, patient, artifacts
):
    user_create(
        clinic=patient.clinic,
        username="desk",
        password=PASSWORD,
        role=Role.FRONT_DESK,
        first_name="Jo",
        last_name="Desk",
    )
    plan = schedule(therapist)
    treatment = plan["types"]["Treatment"]
    AppointmentType.objects.filter(pk=treatment.pk).update(online=Online.EVERYONE)
    visit = appointment_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=treatment,
        room=plan["room"],
        starts_at=at(patient.clinic, 2, 9),
    )
    token = appointment_link_create(appointment=visit)

    def shot(page: Any, name: str) -> None:
        path: Path = artifacts / f"booking-request-{name}.png"
        page.screenshot(path=str(path), full_page=True)

    phone = browser.new_context(**PHONE)
    phone.set_default_timeout(10_000)
    page = phone.new_page()
    page.goto(live_server.url + reverse("portal:appointment", args=[token]))
    page.get_by_role("link", name="Ask for another visit").click()
    page.get_by_role("heading", name="Ask for another visit").wait_for()
    radios = page.get_by_role("radio")
    assert radios.count() >= 4
    shot(page, "phone-free-times")
    radios.nth(1).check()
    page.get_by_label("A note for the clinic (optional)").fill("Mornings suit me best")
    page.get_by_role("button", name="Send my request").click()
    page.get_by_text("Nothing is booked yet").wait_for()
    shot(page, "phone-sent")
    phone.close()
    asked = BookingRequest.objects.get()
    assert asked.status == RequestStatus.WAITING and asked.note == "Mornings suit me best"

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk.set_default_timeout(10_000)
    log_in(desk, live_server.url, "desk")
    desk.goto(live_server.url + reverse("appointments:day"))
    desk.get_by_role("link", name="Answer it").click()
    desk.get_by_role("heading", name="Booking requests").wait_for()
    assert "Mornings suit me best" in desk.locator(f"#request-{asked.pk}").inner_text()
    shot(desk, "desk-requests")
    desk.get_by_role("button", name="Book it").click()
    desk.get_by_text("the confirmation is on its way").wait_for()
    shot(desk, "desk-booked")
    asked.refresh_from_db()
    assert asked.status == RequestStatus.BOOKED
    assert asked.appointment is not None and asked.appointment.status == Status.BOOKED
