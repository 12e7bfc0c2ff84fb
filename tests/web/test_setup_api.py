"""The practice set-up through the API: the same rules, roles and refusals as the pages."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from myomap.appointments.models import AppointmentType, Block, Location, Room, WorkingHours
from myomap.appointments.reminder_models import ReminderPolicy
from myomap.appointments.services import appointment_book
from tests.web.scoped.appointments import at, schedule
from tests.web.test_query_ceilings import WRITES

API = "/api/v1/practice"


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _post(c: Client, path: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return c.post(f"{API}{path}", json.dumps(body), content_type="application/json")


def test_the_owner_sets_up_the_calendar_through_the_api(  # type: ignore[no-untyped-def]
    owner, therapist, django_assert_max_num_queries
):
    c = _as(owner)
    with django_assert_max_num_queries(WRITES["api:practice_location_save"]):
        place = _post(c, "/locations", {"name": "Harbour Street"})
    assert place.status_code == 201
    with django_assert_max_num_queries(WRITES["api:practice_room_save"]):
        room = _post(c, "/rooms", {"location_id": place.json()["id"], "name": "Room 1"})
    assert room.status_code == 201
    with django_assert_max_num_queries(WRITES["api:practice_type_save"]):
        kind = _post(c, "/types", {"name": "Treatment", "minutes": 60, "colour": "#2f7d5b"})
    assert kind.status_code == 201 and kind.json()["buffer_minutes"] == 0
    span = {"therapist_id": therapist.pk, "location_id": place.json()["id"], "weekday": 2}
    with django_assert_max_num_queries(WRITES["api:practice_hours_add"]):
        made = _post(c, "/hours", span | {"start": "09:00", "end": "13:00"})
    assert made.status_code == 201
    listed = c.get(f"{API}/hours?therapist_id={therapist.pk}").json()
    assert listed["spans"] == [made.json()] and listed["outside_hours"] == []
    assert [r["name"] for r in c.get(f"{API}/locations").json()[0]["rooms"]] == ["Room 1"]
    assert c.get(f"{API}/types").json()[0]["name"] == "Treatment"
    assert Room.objects.get().location.name == "Harbour Street"


def test_refusals_name_field_and_value_and_write_nothing(owner, therapist, clinic) -> None:  # type: ignore[no-untyped-def]
    c = _as(owner)
    place = Location.objects.create(clinic=clinic, name="Harbour Street")
    span = {"therapist_id": therapist.pk, "location_id": place.pk, "weekday": 0}
    bad = _post(c, "/hours", span | {"start": "13:00", "end": "09:00"})
    assert bad.status_code == 422
    assert bad.json()["error"] == {
        "code": "invalid",
        "message": "end: 09:00 is not after the start 13:00.",
        "field": "end",
    }
    _post(c, "/hours", span | {"start": "09:00", "end": "13:00"})
    clash = _post(c, "/hours", span | {"start": "12:00", "end": "14:00"})
    assert clash.status_code == 422 and "12:00–14:00 overlaps" in clash.json()["error"]["message"]
    long = _post(c, "/types", {"name": "Marathon", "minutes": 600, "colour": "#2f7d5b"})
    assert long.status_code == 422
    assert long.json()["error"]["message"] == "minutes: 600 is not between 5 and 480 minutes."
    policy = _post(c, "/policy", {"offsets": "24", "cancellation_hours": 200, "sms": True})
    assert policy.status_code == 422
    assert "cancellation_hours: 200" in policy.json()["error"]["message"]
    assert WorkingHours.objects.count() == 1
    assert not AppointmentType.objects.exists() and not ReminderPolicy.objects.exists()


def test_roles_through_the_api(owner, therapist, front_desk, clinic) -> None:  # type: ignore[no-untyped-def]
    place = Location.objects.create(clinic=clinic, name="Harbour Street")
    span = {"location_id": place.pk, "weekday": 0, "start": "09:00", "end": "12:00"}
    desk = _as(front_desk)
    assert _post(desk, "/hours", span | {"therapist_id": therapist.pk}).status_code == 403
    assert (
        _post(desk, "/types", {"name": "X", "minutes": 30, "colour": "#2f7d5b"}).status_code == 403
    )
    block = {
        "therapist_id": therapist.pk,
        "starts_at": at(clinic, 4, 9).isoformat(),
        "ends_at": at(clinic, 4, 17).isoformat(),
        "reason": "Course",
    }
    assert _post(desk, "/blocks", block).status_code == 201
    mine = _as(therapist)
    assert _post(mine, "/hours", span | {"therapist_id": owner.pk}).status_code == 403
    assert _post(mine, "/hours", span | {"therapist_id": therapist.pk}).status_code == 201
    assert _post(mine, "/blocks", block | {"therapist_id": owner.pk}).status_code == 403
    assert (
        _post(mine, "/policy", {"offsets": "24", "cancellation_hours": 2, "sms": False}).status_code
        == 403
    )
    assert WorkingHours.objects.filter(therapist=owner).count() == 0
    assert Block.objects.filter(therapist=therapist).count() == 1


def test_another_clinic_gets_404_for_every_row(outsider, owner, therapist, patient, clinic) -> None:  # type: ignore[no-untyped-def]
    s = schedule(therapist)
    block = Block.objects.create(
        clinic=clinic, therapist=therapist, starts_at=at(clinic, 9, 9), ends_at=at(clinic, 9, 12)
    )
    span = WorkingHours.objects.filter(therapist=therapist).first()
    assert span is not None
    c = _as(outsider)
    assert c.get(f"{API}/hours?therapist_id={therapist.pk}").status_code == 404
    assert _post(c, "/hours/remove", {"id": span.pk}).status_code == 404
    assert _post(c, "/blocks/remove", {"id": block.pk}).status_code == 404
    kind = s["types"]["Treatment"]
    change = {"id": kind.pk, "name": "Mine", "minutes": 30, "colour": "#2f7d5b"}
    other_owner = outsider
    other_owner.role = "owner"
    other_owner.save(update_fields=["role"])
    assert _post(_as(other_owner), "/types", change).status_code == 404
    assert (
        _post(_as(other_owner), "/rooms", {"id": s["room"].pk, "name": "Mine"}).status_code == 404
    )
    assert c.get(f"{API}/blocks").json() == []
    assert AppointmentType.objects.get(pk=kind.pk).name == "Treatment"
    assert (
        WorkingHours.objects.filter(pk=span.pk).exists()
        and Block.objects.filter(pk=block.pk).exists()
    )


def test_removing_hours_and_blocking_report_the_bookings_left(  # type: ignore[no-untyped-def]
    owner, therapist, patient, clinic, django_assert_max_num_queries
):
    s = schedule(therapist)
    booked = appointment_book(
        actor=therapist, patient=patient, therapist=therapist, type=s["types"]["Treatment"],
        starts_at=at(clinic, 4, 10),  # its 72-hour reminder is ahead at any hour
    )  # fmt: skip
    booked.refresh_from_db()  # its time as the database gives it back (UTC)
    c = _as(owner)
    block = {
        "therapist_id": therapist.pk,
        "starts_at": at(clinic, 4, 9).isoformat(),
        "ends_at": at(clinic, 4, 12).isoformat(),
    }
    with django_assert_max_num_queries(WRITES["api:practice_block_add"]):
        made = _post(c, "/blocks", block)
    assert made.json()["overlaps"] == [
        {"id": booked.pk, "patient_id": patient.pk, "starts_at": booked.starts_at.isoformat()}
    ]
    with django_assert_max_num_queries(WRITES["api:practice_block_remove"]):
        assert _post(c, "/blocks/remove", {"id": made.json()["id"]}).status_code == 200
    span = WorkingHours.objects.get(therapist=therapist, weekday=booked.starts_at.weekday())
    with django_assert_max_num_queries(WRITES["api:practice_hours_remove"]):
        left = _post(c, "/hours/remove", {"id": span.pk})
    assert left.status_code == 200 and [a["id"] for a in left.json()["outside_hours"]] == [
        booked.pk
    ]
    with django_assert_max_num_queries(WRITES["api:practice_policy_save"]):
        policy = _post(c, "/policy", {"offsets": "72,24", "cancellation_hours": 48, "sms": True})
    assert policy.json() == {
        "offsets": [72, 24],
        "cancellation_hours": 48,
        "sms": True,
        "reminders_cancelled": 1,
        "reminders_added": 1,
    }
    assert c.get(f"{API}/policy").json()["offsets"] == [72, 24]
