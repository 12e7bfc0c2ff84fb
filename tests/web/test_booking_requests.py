"""Booking requests: a client asks for a free slot on their private appointment link; the front
desk books it through every calendar rule, or declines it and the client is told by email."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from myomap.appointments.booking_models import BookingRequest, RequestStatus
from myomap.appointments.booking_requests import offers
from myomap.appointments.models import Appointment, AppointmentType, Online, Status
from myomap.appointments.reminders import appointment_link_create, reminders_send_due
from myomap.appointments.services import appointment_book
from myomap.common.models import AuditEvent
from myomap.patients.services import patient_archive
from tests.web.scoped.appointments import at, schedule

CLINICAL_WORDS = ("pain", "back", "trigger", "screening", "massage", "ache")
ASK_CEILING = 26
"""The most queries the client's request (a POST to ``portal:booking``) may take."""


@pytest.fixture
def plan(therapist, patient):  # type: ignore[no-untyped-def]
    """The clinic's schedule, the client's booked visit and its private link."""
    s = schedule(therapist)
    visit = appointment_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=s["types"]["Treatment"],
        room=s["room"],
        starts_at=at(patient.clinic, 2, 9),
    )
    s["token"] = appointment_link_create(appointment=visit)
    s["visit"] = visit
    return s


def _online(kind: AppointmentType, online: str = Online.EVERYONE) -> AppointmentType:
    AppointmentType.objects.filter(pk=kind.pk).update(online=online)
    kind.refresh_from_db()
    return kind


def _ask(client, plan, kind, offer=None, note=""):  # type: ignore[no-untyped-def]
    offer = offer or offers(kind)[0]
    return client.post(
        reverse("portal:booking", args=[plan["token"]]),
        {
            "type": kind.pk,
            "slot": f"{offer.therapist.pk}|{offer.starts_at.isoformat()}",
            "note": note,
        },
    )


def test_nothing_is_offered_online_until_the_owner_turns_it_on(client, plan):  # type: ignore[no-untyped-def]
    page = client.get(reverse("portal:appointment", args=[plan["token"]])).content.decode()
    assert "Ask for another visit" not in page
    booking = client.get(reverse("portal:booking", args=[plan["token"]]))
    assert booking.status_code == 200
    assert "does not take requests for visits online" in booking.content.decode()
    kind = plan["types"]["Treatment"]
    refused = _ask(client, plan, kind, offer=offers(kind)[0])
    assert refused.status_code == 400
    assert f"Appointment type {kind.pk} is not offered online" in refused.content.decode()
    assert not BookingRequest.objects.exists()


def test_a_client_asks_and_the_front_desk_books_it(client, front_desk, patient, plan):  # type: ignore[no-untyped-def]
    kind = _online(plan["types"]["Treatment"])
    page = client.get(reverse("portal:appointment", args=[plan["token"]])).content.decode()
    assert "Ask for another visit" in page
    shown = client.get(reverse("portal:booking", args=[plan["token"]]), {"type": kind.pk})
    offer = offers(kind)[0]
    assert f'value="{offer.therapist.pk}|{offer.starts_at.isoformat()}"' in shown.content.decode()
    sent = _ask(client, plan, kind, offer, note="After work if possible")
    assert sent.status_code == 200
    assert (
        "Your request for" in sent.content.decode()
        and "Nothing is booked yet" in sent.content.decode()
    )
    asked = BookingRequest.objects.get()
    assert (asked.status, asked.starts_at, asked.therapist) == (
        RequestStatus.WAITING,
        offer.starts_at,
        offer.therapist,
    )
    assert AuditEvent.objects.filter(
        actor_label="client (private link)", summary__startswith="Asked for Treatment"
    ).exists()

    client.force_login(front_desk)
    day = client.get(reverse("appointments:day")).content.decode()
    assert "1 booking request from clients waiting" in day
    listing = client.get(reverse("appointments:requests")).content.decode()
    assert patient.full_name in listing and "After work if possible" in listing
    booked = client.post(reverse("appointments:request_book", args=[patient.pk, asked.pk]))
    assert booked.status_code == 302
    asked.refresh_from_db()
    assert asked.status == RequestStatus.BOOKED and asked.decided_by == front_desk
    appointment = asked.appointment
    assert appointment is not None and appointment.starts_at == offer.starts_at
    assert appointment.status == Status.BOOKED and appointment.type == kind
    # The client hears through the booking's own confirmation: clinic, time and place only.
    mail.outbox.clear()
    reminders_send_due()
    confirmations = [m for m in mail.outbox if m.to == [patient.email]]
    assert confirmations and all(
        w not in m.body.lower() for m in confirmations for w in CLINICAL_WORDS
    )
    assert "After work" not in "".join(m.body for m in confirmations)


