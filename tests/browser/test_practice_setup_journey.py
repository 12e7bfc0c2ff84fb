"""A fresh clinic (no demo data) sets up its calendar: the owner adds a location, a room, an
appointment type and a therapist's hours, then books a client in a free slot on the day
calendar."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from myomap.appointments.models import Appointment, AppointmentType, Location, Room, WorkingHours
from myomap.clinics.models import Role
from myomap.clinics.services import user_create
from tests.browser.test_intake_journey import Shots, log_in
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def test_the_owner_sets_up_a_fresh_clinic_and_books_in_a_free_slot(  # type: ignore[no-untyped-def]
    browser, live_server, clinic, therapist, patient, artifacts
):
    base = live_server.url
    shot = Shots(artifacts, "practice-setup")
    user_create(
        clinic=clinic, username="owner", password=PASSWORD, role=Role.OWNER,
        first_name="Sam", last_name="Owner",
    )  # fmt: skip
    tomorrow = clinic.today() + timedelta(days=1)
    page = browser.new_context(**DESKTOP).new_page()
    page.set_default_timeout(10_000)
    log_in(page, base, "owner")

    # A fresh clinic's calendar says what is missing and where to set it up.
    assert "no therapist has working hours yet" in page.inner_text("main")
    shot(page, "today-fresh")
    page.click("a:has-text('Set up your calendar')")
    page.wait_for_url("**/calendar/setup/")
    shot(page, "setup")

    page.click("main a:has-text('Locations and rooms')")
    page.fill("#id_name", "Harbour Street")
    page.click("button:has-text('Add the location')")
    page.wait_for_url("**/calendar/setup/places/")
    page.select_option("select[name=location]", label="Harbour Street")
    page.fill("form:has(button:has-text('Add the room')) input[name=name]", "Room 1")
    page.click("button:has-text('Add the room')")
    assert "Added Room 1 at Harbour Street." in page.inner_text("main")
    shot(page, "places")

    page.click("nav a:has-text('Appointment types')")
    page.fill("#id_name", "Treatment")
    page.fill("#id_minutes", "60")
    page.fill("#id_buffer_minutes", "15")
    page.check("input[name=colour][value='#2f7d5b']")
    page.click("button:has-text('Add the type')")
    assert "Saved Treatment (60 min)." in page.inner_text("main")
    shot(page, "types")

    page.click("nav a:has-text('Working hours')")
    page.select_option("#hours-therapist", label=therapist.display_name)
    page.click("button:has-text('Show')")
    page.select_option("#id_weekday", value=str(tomorrow.weekday()))
    page.fill("#id_start", "09:00")
    page.fill("#id_end", "13:00")
    page.click("button:has-text('Add the span')")
    page.wait_for_selector("text=09:00–13:00 at Harbour Street")
    page.fill("#id_start", "14:00")
    page.fill("#id_end", "18:00")
    page.select_option("#id_weekday", value=str(tomorrow.weekday()))
    page.click("button:has-text('Add the span')")
    page.wait_for_selector("text=14:00–18:00 at Harbour Street")
    assert "14:00–18:00 at Harbour Street" in page.inner_text("main")
    shot(page, "hours")

    # The next free slot is tomorrow at nine; book it from the day calendar.
    page.goto(f"{base}/calendar/?date={tomorrow.isoformat()}")
    assert "Set up your calendar" not in page.inner_text("main")
    shot(page, "day-ready")
    page.click(f"a:has-text('Book with {therapist.first_name}')")
    page.fill("#book-q", "Lopez")
    page.press("#book-q", "Enter")
    page.click("a:has-text('Maria Lopez')")
    page.select_option("#id_type", label="Treatment (60 min)")
    page.select_option("#id_room", label="Room 1")
    page.fill("#id_time", "09:00")
    page.click("button:has-text('Book')")
    page.wait_for_url("**/calendar/?date=*")
    assert "Maria Lopez" in page.locator(".cal-day").inner_text()
    shot(page, "day-booked")

    booked = Appointment.objects.get(patient=patient)
    assert booked.starts_at.astimezone(clinic.zone).time() == time(9)
    assert not booked.outside_hours
    assert booked.room == Room.objects.get(name="Room 1")
    assert booked.type == AppointmentType.objects.get(clinic=clinic, name="Treatment")
    assert Location.objects.filter(clinic=clinic).count() == 1
    assert WorkingHours.objects.filter(therapist=therapist).count() == 2

    for url, name in (
        ("/calendar/setup/blocks/", "blocks"),
        ("/calendar/setup/reminders/", "reminders"),
    ):
        page.goto(f"{base}{url}")
        shot(page, name)
