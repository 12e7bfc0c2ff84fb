"""The waitlist through its pages and API: a cancellation frees a slot, the clients who
fit are listed oldest first, and one action books the first of them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from myomap.appointments.models import Appointment, Status
from myomap.appointments.services import appointment_book
from myomap.appointments.waitlist import waitlist_add
from myomap.appointments.waitlist_models import WaitlistEntry, WaitlistStatus
from myomap.common.models import AuditEvent
from myomap.patients.services import patient_archive, patient_create
from myomap_core.waitlist import DAY_NAMES
from tests.web.scoped.appointments import at, schedule


@pytest.fixture
def plan(therapist):  # type: ignore[no-untyped-def]
    return schedule(therapist)


def _client(therapist, first, last="Waiting"):  # type: ignore[no-untyped-def]
    return patient_create(
        actor=therapist,
        data={"first_name": first, "last_name": last, "date_of_birth": date(1980, 3, 4)},
    )


def _day_name(clinic, days):  # type: ignore[no-untyped-def]
    return DAY_NAMES[at(clinic, days, 10).weekday()]


def _wait(therapist, patient, plan, windows, **more):  # type: ignore[no-untyped-def]
    return waitlist_add(
        actor=therapist,
        patient=patient,
        type=more.pop("type", plan["types"]["Treatment"]),
        therapist=more.pop("who", therapist),
        windows=windows,
        first_day=more.pop("first_day", patient.clinic.today()),
        **more,
    )


def _booked(therapist, patient, plan, days=3, hour=10):  # type: ignore[no-untyped-def]
    return appointment_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=plan["types"]["Treatment"],
        room=plan["room"],
        starts_at=at(patient.clinic, days, hour),
    )


def test_a_cancellation_frees_a_slot_and_one_action_books_the_oldest_fit(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, plan, django_assert_max_num_queries
):
    clinic = patient.clinic
    day = _day_name(clinic, 3)
    # the rest of the day is full, so only the cancelled hour is free
    for hour in (8, 9, 11, 12, 13, 14, 15, 16, 17, 18):
        _booked(therapist, _client(therapist, f"Busy{hour}"), plan, hour=hour)
    appointment = _booked(therapist, patient, plan)
    first = _client(therapist, "Ada", "First")
    second = _client(therapist, "Bo", "Second")
    other_day = _client(therapist, "Cy", "Elsewhen")
    _wait(therapist, first, plan, f"{day} 09:00-12:00", notes="Prefers mornings")
    _wait(therapist, second, plan, f"{day} 10:00-11:00", who=None)
    _wait(
        therapist,
        other_day,
        plan,
        f"{DAY_NAMES[(at(clinic, 3, 10).weekday() + 1) % 7]} 08:00-20:00",
    )

    client.force_login(front_desk)
    shown = at(clinic, 3, 10).date().isoformat()
    calendar = client.get(reverse("appointments:day"), {"date": shown})
    assert "A slot freed" not in calendar.content.decode()

    response = client.post(
        reverse("appointments:cancel", args=[patient.pk, appointment.pk]), {"reason": "Ill"}
    )
    assert response.status_code == 302

    with django_assert_max_num_queries(17):
        calendar = client.get(reverse("appointments:day"), {"date": shown})
    text = calendar.content.decode()
    assert "A slot freed: 10:00–11:00 with" in text and "2 on the waitlist fit." in text

    with django_assert_max_num_queries(17):
        page = client.get(reverse("appointments:waitlist"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "oldest entry first" in html
    freed = html[html.index('id="freed-') : html.index('id="waiting-h"')]
    assert freed.index("Ada First") < freed.index("Bo Second")
    assert "Cy Elsewhen" not in freed

    assert f'name="room" value="{plan["room"].pk}"' in freed
    entry = WaitlistEntry.objects.get(patient=first)
    bad_room = client.post(
        reverse("appointments:waitlist_book", args=[first.pk, entry.pk]),
        {"starts_at": at(clinic, 3, 10).isoformat(), "room": "9" * 30},
    )
    assert bad_room.status_code == 400 and "room: No room" in bad_room.content.decode()
    response = client.post(
        reverse("appointments:waitlist_book", args=[first.pk, entry.pk]),
        {
            "starts_at": at(clinic, 3, 10).isoformat(),
            "therapist": therapist.pk,
            "room": plan["room"].pk,
        },
    )
    assert response.status_code == 302 and response.url.endswith(f"date={shown}")
    entry.refresh_from_db()
    booked = Appointment.objects.get(patient=first)
    assert entry.status == WaitlistStatus.BOOKED and entry.appointment == booked
    assert booked.starts_at == at(clinic, 3, 10) and booked.status == Status.BOOKED
    assert booked.desk_notes == "Prefers mornings" and booked.room == plan["room"]
    assert AuditEvent.objects.filter(
        patient=first, summary__startswith="Booked Ada First from the waitlist"
    ).exists()
    calendar = client.get(reverse("appointments:day"), {"date": shown})
    assert "A slot freed" not in calendar.content.decode()

    # the second client fitted the same hour: it is taken now, and the refusal says so
    second_entry = WaitlistEntry.objects.get(patient=second)
    response = client.post(
        reverse("appointments:waitlist_book", args=[second.pk, second_entry.pk]),
        {"starts_at": at(clinic, 3, 10).isoformat(), "therapist": therapist.pk},
    )
    assert response.status_code == 400
    assert "already has an appointment" in response.content.decode()
    second_entry.refresh_from_db()
    assert second_entry.status == WaitlistStatus.WAITING


def test_a_time_outside_the_wanted_windows_is_refused_naming_it(  # type: ignore[no-untyped-def]
    client, therapist, patient, plan
):
    clinic = patient.clinic
    entry = _wait(therapist, patient, plan, f"{_day_name(clinic, 3)} 08:00-10:00")
    client.force_login(therapist)
    response = client.post(
        reverse("appointments:waitlist_book", args=[patient.pk, entry.pk]),
        {"starts_at": at(clinic, 3, 14).isoformat()},
    )
    assert response.status_code == 400
    assert "starts_at:" in response.content.decode()
    assert "outside the times" in response.content.decode()
    assert not Appointment.objects.filter(patient=patient).exclude(starts_at=at(clinic, 3, 10))
    response = client.post(
        reverse("appointments:waitlist_book", args=[patient.pk, entry.pk]),
        {"starts_at": "tomorrow"},
    )
    assert (
        response.status_code == 400
        and "starts_at: &#x27;tomorrow&#x27;" in response.content.decode()
    )


def test_the_waitlist_page_proposes_the_next_free_slots_that_fit(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, plan, django_assert_max_num_queries
):
    clinic = patient.clinic
    _wait(
        therapist,
        patient,
        plan,
        f"{_day_name(clinic, 4)} 14:00-15:00",
        first_day=at(clinic, 2, 9).date(),
    )
    client.force_login(front_desk)
    with django_assert_max_num_queries(13):
        page = client.get(reverse("appointments:waitlist"))
    html = page.content.decode()
    slot = at(clinic, 4, 14)
    assert f'value="{slot.isoformat()}"' in html
    assert "Waiting (1)" in html


def test_adding_through_the_page_and_refusals_name_the_field(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, plan, django_assert_max_num_queries
):
    client.force_login(front_desk)
    url = reverse("appointments:waitlist_new", args=[patient.pk])
    record = client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    assert f'href="{url}">Put on the waitlist</a>' in record
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    data = {
        "type": plan["types"]["Treatment"].pk,
        "therapist": "",
        "windows": "Mon Wed 08:00-12:00; Fri 13:00-17:00",
        "first_day": "2030-01-01",
        "last_day": "",
        "notes": "",
    }
    response = client.post(url, {**data, "windows": "Mon 12:00-08:00"})
    assert (
        response.status_code == 400
        and "windows: 12:00-08:00 ends before it starts" in response.content.decode()
    )
    response = client.post(url, {**data, "windows": "Someday 08:00-09:00"})
    assert (
        response.status_code == 400
        and "&#x27;Someday&#x27; is not a weekday" in response.content.decode()
    )
    response = client.post(url, {**data, "last_day": "2029-12-01"})
    assert (
        response.status_code == 400
        and "last_day: 2029-12-01 is before" in response.content.decode()
    )
    assert not WaitlistEntry.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert entry.therapist is None and entry.windows_label == "Mon Wed 08:00-12:00; Fri 13:00-17:00"
    assert entry.created_by == front_desk and entry.status == WaitlistStatus.WAITING
    assert AuditEvent.objects.filter(patient=patient, summary__contains="to the waitlist").exists()

    response = client.post(
        reverse("appointments:waitlist_remove", args=[patient.pk, entry.pk]), {"reason": " "}
    )
    assert response.status_code == 400 and "reason: Say why" in response.content.decode()
    response = client.post(
        reverse("appointments:waitlist_remove", args=[patient.pk, entry.pk]),
        {"reason": "Found another time"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.REMOVED and entry.removed_by == front_desk
    assert entry.remove_reason == "Found another time"
    assert "Nobody is waiting" in client.get(reverse("appointments:waitlist")).content.decode()


def test_an_archived_client_cannot_be_added(therapist, patient, plan, client):  # type: ignore[no-untyped-def]
    patient_archive(actor=therapist, patient=patient)
    client.force_login(therapist)
    response = client.post(
        "/api/v1/waitlist",
        {
            "patient_id": patient.pk,
            "type_id": plan["types"]["Treatment"].pk,
            "windows": "Mon 08:00-12:00",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "patient"
    assert not WaitlistEntry.objects.exists()


def test_another_clinic_gets_404(client, outsider, therapist, patient, plan):  # type: ignore[no-untyped-def]
    entry = _wait(therapist, patient, plan, "Mon 08:00-12:00")
    client.force_login(outsider)
    for name in ("waitlist_book", "waitlist_remove"):
        url = reverse(f"appointments:{name}", args=[patient.pk, entry.pk])
        assert (
            client.post(url, {"reason": "x", "starts_at": "2030-01-07T09:00+00:00"}).status_code
            == 404
        )
    assert client.get(reverse("appointments:waitlist_new", args=[patient.pk])).status_code == 404
    api = client.post(
        f"/api/v1/clients/{patient.pk}/waitlist/{entry.pk}/remove",
        {"reason": "x"},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert client.get("/api/v1/waitlist").json()["entries"] == []
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING


def test_the_api_lists_adds_books_and_removes(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, plan, django_assert_max_num_queries
):
    clinic = patient.clinic
    client.force_login(front_desk)
    day = _day_name(clinic, 5)
    response = client.post(
        "/api/v1/waitlist",
        {
            "patient_id": patient.pk,
            "type_id": plan["types"]["Treatment"].pk,
            "therapist_id": therapist.pk,
            "windows": f"{day} 15:00-16:00",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert (
        made["windows"] == f"{day} 15:00-16:00" and made["first_day"] == clinic.today().isoformat()
    )
    bad = client.post(
        "/api/v1/waitlist",
        {"patient_id": patient.pk, "type_id": plan["types"]["Treatment"].pk, "windows": "Mon 9-10"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "windows"
    assert "'Mon 9-10'" in bad.json()["error"]["message"]

    with django_assert_max_num_queries(16):
        listed = client.get("/api/v1/waitlist").json()
    assert listed["order"] == "oldest entry first"
    (row,) = listed["entries"]
    assert row["next_slots"][0]["starts_at"] == at(clinic, 5, 15).isoformat()

    wrong = client.post(
        f"/api/v1/clients/{patient.pk}/waitlist/{made['id']}/book",
        {"starts_at": at(clinic, 5, 9).isoformat()},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "starts_at"
    booked = client.post(
        f"/api/v1/clients/{patient.pk}/waitlist/{made['id']}/book",
        {"starts_at": row["next_slots"][0]["starts_at"]},
        content_type="application/json",
    )
    assert booked.status_code == 201, booked.content
    entry = WaitlistEntry.objects.get(pk=made["id"])
    assert entry.status == WaitlistStatus.BOOKED and entry.appointment_id == booked.json()["id"]
    again = client.post(
        f"/api/v1/clients/{patient.pk}/waitlist/{made['id']}/remove",
        {"reason": "Done"},
        content_type="application/json",
    )
    assert again.status_code == 422 and again.json()["error"]["field"] == "status"
    assert client.get("/api/v1/waitlist").json()["entries"] == []


def test_a_slot_freed_on_the_client_link_is_offered_too(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, plan
):
    from myomap.appointments.services import appointment_cancel

    clinic = patient.clinic
    appointment = _booked(therapist, patient, plan, days=6, hour=12)
    waiting = _client(therapist, "Dee", "Noon")
    _wait(therapist, waiting, plan, f"{_day_name(clinic, 6)} 12:00-13:00")
    appointment_cancel(actor=None, appointment=appointment, reason="Cancelled on the link",
                       actor_label="Client (private link)")  # fmt: skip
    client.force_login(front_desk)
    text = client.get(
        reverse("appointments:day"), {"date": at(clinic, 6, 12).date().isoformat()}
    ).content.decode()
    assert "A slot freed: 12:00–13:00" in text and "1 on the waitlist fits." in text
    assert timedelta(0) <= at(clinic, 6, 12) - at(clinic, 6, 12)


def test_each_waitlist_write_stays_under_its_ceiling(  # type: ignore[no-untyped-def]
    client, owner, therapist, patient, plan
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.web.test_query_ceilings import WRITES

    clinic = patient.clinic
    client.force_login(owner)
    treatment = plan["types"]["Treatment"]
    day = _day_name(clinic, 5)
    counts: dict[str, int] = {}

    def post(name: str, url: str, data: dict, json: bool = False) -> None:  # type: ignore[type-arg]
        with CaptureQueriesContext(connection) as queries:
            if json:
                response = client.post(url, data, content_type="application/json")
            else:
                response = client.post(url, data)
        assert response.status_code in (201, 200, 302), (name, response.content[:300])
        counts[name] = len(queries)

    add = {"patient_id": patient.pk, "type_id": treatment.pk, "windows": f"{day} 08:00-20:00"}
    post("api:waitlist_add_api", "/api/v1/waitlist", add, json=True)
    entries = [WaitlistEntry.objects.latest("id")]
    for _ in range(3):
        entries.append(_wait(therapist, patient, plan, f"{day} 08:00-20:00"))
    ids = [e.pk for e in entries]
    post(
        "api:waitlist_book_api",
        f"/api/v1/clients/{patient.pk}/waitlist/{ids[0]}/book",
        {"starts_at": at(clinic, 5, 9).isoformat(), "therapist_id": therapist.pk},
        json=True,
    )
    post(
        "api:waitlist_remove_api",
        f"/api/v1/clients/{patient.pk}/waitlist/{ids[1]}/remove",
        {"reason": "Not needed"},
        json=True,
    )
    post(
        "appointments:waitlist_book",
        reverse("appointments:waitlist_book", args=[patient.pk, ids[2]]),
        {"starts_at": at(clinic, 5, 12).isoformat()},
    )
    post(
        "appointments:waitlist_remove",
        reverse("appointments:waitlist_remove", args=[patient.pk, ids[3]]),
        {"reason": "Not needed"},
    )
    over = {n: c for n, c in counts.items() if WRITES[n] is None or c > WRITES[n]}  # type: ignore[operator]
    assert not over, sorted(counts.items())


def test_a_time_an_appointment_moved_away_from_is_offered_too(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, plan
):
    clinic = patient.clinic
    appointment = _booked(therapist, patient, plan, days=4, hour=15)
    waiting = _client(therapist, "Eve", "Afternoon")
    _wait(therapist, waiting, plan, f"{_day_name(clinic, 4)} 14:00-17:00")
    client.force_login(front_desk)
    moved = client.post(
        f"/api/v1/clients/{patient.pk}/appointments/{appointment.pk}/move",
        {"starts_at": at(clinic, 5, 9).isoformat()},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.content
    listed = client.get("/api/v1/waitlist").json()
    (freed,) = listed["freed"]
    assert freed["freed_by"] == "moved" and freed["appointment_id"] == appointment.pk
    assert freed["starts_at"] == at(clinic, 4, 15).isoformat()
    assert [f["patient_id"] for f in freed["fits"]] == [waiting.pk]
    text = client.get(
        reverse("appointments:day"), {"date": at(clinic, 4, 15).date().isoformat()}
    ).content.decode()
    assert "A slot freed: 15:00–16:00" in text and "1 on the waitlist fits." in text


@pytest.mark.django_db
def test_the_demo_clinic_has_a_freed_slot_that_two_waiting_clients_fit(client):  # type: ignore[no-untyped-def]
    from myomap.clinics.models import User
    from myomap.demo import demo_load

    demo_load()
    client.force_login(User.objects.get(username="jo"))
    assert WaitlistEntry.objects.filter(status=WaitlistStatus.WAITING).count() == 2
    listed = client.get("/api/v1/waitlist").json()
    (freed,) = listed["freed"]
    assert len(freed["fits"]) == 2
    page = client.get(reverse("appointments:waitlist")).content.decode()
    assert "2 on the waitlist fit" in page
