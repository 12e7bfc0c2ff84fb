"""Courses booked from the plan: the page and the API book a series whole or not at all."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from myomap.appointments.models import Appointment, Series, Status
from myomap.appointments.services import appointment_book, appointment_cancel, appointment_move
from myomap.common.models import AuditEvent
from myomap.plans.models import Plan
from tests.web.scoped.appointments import at, schedule
from tests.web.test_query_ceilings import WRITES


@pytest.fixture
def sched(therapist):  # type: ignore[no-untyped-def]
    return schedule(therapist)


@pytest.fixture
def plan(therapist, patient):  # type: ignore[no-untyped-def]
    return Plan.objects.create(
        clinic=patient.clinic,
        patient=patient,
        initial_sessions=8,
        sessions_per_week=2,
        session_minutes=60,
        review_at_session=5,
        maintenance_every_weeks=4,
        created_by=therapist,
    )


def _settings(therapist, sched, first, **more):  # type: ignore[no-untyped-def]
    return {
        "type": sched["types"]["Treatment"].pk,
        "therapist": therapist.pk,
        "room": sched["room"].pk,
        "date": first.isoformat(),
        "time": "09:00",
        "rrule": "FREQ=WEEKLY;BYDAY=TU,FR;COUNT=8",
        **more,
    }


def _rows(starts, clinic, keep=None):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(clinic.timezone)
    data = {"count": str(len(starts))}
    for n, s in enumerate(starts, 1):
        local = s.astimezone(tz)
        data[f"date_{n}"] = local.date().isoformat()
        data[f"time_{n}"] = f"{local:%H:%M}"
        if keep is None or n in keep:
            data[f"keep_{n}"] = "1"
    return data


def _api(client, patient, therapist, sched, starts_at, rrule, **more):  # type: ignore[no-untyped-def]
    body = {
        "patient_id": patient.pk,
        "therapist_id": therapist.pk,
        "type_id": sched["types"]["Treatment"].pk,
        "rrule": rrule,
        "starts_at": starts_at.isoformat(),
        **more,
    }
    return client.post(
        "/api/v1/appointments/series", json.dumps(body), content_type="application/json"
    )


def test_the_page_proposes_the_plans_course_and_books_it(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, sched, plan, django_assert_max_num_queries
):
    client.force_login(front_desk)
    url = reverse("appointments:course", args=[patient.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "8 sessions, 2 a week, review at session 5" in text
    assert "FREQ=WEEKLY;BYDAY=" in text and "COUNT=8" in text
    first = at(patient.clinic, 7, 9).date()
    with django_assert_max_num_queries(23):
        proposal = client.get(url, _settings(therapist, sched, first))
    assert proposal.status_code == 200
    body = proposal.content.decode()
    assert body.count('name="keep_') == 8 and "Review visit." in body
    with django_assert_max_num_queries(23):  # the same for one visit or 52
        longer = client.get(url, _settings(therapist, sched, first, rrule="FREQ=DAILY;COUNT=52"))
    assert longer.content.decode().count('name="keep_') == 52
    starts = [s for s in _wanted(first, patient.clinic)]
    response = client.post(
        url,
        {
            **_settings(therapist, sched, first),
            **_rows(starts, patient.clinic, keep={1, 2, 3, 4, 5, 6, 7}),
        },
    )
    assert response.status_code == 302
    assert "/calendar/week/" in response.url
    series = Series.objects.get(patient=patient)
    assert series.plan == plan and series.rrule == "FREQ=WEEKLY;BYDAY=TU,FR;COUNT=8"
    booked = list(series.occurrences.order_by("starts_at"))
    assert [a.starts_at for a in booked] == starts[:7]
    assert all(a.created_by == front_desk for a in booked)
    assert AuditEvent.objects.filter(object_type="Series", action="create").count() == 1
    begins = booked[0].starts_at.astimezone(patient.clinic.zone).date()
    assert f"date={begins.isoformat()}" in response.url  # the week the course begins in
    week = client.get(response.url)
    assert week.content.decode().count("Maria Lopez") >= 1


def _wanted(first, clinic):  # type: ignore[no-untyped-def]
    from datetime import time
    from zoneinfo import ZoneInfo

    from myomap_core.courses import occurrences

    return occurrences(
        "FREQ=WEEKLY;BYDAY=TU,FR;COUNT=8", first=first, at=time(9), tz=ZoneInfo(clinic.timezone)
    )


def test_a_clash_books_nothing_and_names_the_visits_date(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, sched
):
    first = at(patient.clinic, 7, 9).date()
    starts = _wanted(first, patient.clinic)
    appointment_book(
        actor=therapist, patient=patient, therapist=therapist,
        type=sched["types"]["Reassessment"], starts_at=starts[3] + timedelta(minutes=15),
    )  # fmt: skip
    client.force_login(front_desk)
    url = reverse("appointments:course", args=[patient.pk])
    response = client.post(
        url, {**_settings(therapist, sched, first), **_rows(starts, patient.clinic)}
    )
    assert response.status_code == 400
    when = starts[3].strftime("%a %d %b %Y")
    assert f"starts_at: Visit 4 on {when} 09:00: Therapist Tester already has" in (
        response.content.decode()
    )
    assert not Series.objects.exists()
    assert Appointment.objects.count() == 1
    api = _api(client, patient, therapist, sched, starts[0], "FREQ=WEEKLY;BYDAY=TU,FR;COUNT=8")
    assert api.status_code == 422
    error = api.json()["error"]
    assert error["field"] == "starts_at" and f"Visit 4 on {when}" in error["message"]
    assert not Series.objects.exists() and Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("rule", "words"),
    [("FREQ=WEEKLY;BYDAY=TU", "has no end"), ("FREQ=WEEKLY;COUNT=53", "more than 52")],
)
def test_no_end_or_more_than_52_is_refused_naming_the_rule(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, sched, rule, words
):
    client.force_login(front_desk)
    first = at(patient.clinic, 7, 9)
    api = _api(client, patient, therapist, sched, first, rule)
    assert api.status_code == 422
    assert api.json()["error"]["field"] == "rrule" and words in api.json()["error"]["message"]
    url = reverse("appointments:course", args=[patient.pk])
    page = client.get(url, _settings(therapist, sched, first.date(), rrule=rule))
    assert page.status_code == 400 and "rrule: " in page.content.decode()
    assert words in page.content.decode()
    assert not Series.objects.exists() and not Appointment.objects.exists()


def test_the_api_books_a_series_and_one_visit_moves_alone(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, sched, plan, django_assert_max_num_queries
):
    client.force_login(front_desk)
    first = at(patient.clinic, 7, 10)
    with django_assert_max_num_queries(WRITES["api:appointments_series"]):
        response = _api(
            client, patient, therapist, sched, first, "FREQ=WEEKLY;COUNT=4", plan_id=plan.pk
        )
    assert response.status_code == 201, response.content
    out = response.json()
    assert len(out["appointments"]) == 4 and out["plan_id"] == plan.pk
    series = Series.objects.get(pk=out["id"])
    booked = list(series.occurrences.order_by("starts_at"))
    assert [a.starts_at for a in booked] == [first + timedelta(weeks=n) for n in range(4)]
    before = [(a.pk, a.starts_at) for a in booked]
    appointment_move(
        actor=front_desk, appointment=booked[1], starts_at=booked[1].starts_at + timedelta(hours=2)
    )
    appointment_cancel(actor=front_desk, appointment=booked[2], reason="Away")
    after = {a.pk: a for a in Appointment.objects.filter(series=series)}
    assert after[before[0][0]].starts_at == before[0][1]
    assert after[before[3][0]].starts_at == before[3][1]
    assert after[before[1][0]].starts_at == before[1][1] + timedelta(hours=2)
    assert after[before[2][0]].status == Status.CANCELLED
    assert after[before[3][0]].status == Status.BOOKED


def test_another_clients_plan_is_refused(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, sched, plan, outsider
):
    from datetime import date

    from myomap.patients.services import patient_create

    other = patient_create(
        actor=therapist,
        data={"first_name": "Ann", "last_name": "Other", "date_of_birth": date(1980, 1, 1)},
    )
    client.force_login(front_desk)
    response = _api(
        client,
        other,
        therapist,
        sched,
        at(other.clinic, 7, 9),
        "FREQ=WEEKLY;COUNT=2",
        plan_id=plan.pk,
    )
    assert response.status_code == 422 and response.json()["error"]["field"] == "plan_id"
    client.force_login(outsider)
    assert client.get(reverse("appointments:course", args=[patient.pk])).status_code == 404
    assert (
        _api(
            client, patient, therapist, sched, at(patient.clinic, 7, 9), "FREQ=WEEKLY;COUNT=2"
        ).status_code
        == 404
    )
    assert not Series.objects.exists()


def test_the_recall_link_prefills_a_reassessment(client, therapist, patient, sched):  # type: ignore[no-untyped-def]
    client.force_login(therapist)
    page = client.get(
        reverse("appointments:course", args=[patient.pk]), {"recall": "reassess", "weeks": "4"}
    )
    assert page.status_code == 200
    text = page.content.decode()
    day = (at(patient.clinic, 0, 9) + timedelta(weeks=4)).date().isoformat()
    assert f'value="{day}"' in text and "FREQ=WEEKLY;COUNT=1" in text
    reassess = sched["types"]["Reassessment"].pk
    assert f'<option value="{reassess}" selected>' in text


def test_the_dashboard_offers_to_book_the_reassessment(client, therapist, sched):  # type: ignore[no-untyped-def]
    from datetime import date

    from myomap.patients.services import patient_create
    from tests.web.test_outcomes_helpers import history, odi_for_percent

    ivy = patient_create(
        actor=therapist,
        data={"first_name": "Ivy", "last_name": "Test", "date_of_birth": date(1975, 1, 1)},
    )
    odi = [(0, 50), (2, 36), (3, 30), (4, 24)]
    history(therapist, ivy, [(n, "odi", odi_for_percent(p)) for n, p in odi], days_ago=30)
    client.force_login(therapist)
    board = client.get(reverse("outcomes:dashboard")).content.decode()
    link = reverse("appointments:course", args=[ivy.pk]) + "?recall=reassess&amp;weeks="
    assert link in board and "Book the reassessment in" in board
    weeks = board.split(link, 1)[1].split('"', 1)[0]
    page = client.get(
        reverse("appointments:course", args=[ivy.pk]), {"recall": "reassess", "weeks": weeks}
    )
    assert page.status_code == 200
    reassess = sched["types"]["Reassessment"].pk
    assert f'<option value="{reassess}" selected>' in page.content.decode()
