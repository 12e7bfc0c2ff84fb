"""Working hours per therapist, as the owner, the therapist and the desk set them up."""

from __future__ import annotations

from datetime import time

import pytest
from django.test import Client
from django.urls import reverse

from myomap.appointments.models import Appointment, Location, WorkingHours
from myomap.appointments.services import appointment_book
from myomap.common.models import AuditEvent
from tests.web.scoped.appointments import at, schedule

URL = "/calendar/setup/hours/"


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def place(clinic) -> Location:  # type: ignore[no-untyped-def]
    return Location.objects.create(clinic=clinic, name="Harbour Street")


def _add(c: Client, therapist, place, weekday=0, start="09:00", end="13:00"):  # type: ignore[no-untyped-def]
    return c.post(
        f"{URL}?therapist={therapist.pk}",
        {"action": "add", "location": place.pk, "weekday": weekday, "start": start, "end": end},
    )


def test_the_owner_gives_a_therapist_a_split_day(owner, therapist, place) -> None:  # type: ignore[no-untyped-def]
    c = _as(owner)
    assert _add(c, therapist, place).status_code == 302
    assert _add(c, therapist, place, start="14:00", end="18:00").status_code == 302
    spans = WorkingHours.objects.filter(therapist=therapist).order_by("start")
    assert [(s.weekday, s.start, s.end) for s in spans] == [
        (0, time(9), time(13)),
        (0, time(14), time(18)),
    ]
    page = c.get(f"{URL}?therapist={therapist.pk}")
    assert "09:00–13:00 at Harbour Street" in page.text
    assert "14:00–18:00 at Harbour Street" in page.text
    assert AuditEvent.objects.filter(summary__contains="Working hours added").count() == 2


def test_an_end_before_the_start_is_refused_naming_field_and_value(owner, therapist, place) -> None:  # type: ignore[no-untyped-def]
    response = _add(_as(owner), therapist, place, start="13:00", end="09:00")
    assert response.status_code == 400
    assert "end: 09:00 is not after the start 13:00" in response.text
    assert not WorkingHours.objects.exists()


def test_an_unreadable_time_is_refused_naming_the_value(owner, therapist, place) -> None:  # type: ignore[no-untyped-def]
    response = _add(_as(owner), therapist, place, end="25:99")
    assert response.status_code == 400
    assert "&#x27;25:99&#x27;" in response.text
    assert not WorkingHours.objects.exists()


def test_overlapping_spans_on_one_day_are_refused_at_any_location(  # type: ignore[no-untyped-def]
    owner, therapist, place, clinic
):
    elsewhere = Location.objects.create(clinic=clinic, name="Riverside")
    c = _as(owner)
    _add(c, therapist, place)
    response = _add(c, therapist, elsewhere, start="12:00", end="15:00")
    assert response.status_code == 400
    assert "Monday 12:00–15:00 overlaps" in response.text
    assert "09:00–13:00 at Harbour Street" in response.text
    assert WorkingHours.objects.filter(therapist=therapist).count() == 1
    # another day, or touching, is fine
    assert _add(c, therapist, elsewhere, weekday=1, start="12:00", end="15:00").status_code == 302
    assert _add(c, therapist, elsewhere, start="13:00", end="15:00").status_code == 302


def test_removing_hours_lists_the_bookings_left_outside_without_moving_them(  # type: ignore[no-untyped-def]
    owner, therapist, patient
):
    s = schedule(therapist)  # every day 08:00–20:00
    booked = appointment_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=s["types"]["Treatment"],
        starts_at=at(patient.clinic, 3, 10),
    )
    span = WorkingHours.objects.get(therapist=therapist, weekday=booked.starts_at.weekday())
    c = _as(owner)
    response = c.post(
        f"{URL}?therapist={therapist.pk}", {"action": "remove", "span": span.pk}, follow=True
    )
    assert response.status_code == 200
    assert "1 future appointment now fall" in response.text
    assert "Maria Lopez" in response.text
    assert not WorkingHours.objects.filter(pk=span.pk).exists()
    booked.refresh_from_db()
    assert booked.status == "booked" and booked.starts_at == at(patient.clinic, 3, 10)
    assert AuditEvent.objects.filter(summary__contains="Working hours removed").exists()


def test_a_therapist_edits_only_their_own_hours(owner, therapist, place) -> None:  # type: ignore[no-untyped-def]
    c = _as(therapist)
    assert _add(c, therapist, place).status_code == 302
    assert _add(c, owner, place).status_code == 403
    assert not WorkingHours.objects.filter(therapist=owner).exists()
    page = c.get(f"{URL}?therapist={owner.pk}")
    assert page.status_code == 200 and "Only the owner" in page.text


def test_the_desk_reads_hours_but_does_not_edit_them(front_desk, therapist, place) -> None:  # type: ignore[no-untyped-def]
    c = _as(front_desk)
    assert c.get(f"{URL}?therapist={therapist.pk}").status_code == 200
    assert _add(c, therapist, place).status_code == 403
    assert not WorkingHours.objects.exists()


def test_another_clinic_gets_404_for_our_therapist_and_span(
    outsider, owner, therapist, place
) -> None:  # type: ignore[no-untyped-def]
    span = WorkingHours.objects.create(
        clinic=place.clinic,
        therapist=therapist,
        location=place,
        weekday=0,
        start=time(9),
        end=time(12),
    )
    c = _as(outsider)
    assert c.get(f"{URL}?therapist={therapist.pk}").status_code == 404
    own = _as(owner)
    assert own.get(f"{URL}?therapist={outsider.pk}").status_code == 404
    # the outsider removing our span through their own page: not theirs, 404
    response = c.post(URL, {"action": "remove", "span": span.pk})
    assert response.status_code == 404
    assert WorkingHours.objects.filter(pk=span.pk).exists()


def test_another_clinics_location_is_refused(owner, therapist, other_clinic) -> None:  # type: ignore[no-untyped-def]
    theirs = Location.objects.create(clinic=other_clinic, name="Their place")
    response = _add(_as(owner), therapist, theirs)
    assert response.status_code == 400
    assert f"&#x27;{theirs.pk}&#x27;" in response.text
    assert not WorkingHours.objects.exists()


def test_the_hours_page_has_a_query_ceiling(  # type: ignore[no-untyped-def]
    owner, therapist, patient, django_assert_max_num_queries
):
    schedule(therapist)
    c = _as(owner)
    with django_assert_max_num_queries(12):
        assert c.get(f"{URL}?therapist={therapist.pk}").status_code == 200
    with django_assert_max_num_queries(22):
        response = c.post(
            f"{URL}?therapist={therapist.pk}",
            {"action": "remove", "span": WorkingHours.objects.first().pk},  # type: ignore[union-attr]
        )
        assert response.status_code == 302
    assert Appointment.objects.count() == 0
    assert reverse("appointments:setup_hours") == URL
