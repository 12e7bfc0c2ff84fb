"""The practice day on a tablet: the front desk books from the day calendar, the therapist's
Today shows the client, one tap starts the session, and the visit ends completed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from myomap.appointments.models import Appointment, Status
from myomap.clinics.models import Role
from myomap.clinics.services import user_create
from myomap.sessions.models import TreatmentSession
from myomap.sessions.services import session_finish
from tests.browser.test_intake_journey import Shots, log_in
from tests.web.conftest import PASSWORD
from tests.web.scoped.appointments import morning_now, schedule

pytestmark = pytest.mark.browser

TABLET = {"viewport": {"width": 1024, "height": 768}, "device_scale_factor": 1, "has_touch": True}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}


def _soon(clinic: Any) -> Any:
    from zoneinfo import ZoneInfo

    morning_now(clinic)
    tz = ZoneInfo(clinic.timezone)
    now = timezone.now().astimezone(tz)
    soon = (now + timedelta(minutes=75)).replace(second=0, microsecond=0)
    soon = soon.replace(minute=soon.minute - soon.minute % 15)
    return soon


def test_front_desk_books_and_the_therapist_starts_from_today(  # type: ignore[no-untyped-def]
    browser, live_server, clinic, therapist, screened, artifacts
):
    base = live_server.url
    shot = Shots(artifacts, "appointments")
    plan = schedule(therapist)
    user_create(
        clinic=clinic, username="desk", password=PASSWORD, role=Role.FRONT_DESK,
        first_name="Jo", last_name="Baker",
    )  # fmt: skip
    when = _soon(clinic)

    # The front desk, on a tablet: the day calendar, book with the therapist.
    desk = browser.new_context(**TABLET).new_page()
    desk.set_default_timeout(10_000)
    log_in(desk, base, "desk")
    assert desk.url.endswith("/calendar/")
    shot(desk, "day-empty-tablet")
    desk.click("a:has-text('Book with Therapist')")
    desk.fill("#book-q", "Lopez")
    desk.press("#book-q", "Enter")
    desk.click("a:has-text('Maria Lopez')")
    desk.select_option("#id_type", label=str(plan["types"]["Treatment"]))
    desk.fill("#id_time", when.strftime("%H:%M"))
    desk.check("#id_override_hours")
    shot(desk, "book-tablet")
    desk.click("button:has-text('Book')")
    desk.wait_for_url("**/calendar/?date=*")
    assert "Maria Lopez" in desk.locator(".cal-day").inner_text()
    booked = Appointment.objects.get(patient=screened)
    assert booked.starts_at == when and booked.status == Status.BOOKED
    shot(desk, "day-booked-tablet")

    # The therapist logs in and lands on Today: one tap starts the session.
    page = browser.new_context(**TABLET).new_page()
    page.set_default_timeout(10_000)
    log_in(page, base, "therapist")
    assert page.url.endswith("/today/")
    item = page.locator(".today-item", has_text="Maria Lopez")
    assert "No plan yet" in item.inner_text()
    shot(page, "today-tablet")
    item.locator("button:has-text('Start session')").tap()
    page.wait_for_url("**/guide/")
    session = TreatmentSession.objects.get(patient=screened)
    booked.refresh_from_db()
    assert booked.status == Status.IN_TREATMENT and booked.session == session

    # The session ends: the visit is completed on Today.
    session_finish(actor=therapist, session=session)
    page.goto(f"{base}/today/")
    assert "Completed" in page.locator(".today-item", has_text="Maria Lopez").inner_text()
    booked.refresh_from_db()
    assert booked.status == Status.COMPLETED

    # The same pages on a desktop: Today, the day and the week.
    wide = browser.new_context(**DESKTOP).new_page()
    log_in(wide, base, "therapist")
    shot(wide, "today-desktop")
    wide.goto(f"{base}/calendar/")
    shot(wide, "day-desktop")
    wide.goto(f"{base}/calendar/week/")
    assert wide.locator(".cal-week .cal-col").count() == 7
    shot(wide, "week-desktop")
    desk.goto(f"{base}/calendar/week/?therapist={therapist.pk}")
    shot(desk, "week-tablet")
