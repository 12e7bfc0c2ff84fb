"""Appointment types, locations and rooms, as the owner sets them up."""

from __future__ import annotations

import pytest
from django.test import Client

from myomap.appointments.models import Appointment, AppointmentType, Location, Room
from myomap.appointments.services import appointment_book
from myomap.appointments.setup_services import PALETTE
from myomap.common.models import AuditEvent
from tests.web.scoped.appointments import at, schedule

TYPES = "/calendar/setup/types/"
PLACES = "/calendar/setup/places/"


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _type(**changes):  # type: ignore[no-untyped-def]
    return {"name": "Deep work", "minutes": 75, "buffer_minutes": 15, "colour": "#8a6d1f"} | changes


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _ratio(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(("colour", "name"), PALETTE)
def test_every_palette_swatch_stands_out_from_the_page(colour: str, name: str) -> None:
    """WCAG 2.2 non-text contrast: the swatch at 3:1 or more on the card (--paper) and the
    calendar (--canvas); the type's name beside it is body ink, not on the colour."""
    assert _ratio(colour, "#ffffff") >= 3, name
    assert _ratio(colour, "#f4f6f8") >= 3, name
    assert len({c for c, _ in PALETTE}) == len(PALETTE)


def test_the_owner_adds_a_type_and_it_is_offered_for_booking(owner) -> None:  # type: ignore[no-untyped-def]
    c = _as(owner)
    response = c.post(TYPES, _type())
    assert response.status_code == 302
    kind = AppointmentType.objects.get(name="Deep work")
    assert (kind.minutes, kind.buffer_minutes, kind.colour, kind.active) == (
        75,
        15,
        "#8a6d1f",
        True,
    )
    assert "Deep work" in c.get("/calendar/free/").text
    assert AuditEvent.objects.filter(summary__contains="Appointment type added: Deep work").exists()


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("minutes", "4", "&#x27;4&#x27;"),
        ("minutes", "481", "&#x27;481&#x27;"),
        ("buffer_minutes", "121", "&#x27;121&#x27;"),
        ("buffer_minutes", "-1", "&#x27;-1&#x27;"),
        ("colour", "#ffffff", "&#x27;#ffffff&#x27;"),
        ("name", "", "Name"),
    ],
)
def test_a_type_out_of_bounds_is_refused_naming_field_and_value(  # type: ignore[no-untyped-def]
    owner, field, value, said
):
    response = _as(owner).post(TYPES, _type(**{field: value}))
    assert response.status_code == 400
    assert said in response.text
    assert not AppointmentType.objects.exists()


def test_a_duplicate_name_is_refused(owner) -> None:  # type: ignore[no-untyped-def]
    c = _as(owner)
    c.post(TYPES, _type())
    response = c.post(TYPES, _type(name="deep WORK"))
    assert response.status_code == 400
    assert "name: There is already a type called" in response.text
    assert AppointmentType.objects.count() == 1


def test_a_new_length_applies_to_new_bookings_only(owner, therapist, patient) -> None:  # type: ignore[no-untyped-def]
    s = schedule(therapist)
    kind = s["types"]["Treatment"]
    before = appointment_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=kind,
        starts_at=at(patient.clinic, 3, 10),
    )
    response = _as(owner).post(
        TYPES, _type(kind=kind.pk, name="Treatment", minutes=45, colour=kind.colour, active="on")
    )
    assert response.status_code == 302
    before.refresh_from_db()
    assert (before.ends_at - before.starts_at).seconds == 60 * 60
    kind.refresh_from_db()
    after = appointment_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=kind,
        starts_at=at(patient.clinic, 4, 10),
    )
    assert (after.ends_at - after.starts_at).seconds == 45 * 60


def test_an_inactive_type_is_not_offered_but_bookings_keep_it(owner, therapist, patient) -> None:  # type: ignore[no-untyped-def]
    s = schedule(therapist)
    kind = s["types"]["Maintenance"]
    c = _as(owner)
    response = c.post(TYPES, _type(kind=kind.pk, name=kind.name, colour=kind.colour, minutes=60))
    assert response.status_code == 302
    kind.refresh_from_db()
    assert not kind.active
    page = c.get("/calendar/book/")
    assert f'value="{kind.pk}"' not in page.text


def test_types_and_places_are_the_owners(therapist, front_desk) -> None:  # type: ignore[no-untyped-def]
    for user in (therapist, front_desk):
        c = _as(user)
        assert c.get(TYPES).status_code == 403
        assert c.post(TYPES, _type()).status_code == 403
        assert c.get(PLACES).status_code == 403
        assert c.post(PLACES, {"action": "add_location", "name": "X"}).status_code == 403
    assert not AppointmentType.objects.exists() and not Location.objects.exists()