def test_a_slot_taken_meanwhile_is_refused_with_the_next_free_ones(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, plan
):
    kind = _online(plan["types"]["Treatment"])
    offer = offers(kind)[0]
    _ask(client, plan, kind, offer)
    asked = BookingRequest.objects.get()
    appointment_book(
        actor=therapist,
        patient=plan["visit"].patient,
        therapist=offer.therapist,
        type=kind,
        starts_at=offer.starts_at,
    )
    client.force_login(front_desk)
    refused = client.post(reverse("appointments:request_book", args=[patient.pk, asked.pk]))
    assert refused.status_code == 409
    text = refused.content.decode()
    assert "can no longer be booked" in text and "Next free:" in text
    asked.refresh_from_db()
    assert asked.status == RequestStatus.WAITING and asked.appointment is None


def test_a_decline_tells_the_client_without_the_reason(client, front_desk, patient, plan):  # type: ignore[no-untyped-def]
    kind = _online(plan["types"]["Treatment"])
    _ask(client, plan, kind)
    asked = BookingRequest.objects.get()
    client.force_login(front_desk)
    declined = client.post(
        reverse("appointments:request_decline", args=[patient.pk, asked.pk]),
        {"reason": "Therapist away that week"},
    )
    assert declined.status_code == 302
    asked.refresh_from_db()
    assert asked.status == RequestStatus.DECLINED and asked.reason == "Therapist away that week"
    again = client.post(reverse("appointments:request_book", args=[patient.pk, asked.pk]))
    assert again.status_code == 409 and "already Declined" in again.content.decode()
    assert not Appointment.objects.filter(booking_request=asked).exists()


