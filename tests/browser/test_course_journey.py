"""The front desk books a plan's course on a tablet and sees every visit on the week."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from myomap.appointments.models import Appointment, Series
from myomap.clinics.models import Role
from myomap.clinics.services import user_create
from myomap.plans.models import Plan
from tests.browser.test_appointments_journey import DESKTOP, TABLET
from tests.browser.test_intake_journey import Shots, log_in
from tests.web.conftest import PASSWORD
from tests.web.scoped.appointments import schedule

pytestmark = pytest.mark.browser


def test_front_desk_books_the_course_from_the_client(  # type: ignore[no-untyped-def]
    browser, live_server, clinic, therapist, patient, artifacts
):
    base = live_server.url
    shot = Shots(artifacts, "course")
    schedule(therapist)
    Plan.objects.create(
        clinic=clinic, patient=patient, initial_sessions=8, sessions_per_week=2,
        session_minutes=60, review_at_session=5, maintenance_every_weeks=4, created_by=therapist,
    )  # fmt: skip
    user_create(
        clinic=clinic, username="jo", password=PASSWORD, role=Role.FRONT_DESK,
        first_name="Jo", last_name="Baker",
    )  # fmt: skip

    desk = browser.new_context(**TABLET).new_page()
    desk.set_default_timeout(10_000)
    log_in(desk, base, "jo")
    desk.goto(f"{base}/clients/{patient.pk}/")
    desk.click("a:has-text('Book the course')")
    assert "8 sessions, 2 a week, review at session 5" in desk.inner_text("main")
    assert "COUNT=8" in desk.input_value("#id_rrule")
    desk.select_option("#id_therapist", label="Therapist Tester")
    shot(desk, "settings-tablet")
    desk.click("button:has-text('Propose the visits')")
    rows = desk.locator(".course-visits tbody tr")
    assert rows.count() == 8
    assert "Review visit." in rows.nth(4).inner_text()
    desk.locator("input[name='time_2']").fill("11:00")
    desk.uncheck("#keep-8")
    shot(desk, "visits-tablet")
    desk.click("button:has-text('Book the ticked visits')")
    desk.wait_for_url("**/calendar/week/**")
    series = Series.objects.get(patient=patient)
    booked = list(Appointment.objects.filter(series=series).order_by("starts_at"))
    assert len(booked) == 7
    tz = ZoneInfo(clinic.timezone)
    assert [a.starts_at.astimezone(tz).hour for a in booked[:3]] == [9, 11, 9]
    week = desk.inner_text("main")
    assert "Booked 7 visits." in week and "Maria Lopez" in week
    shot(desk, "week-tablet")
    second = booked[1].starts_at.astimezone(tz).date().isoformat()
    desk.goto(f"{base}/calendar/week/?therapist={therapist.pk}&date={second}")
    assert "11:00" in desk.inner_text("main") and "Maria Lopez" in desk.inner_text("main")
    shot(desk, "next-week-tablet")

    # The same page on a desktop.
    wide = browser.new_context(**DESKTOP).new_page()
    wide.set_default_timeout(10_000)
    log_in(wide, base, "jo")
    wide.goto(f"{base}/clients/{patient.pk}/course/?recall=maintenance")
    wide.select_option("#id_therapist", label="Therapist Tester")
    wide.click("button:has-text('Propose the visits')")
    assert wide.locator(".course-visits tbody tr").count() == 3
    shot(wide, "maintenance-desktop")
