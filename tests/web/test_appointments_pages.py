"""Today, the day calendar, the week, the next free slot and the API, as users see them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from myomap.appointments.models import Appointment, Status
from myomap.appointments.services import appointment_book
from myomap.clinics.models import Role
from myomap.clinics.services import user_create
from myomap.patients.services import patient_create
from myomap.sessions.models import TreatmentSession
from myomap.sessions.services import session_finish
from tests.web.conftest import PASSWORD
from tests.web.scoped.appointments import at, morning_now, schedule


@pytest.fixture
def plan(therapist):  # type: ignore[no-untyped-def]
    return schedule(therapist)


def _later_today(clinic, hours=1):  # type: ignore[no-untyped-def]
    """A start later today in the clinic, where it is now about ten in the morning."""
    from django.utils import timezone

    morning_now(clinic)
    return (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)


def _clients(therapist, n):  # type: ignore[no-untyped-def]
    from datetime import date

    return [
        patient_create(
            actor=therapist,
            data={
                "first_name": f"Client{i}",
                "last_name": "Example",
                "date_of_birth": date(1970, 1, 1 + i),
            },
        )
        for i in range(n)
    ]


def _book_today(therapist, patients, plan):  # type: ignore[no-untyped-def]
    start = _later_today(therapist.clinic, 0)
    made = []
    for i, patient in enumerate(patients):
        made.append(
            appointment_book(
                actor=therapist,
                patient=patient,
                therapist=therapist,
                type=plan["types"]["Reassessment"],
                starts_at=start + timedelta(minutes=30 * i),
                override_hours=True,
            )
        )
    return made


def test_a_therapist_lands_on_today_and_the_front_desk_on_the_calendar(  # type: ignore[no-untyped-def]
    client, therapist, front_desk
):
    client.force_login(therapist)
    assert client.get("/").url == reverse("appointments:today")
    client.force_login(front_desk)
    assert client.get("/").url == reverse("appointments:day")
    assert client.get(reverse("appointments:today")).status_code == 403


def test_today_lists_the_clients_with_what_needs_doing_first(  # type: ignore[no-untyped-def]
    client, therapist, patient, screened, plan, django_assert_max_num_queries
):
    others = _clients(therapist, 2)
    _book_today(therapist, [patient, *others], plan)
    client.force_login(therapist)
    with django_assert_max_num_queries(60):
        page = client.get(reverse("appointments:today"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Maria Lopez") < html.index("Client0 Example") < html.index("Client1 Example")
    maria = html[html.index("Maria Lopez") : html.index("Client0 Example")]
    assert "No plan yet" in maria and "Questionnaire due" in maria
    assert "Screening blocks" not in maria  # screened and clear
    other = html[html.index("Client0 Example") : html.index("Client1 Example")]
    assert "Intake not finished" in other and "Screening blocks treatment" in other
    assert html.count("Start session") == 3


def test_one_tap_starts_the_session_and_finishing_it_completes_the_visit(  # type: ignore[no-untyped-def]
    client, therapist, patient, screened, plan
):
    (booked,) = _book_today(therapist, [patient], plan)
    client.force_login(therapist)
    response = client.post(reverse("appointments:start", args=[patient.pk, booked.pk]))
    session = TreatmentSession.objects.get(patient=patient)
    assert response.url == reverse("sessions:guide", args=[patient.pk, session.pk])
    booked.refresh_from_db()
    assert booked.status == Status.IN_TREATMENT and booked.session == session
    # A second tap opens the same session.
    again = client.post(reverse("appointments:start", args=[patient.pk, booked.pk]))
    assert again.url == response.url
    session_finish(actor=therapist, session=session)
    booked.refresh_from_db()
    assert booked.status == Status.COMPLETED
    assert "Completed" in client.get(reverse("appointments:today")).content.decode()


def test_a_session_cannot_start_while_screening_holds_treatment(  # type: ignore[no-untyped-def]
    client, therapist, patient, plan
):
    (booked,) = _book_today(therapist, [patient], plan)
    client.force_login(therapist)
    response = client.post(reverse("appointments:start", args=[patient.pk, booked.pk]))
    assert response.status_code in (302, 403)
    assert not TreatmentSession.objects.filter(patient=patient).exists()
    booked.refresh_from_db()
    assert booked.status == Status.BOOKED


def test_the_front_desk_runs_the_day_but_cannot_start_a_session(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, plan, django_assert_max_num_queries
):
    (booked,) = _book_today(therapist, [patient], plan)
    colleague = user_create(
        clinic=therapist.clinic, username="alex", password=PASSWORD, role=Role.THERAPIST,
        first_name="Alex", last_name="Chen",
    )  # fmt: skip
    client.force_login(front_desk)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("appointments:day"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Therapist Tester" in html and "Alex Chen" in html and "Maria Lopez" in html
    assert "Arrived" in html and "No-show" in html
    detail = client.get(reverse("appointments:detail", args=[patient.pk, booked.pk]))
    assert detail.status_code == 200 and "Start session" not in detail.content.decode()
    assert "Cancel the appointment" in detail.content.decode()
    start = client.post(reverse("appointments:start", args=[patient.pk, booked.pk]))
    assert start.status_code == 403
    assert colleague.pk


def test_the_day_calendar_query_count_does_not_grow_with_appointments(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, plan, django_assert_max_num_queries
):
    _book_today(therapist, _clients(therapist, 6), plan)
    client.force_login(front_desk)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("appointments:day"))
    assert page.content.decode().count("Client") >= 6


def test_a_bad_date_is_a_400_naming_it(client, front_desk):  # type: ignore[no-untyped-def]
    client.force_login(front_desk)
    for name in ("day", "week"):
        response = client.get(reverse(f"appointments:{name}") + "?date=2026-02-30")
        assert response.status_code == 400
        assert b"date: '2026-02-30'" in response.content


def test_the_week_shows_each_day_of_one_therapist(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, plan, django_assert_max_num_queries
):
    booked = appointment_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=plan["types"]["Treatment"],
        starts_at=at(patient.clinic, 1, 10),
    )
    client.force_login(front_desk)
    day = booked.starts_at.date().isoformat()
    with django_assert_max_num_queries(12):
        page = client.get(reverse("appointments:week") + f"?therapist={therapist.pk}&date={day}")
    html = page.content.decode()
    assert page.status_code == 200 and "Maria Lopez" in html and "10:00" in html
    assert html.count('class="cal-col"') == 7


def test_the_next_free_slot_skips_bookings(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, plan, django_assert_max_num_queries
):
    kind = plan["types"]["Treatment"]
    client.force_login(front_desk)
    url = reverse("appointments:free") + f"?therapist={therapist.pk}&type={kind.pk}"
    with django_assert_max_num_queries(15):
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("calendar/book/?therapist=") == 10
    bad = client.get(reverse("appointments:free") + f"?therapist={therapist.pk}&type=999999")
    assert bad.status_code == 400 and b"type:" in bad.content


def test_the_api_books_lists_and_offers_free_slots(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, plan, outsider, django_assert_max_num_queries
):
    client.force_login(front_desk)
    kind = plan["types"]["Treatment"]
    start = at(patient.clinic, 2, 9)
    body = {
        "patient_id": patient.pk,
        "therapist_id": therapist.pk,
        "type_id": kind.pk,
        "starts_at": start.isoformat(),
    }
    made = client.post("/api/v1/appointments", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "booked"
    clash = client.post("/api/v1/appointments", body, content_type="application/json")
    assert clash.status_code == 422 and clash.json()["error"]["field"] == "starts_at"
    foreign = client.post(
        "/api/v1/appointments",
        {**body, "therapist_id": outsider.pk},
        content_type="application/json",
    )
    assert foreign.status_code == 422 and foreign.json()["error"]["field"] == "therapist_id"
    naive = client.post(
        "/api/v1/appointments",
        {**body, "starts_at": "2030-01-07T10:00:00"},
        content_type="application/json",
    )
    assert naive.status_code == 422 and naive.json()["error"]["field"] == "starts_at"
    assert Appointment.objects.count() == 1
    with django_assert_max_num_queries(15):
        listed = client.get(f"/api/v1/appointments?date_from={start.date()}&days=7")
    assert [a["patient"] for a in listed.json()] == ["Maria Lopez"]
    with django_assert_max_num_queries(15):
        free = client.get(
            f"/api/v1/availability?therapist_id={therapist.pk}&type_id={kind.pk}"
            f"&date_from={start.date()}&days=1"
        )
    starts = [s["starts_at"] for s in free.json()["slots"]]
    assert start.isoformat() not in starts
    assert all(s >= (start + timedelta(minutes=75)).isoformat() for s in starts)
    too_many = client.get(f"/api/v1/appointments?date_from={start.date()}&days=500")
    assert too_many.status_code == 422 and too_many.json()["error"]["field"] == "days"


def test_the_api_moves_cancels_and_marks(client, front_desk, therapist, patient, plan):  # type: ignore[no-untyped-def]
    booked = appointment_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=plan["types"]["Treatment"],
        starts_at=at(patient.clinic, 3, 10),
    )
    client.force_login(front_desk)
    base = f"/api/v1/clients/{patient.pk}/appointments/{booked.pk}"
    assert client.get(base).json()["status"] == "booked"
    assert client.get(f"{base}/move").status_code == 405
    moved = client.post(
        f"{base}/move",
        {"starts_at": at(patient.clinic, 3, 12).isoformat()},
        content_type="application/json",
    )
    assert (
        moved.status_code == 200
        and moved.json()["starts_at"] == at(patient.clinic, 3, 12).isoformat()
    )
    confirmed = client.post(
        f"{base}/status", {"status": "confirmed"}, content_type="application/json"
    )
    assert confirmed.json()["status"] == "confirmed"
    bad = client.post(f"{base}/status", {"status": "completed"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "status"
    cancelled = client.post(
        f"{base}/cancel", {"reason": "Moving away"}, content_type="application/json"
    )
    assert cancelled.json()["status"] == "cancelled"
    booked.refresh_from_db()
    assert booked.cancelled_by == front_desk