def test_the_decline_email_names_the_clinic_and_time_only(  # type: ignore[no-untyped-def]
    client, front_desk, patient, plan, django_capture_on_commit_callbacks
):
    kind = _online(plan["types"]["Treatment"])
    _ask(client, plan, kind, note="My back is worse")
    asked = BookingRequest.objects.get()
    client.force_login(front_desk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("appointments:request_decline", args=[patient.pk, asked.pk]),
            {"reason": "Fully booked"},
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [patient.email]
    assert patient.clinic.name in message.body
    assert "could not give you the time you asked for" in message.body
    assert all(w not in message.body.lower() for w in CLINICAL_WORDS)
    assert "Fully booked" not in message.body


def test_new_clients_only_see_types_open_to_everyone(client, plan):  # type: ignore[no-untyped-def]
    treatment = _online(plan["types"]["Treatment"], Online.RETURNING)
    initial = _online(plan["types"]["Initial assessment"], Online.EVERYONE)
    page = client.get(reverse("portal:booking", args=[plan["token"]])).content.decode()
    assert "Initial assessment" in page and "Treatment (" not in page
    refused = _ask(client, plan, treatment, offer=offers(treatment)[0])
    assert refused.status_code == 400 and "not offered online" in refused.content.decode()
    assert _ask(client, plan, initial).status_code == 200


@pytest.mark.parametrize(
    ("slot", "note", "field_text"),
    [
        ("nonsense", "", "is not a slot"),
        ("{therapist}|2020-01-01T09:00:00+00:00", "", "is not free"),
        ("{therapist}|{start}", "x" * 301, "Keep the note to 300 characters"),
        ("{therapist}|{start}", "bell\x07", "control characters"),
    ],
)
def test_bad_requests_name_the_field_and_store_nothing(client, plan, slot, note, field_text):  # type: ignore[no-untyped-def]
    kind = _online(plan["types"]["Treatment"])
    offer = offers(kind)[0]
    value = slot.format(therapist=offer.therapist.pk, start=offer.starts_at.isoformat())
    response = client.post(
        reverse("portal:booking", args=[plan["token"]]),
        {"type": kind.pk, "slot": value, "note": note},
    )
    assert response.status_code == 400
    assert field_text in response.content.decode()
    assert not BookingRequest.objects.exists()


def test_at_most_three_requests_wait_at_once(client, plan):  # type: ignore[no-untyped-def]
    kind = _online(plan["types"]["Treatment"])
    for offer in offers(kind)[:3]:
        assert _ask(client, plan, kind, offer).status_code == 200
    fourth = _ask(client, plan, kind, offers(kind)[3])
    assert (
        fourth.status_code == 400 and "already have 3 requests waiting" in fourth.content.decode()
    )
    assert BookingRequest.objects.count() == 3


def test_forged_revoked_and_archived_links_reveal_nothing(client, therapist, patient, plan):  # type: ignore[no-untyped-def]
    _online(plan["types"]["Treatment"])
    forged = client.get(reverse("portal:booking", args=["x" * 43]))
    assert forged.status_code == 404 and "Treatment" not in forged.content.decode()
    patient_archive(actor=therapist, patient=patient)
    closed = client.get(reverse("portal:booking", args=[plan["token"]]))
    assert closed.status_code == 404


def test_another_clinic_gets_nothing_and_the_api_answers_the_same(  # type: ignore[no-untyped-def]
    client, front_desk, outsider, patient, plan
):
    kind = _online(plan["types"]["Treatment"])
    _ask(client, plan, kind)
    asked = BookingRequest.objects.get()
    client.force_login(outsider)
    assert client.get("/api/v1/booking-requests").json() == []
    assert (
        client.post(f"/api/v1/clients/{patient.pk}/booking-requests/{asked.pk}/book").status_code
        == 404
    )
    assert (
        client.post(
            reverse("appointments:request_decline", args=[patient.pk, asked.pk])
        ).status_code
        == 404
    )
    client.force_login(front_desk)
    listed = client.get("/api/v1/booking-requests").json()
    assert [r["id"] for r in listed] == [asked.pk]
    booked = client.post(f"/api/v1/clients/{patient.pk}/booking-requests/{asked.pk}/book")
    assert booked.status_code == 201 and booked.json()["starts_at"] == asked.starts_at.isoformat()
    again = client.post(
        f"/api/v1/clients/{patient.pk}/booking-requests/{asked.pk}/decline",
        {"reason": "x"},
        content_type="application/json",
    )
    assert again.status_code == 422 and again.json()["error"]["field"] == "status"


def test_the_owner_offers_a_type_online_from_the_set_up(client, owner, plan):  # type: ignore[no-untyped-def]
    kind = plan["types"]["Treatment"]
    client.force_login(owner)
    saved = client.post(
        reverse("appointments:setup_types"),
        {
            "kind": kind.pk,
            "name": kind.name,
            "minutes": kind.minutes,
            "buffer_minutes": kind.buffer_minutes,
            "colour": kind.colour,
            "active": "on",
            "online": Online.RETURNING,
        },
    )
    assert saved.status_code == 302
    kind.refresh_from_db()
    assert kind.online == Online.RETURNING
    api = client.post(
        "/api/v1/practice/types",
        {
            "id": kind.pk,
            "name": kind.name,
            "minutes": kind.minutes,
            "colour": kind.colour,
            "buffer_minutes": kind.buffer_minutes,
            "online": "sometimes",
        },
        content_type="application/json",
    )
    assert api.status_code == 422 and api.json()["error"]["field"] == "online"
    kind.refresh_from_db()
    assert kind.online == Online.RETURNING


def test_each_booking_request_write_stays_under_its_ceiling(client, front_desk, patient, plan):  # type: ignore[no-untyped-def]
    from tests.web.test_query_ceilings import WRITES

    kind = _online(plan["types"]["Treatment"])
    for offer in offers(kind)[:3]:
        _ask(client, plan, kind, offer)
    first, second, third = BookingRequest.objects.order_by("pk")
    fourth_offer = offers(kind)[3]
    client.force_login(front_desk)
    counts: dict[str, int] = {}

    def post(name: str, url: str, data: dict | None = None, json: bool = False) -> None:  # type: ignore[type-arg]
        with CaptureQueriesContext(connection) as queries:
            if json:
                response = client.post(url, data or {}, content_type="application/json")
            else:
                response = client.post(url, data or {})
        assert response.status_code in (200, 201, 302), (name, response.content[:300])
        counts[name] = len(queries)

    post(
        "appointments:request_book",
        reverse("appointments:request_book", args=[patient.pk, first.pk]),
    )
    post(
        "appointments:request_decline",
        reverse("appointments:request_decline", args=[patient.pk, second.pk]),
        {"reason": "x"},
    )
    post(
        "api:booking_request_book_api",
        f"/api/v1/clients/{patient.pk}/booking-requests/{third.pk}/book",
    )
    client.logout()
    post(
        "portal:booking_post",
        reverse("portal:booking", args=[plan["token"]]),
        {
            "type": kind.pk,
            "slot": f"{fourth_offer.therapist.pk}|{fourth_offer.starts_at.isoformat()}",
        },
    )
    fourth = BookingRequest.objects.latest("pk")
    client.force_login(front_desk)
    post(
        "api:booking_request_decline_api",
        f"/api/v1/clients/{patient.pk}/booking-requests/{fourth.pk}/decline",
        {"reason": "x"},
        json=True,
    )
    ceilings = {n: WRITES.get(n, ASK_CEILING) for n in counts}
    over = {n: c for n, c in counts.items() if ceilings[n] is None or c > ceilings[n]}  # type: ignore[operator]
    assert not over, sorted(counts.items())