def test_another_clinics_type_room_and_location_are_404(owner, other_clinic) -> None:  # type: ignore[no-untyped-def]
    kind = AppointmentType.objects.create(clinic=other_clinic, name="Theirs", minutes=30)
    place = Location.objects.create(clinic=other_clinic, name="Theirs")
    room = Room.objects.create(clinic=other_clinic, location=place, name="Theirs")
    c = _as(owner)
    assert c.post(TYPES, _type(kind=kind.pk)).status_code == 404
    assert (
        c.post(PLACES, {"action": "location", "row": place.pk, "name": "Mine"}).status_code == 404
    )
    assert c.post(PLACES, {"action": "room", "row": room.pk, "name": "Mine"}).status_code == 404
    response = c.post(PLACES, {"action": "add_room", "location": place.pk, "name": "Mine"})
    assert response.status_code == 400 and f"&#x27;{place.pk}&#x27;" in response.text
    assert {kind.name, place.name, room.name} == {"Theirs"}
    assert AppointmentType.objects.get(pk=kind.pk).name == "Theirs"
    assert Room.objects.count() == 1


def test_the_owner_adds_renames_and_retires_a_room(owner, therapist, patient, clinic) -> None:  # type: ignore[no-untyped-def]
    c = _as(owner)
    assert c.post(PLACES, {"action": "add_location", "name": "Harbour Street"}).status_code == 302
    place = Location.objects.get(clinic=clinic)
    assert (
        c.post(PLACES, {"action": "add_room", "location": place.pk, "name": "Room A"}).status_code
        == 302
    )
    room = Room.objects.get(location=place)
    s = schedule(therapist)
    booked = appointment_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=s["types"]["Treatment"],
        room=room,
        starts_at=at(clinic, 3, 10),
    )
    response = c.post(PLACES, {"action": "room", "row": room.pk, "name": "Blue room"})
    assert response.status_code == 302
    room.refresh_from_db()
    assert (room.name, room.active) == ("Blue room", False)
    booked.refresh_from_db()
    assert booked.room_id == room.pk  # the booking keeps its room
    assert f'value="{room.pk}"' not in c.get("/calendar/book/").text
    page = c.get(PLACES)
    assert "Blue room" in page.text
    assert AuditEvent.objects.filter(
        summary__contains="Room Room A is now Blue room (inactive)"
    ).exists()
    assert Appointment.objects.count() == 1


def test_an_empty_name_is_refused(owner) -> None:  # type: ignore[no-untyped-def]
    response = _as(owner).post(PLACES, {"action": "add_location", "name": ""})
    assert response.status_code == 400
    assert "Name" in response.text and "required" in response.text
    assert not Location.objects.exists()
    response = _as(owner).post(PLACES, {"action": "demolish"})
    assert response.status_code == 400 and "action: 'demolish'" in response.text


def test_pages_have_query_ceilings(owner, therapist, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    schedule(therapist)
    c = _as(owner)
    for url in (TYPES, PLACES):
        with django_assert_max_num_queries(9):
            assert c.get(url).status_code == 200
    with django_assert_max_num_queries(14):
        assert c.post(TYPES, _type()).status_code == 302
    with django_assert_max_num_queries(12):
        assert c.post(PLACES, {"action": "add_location", "name": "Annexe"}).status_code == 302


def test_a_location_out_of_use_takes_its_rooms_and_refuses_new_hours(  # type: ignore[no-untyped-def]
    owner, therapist, clinic
):
    c = _as(owner)
    c.post(PLACES, {"action": "add_location", "name": "Annexe"})
    place = Location.objects.get(clinic=clinic)
    c.post(PLACES, {"action": "add_room", "location": place.pk, "name": "Room B"})
    response = c.post(PLACES, {"action": "location", "row": place.pk, "name": "Annexe"})
    assert response.status_code == 302
    place.refresh_from_db()
    assert not place.active and not Room.objects.get(location=place).active
    assert AuditEvent.objects.filter(summary__contains="1 room taken out of use").exists()
    hours = c.post(
        f"/calendar/setup/hours/?therapist={therapist.pk}",
        {"action": "add", "location": place.pk, "weekday": 0, "start": "09:00", "end": "12:00"},
    )
    assert hours.status_code == 400 and f"&#x27;{place.pk}&#x27;" in hours.text
    room = c.post(PLACES, {"action": "add_room", "location": place.pk, "name": "Room C"})
    assert room.status_code == 400
    assert Room.objects.count() == 1
