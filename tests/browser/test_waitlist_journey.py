"""The waitlist at the front desk: a client is put on the list, an appointment is cancelled
on the day calendar, the calendar says who fits the freed slot, one tap books them."""

from __future__ import annotations

from datetime import date

import pytest

from myomap.appointments.models import Appointment, Status
from myomap.appointments.services import appointment_book
from myomap.appointments.waitlist import waitlist_add
from myomap.appointments.waitlist_models import WaitlistEntry, WaitlistStatus
from myomap.clinics.models import Role
from myomap.clinics.services import user_create
from myomap.patients.services import patient_create
from myomap_core.waitlist import DAY_NAMES
from tests.browser.test_intake_journey import Shots, log_in
from tests.web.conftest import PASSWORD
from tests.web.scoped.appointments import at, schedule

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1440, "height": 900}}


def test_a_cancelled_slot_is_offered_to_the_waitlist_and_booked_in_one_tap(  # type: ignore[no-untyped-def]
    browser, live_server, clinic, therapist, patient, artifacts
):
    base = live_server.url
    shot = Shots(artifacts, "waitlist")
    plan = schedule(therapist)
    user_create(
        clinic=clinic, username="desk", password=PASSWORD, role=Role.FRONT_DESK,
        first_name="Jo", last_name="Baker",
    )  # fmt: skip
    when = at(clinic, 3, 10)
    day = DAY_NAMES[when.weekday()]
    cancelled = appointment_book(
        actor=therapist, patient=patient, therapist=therapist,
        type=plan["types"]["Treatment"], room=plan["room"], starts_at=when,
    )  # fmt: skip
    ada = patient_create(
        actor=therapist,
        data={"first_name": "Ada", "last_name": "Okafor", "date_of_birth": date(1979, 6, 1)},
    )
    waitlist_add(
        actor=therapist, patient=ada, type=plan["types"]["Treatment"], therapist=therapist,
        windows=f"{day} 09:00-12:00", first_day=clinic.today(), notes="Any morning",
    )  # fmt: skip

    desk = browser.new_context(**DESKTOP).new_page()
    desk.set_default_timeout(10_000)
    log_in(desk, base, "desk")

    # A second client joins the list through the page.
    desk.goto(f"{base}/calendar/waitlist/")
    desk.fill("#wait-q", "Lopez")
    desk.press("#wait-q", "Enter")
    desk.click("a:has-text('Maria Lopez')")
    desk.select_option("#id_type", label=str(plan["types"]["Treatment"]))
    desk.fill("#id_windows", "Someday 10:00-11:00")
    desk.click("button:has-text('Add to the waitlist')")
    assert "'Someday' is not a weekday" in desk.locator(".error-summary").inner_text()
    shot(desk, "add-refused")
    desk.fill("#id_windows", f"{day} 10:00-11:00; Sat 08:00-09:00")
    shot(desk, "add")
    desk.click("button:has-text('Add to the waitlist')")
    desk.wait_for_url("**/calendar/waitlist/")
    assert "Waiting (2)" in desk.content()
    shot(desk, "list")

    # The day calendar: cancel Maria's own appointment, the notice says who fits.
    desk.goto(f"{base}/calendar/?date={when.date().isoformat()}")
    desk.click(".cal-day a.appt:has-text('Maria Lopez')")
    desk.fill("#id_reason", "Flu")
    desk.click("button:has-text('Cancel the appointment')")
    desk.wait_for_url("**/appointments/*/")
    desk.goto(f"{base}/calendar/?date={when.date().isoformat()}")
    notice = desk.locator(".notice", has_text="A slot freed")
    assert "10:00–11:00" in notice.inner_text() and "1 on the waitlist fits" in notice.inner_text()
    shot(desk, "day-freed")

    # See who fits (oldest first: Ada), and book her with one tap.
    notice.locator("a:has-text('See who fits')").click()
    desk.wait_for_url("**/calendar/waitlist/#freed-*")
    freed = desk.locator(".freed-slot").first
    assert "Ada Okafor" in freed.inner_text()
    shot(desk, "who-fits")
    freed.locator("button:has-text('Book')").first.click()
    desk.wait_for_url("**/calendar/?date=*")
    assert "Booked Ada Okafor from the waitlist" in desk.content()
    assert "Ada Okafor" in desk.locator(".cal-day").inner_text()
    assert "A slot freed" not in desk.content()
    shot(desk, "day-booked")

    booked = Appointment.objects.get(patient=ada)
    assert booked.starts_at == when and booked.status == Status.BOOKED
    assert WaitlistEntry.objects.get(patient=ada).status == WaitlistStatus.BOOKED
    assert Appointment.objects.get(pk=cancelled.pk).status in (
        Status.CANCELLED, Status.LATE_CANCELLATION,
    )  # fmt: skip
