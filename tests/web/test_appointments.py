"""Booking, moving, cancelling and marking appointments through the pages and the API."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.urls import reverse

from myomap.appointments.models import Appointment, Block, Status
from myomap.appointments.services import (
    appointment_book,
    appointment_cancel,
    appointment_mark,
    appointment_move,
)
from myomap.clinics.models import Role
from myomap.clinics.services import user_create
from myomap.common.models import AuditEvent
from myomap.patients.services import patient_archive
from tests.web.conftest import PASSWORD
from tests.web.scoped.appointments import at, schedule


@pytest.fixture
def plan(therapist):  # type: ignore[no-untyped-def]
    return schedule(therapist)


def _book(therapist, patient, plan, days=3, hour=10, **more):  # type: ignore[no-untyped-def]
    return appointment_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=more.pop("type", plan["types"]["Treatment"]),
        room=more.pop("room", plan["room"]),
        starts_at=at(patient.clinic, days, hour),
        **more,
    )


def _form(patient, therapist, plan, day, time, **more):  # type: ignore[no-untyped-def]
    return {
        "patient": patient.pk,
        "type": plan["types"]["Treatment"].pk,
        "therapist": therapist.pk,
        "room": plan["room"].pk,
        "date": day.isoformat(),
        "time": time,
        **more,
    }


def test_the_front_desk_books_from_the_page(client, front_desk, therapist, patient, plan):  # type: ignore[no-untyped-def]
    client.force_login(front_desk)
    day = at(patient.clinic, 2, 9).date()
    response = client.post(
        reverse("appointments:book"), _form(patient, therapist, plan, day, "14:00")
    )
    assert response.status_code == 302
    booked = Appointment.objects.get(patient=patient)
    assert booked.starts_at == at(patient.clinic, 2, 14)
    assert booked.ends_at - booked.starts_at == timedelta(minutes=60)
    assert booked.status == Status.BOOKED and booked.created_by == front_desk
    event = AuditEvent.objects.filter(object_type="Appointment", action="create").latest("id")
    assert "Booked Treatment for Maria Lopez" in event.summary
    calendar = client.get(response.url)
    assert "Maria Lopez" in calendar.content.decode()


def test_an_overlapping_booking_is_refused_with_the_field_named(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, plan
):
    _book(therapist, patient, plan, hour=10)
    client.force_login(front_desk)
    day = at(patient.clinic, 3, 9).date()
    response = client.post(
        reverse("appointments:book"), _form(patient, therapist, plan, day, "10:30")
    )
    assert response.status_code == 400
    assert "starts_at: Therapist Tester already has an appointment" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_a_room_cannot_hold_two_visits(therapist, patient, plan, clinic):  # type: ignore[no-untyped-def]
    colleague = user_create(
        clinic=clinic, username="alex", password=PASSWORD, role=Role.THERAPIST, first_name="Alex"
    )
    schedule(colleague)
    _book(therapist, patient, plan, hour=10)
    with pytest.raises(ValidationError) as caught:
        appointment_book(
            actor=colleague,
            patient=patient,
            therapist=colleague,
            type=plan["types"]["Reassessment"],
            room=plan["room"],
            starts_at=at(clinic, 3, 10, 30),
        )
    assert "room" in caught.value.message_dict
    # Back to back is not an overlap.
    appointment_book(
        actor=colleague,
        patient=patient,
        therapist=colleague,
        type=plan["types"]["Reassessment"],
        room=plan["room"],
        starts_at=at(clinic, 3, 11),
    )
    assert Appointment.objects.count() == 2


def test_outside_the_hours_needs_the_override_and_it_is_audited(therapist, patient, plan):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        _book(therapist, patient, plan, hour=21)
    assert "outside Therapist Tester's working hours" in caught.value.message_dict["starts_at"][0]
    assert not Appointment.objects.exists()
    booked = _book(therapist, patient, plan, hour=21, override_hours=True)
    assert booked.outside_hours
    event = AuditEvent.objects.filter(object_type="Appointment").latest("id")
    assert "outside working hours (override)" in event.summary


def test_the_longest_visit_still_clashes_and_shows_on_the_next_day(  # type: ignore[no-untyped-def]
    therapist, patient, plan
):
    """Overlap reads look back only as far as the longest appointment type (8 hours): a visit
    that long, across midnight, still blocks its slot and shows on the day it runs into."""
    from myomap.appointments.models import AppointmentType
    from myomap.appointments.selectors import appointments_between, day_bounds

    longest = AppointmentType.objects.create(clinic=patient.clinic, name="Retreat", minutes=480)
    visit = _book(therapist, patient, plan, hour=19, type=longest, override_hours=True)
    assert visit.ends_at - visit.starts_at == timedelta(hours=8)
    with pytest.raises(ValidationError) as caught:
        _book(therapist, patient, plan, days=4, hour=2, override_hours=True)
    assert "already has an appointment" in caught.value.message_dict["starts_at"][0]
    next_day = at(patient.clinic, 4, 0).date()
    assert appointments_between(patient.clinic, *day_bounds(patient.clinic, next_day)) == [visit]
    visit.ends_at += timedelta(minutes=1)
    with pytest.raises(ValidationError) as longer:
        visit.full_clean()
    assert "at most 8 hours" in longer.value.message_dict["ends_at"][0]


def test_a_block_keeps_the_therapist_free(therapist, patient, plan):  # type: ignore[no-untyped-def]
    Block.objects.create(
        clinic=therapist.clinic,
        therapist=therapist,
        starts_at=at(patient.clinic, 3, 0),
        ends_at=at(patient.clinic, 4, 0),
        reason="Training",
    )
    with pytest.raises(ValidationError) as caught:
        _book(therapist, patient, plan)
    assert "Training" in caught.value.message_dict["starts_at"][0]


def test_an_archived_client_or_another_clinics_therapist_is_refused(  # type: ignore[no-untyped-def]
    therapist, patient, plan, outsider
):
    with pytest.raises(ValidationError) as caught:
        appointment_book(
            actor=therapist,
            patient=patient,
            therapist=outsider,
            type=plan["types"]["Treatment"],
            starts_at=at(patient.clinic, 3, 10),
        )
    assert "therapist" in caught.value.message_dict
    patient_archive(actor=therapist, patient=patient)
    patient.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        _book(therapist, patient, plan)
    assert "archived" in caught.value.message_dict["patient"][0]
    assert not Appointment.objects.exists()


def test_moving_keeps_the_old_time_in_the_audit_log(therapist, patient, plan):  # type: ignore[no-untyped-def]
    booked = _book(therapist, patient, plan, hour=10)
    appointment_mark(actor=therapist, appointment=booked, status=Status.CONFIRMED)
    moved = appointment_move(
        actor=therapist, appointment=booked, starts_at=at(patient.clinic, 4, 15), room=plan["room"]
    )
    assert moved.starts_at == at(patient.clinic, 4, 15)
    assert moved.ends_at == at(patient.clinic, 4, 16)
    assert moved.status == Status.BOOKED  # to be confirmed again
    event = AuditEvent.objects.filter(object_type="Appointment", action="update").latest("id")
    assert "from " in event.summary and "10:00" in event.summary and "15:00" in event.summary


def test_the_move_page_refuses_an_overlap_and_keeps_the_old_time(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, plan
):
    first = _book(therapist, patient, plan, hour=10)
    _book(therapist, patient, plan, hour=14)
    client.force_login(front_desk)
    url = reverse("appointments:move", args=[patient.pk, first.pk])
    day = at(patient.clinic, 3, 0).date()
    data = {"therapist": therapist.pk, "room": plan["room"].pk, "date": day, "time": "14:30"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "already has an appointment" in response.content.decode()
    first.refresh_from_db()
    assert first.starts_at == at(patient.clinic, 3, 10)


def test_cancelling_late_is_recorded_as_late_and_frees_the_time(therapist, patient, plan):  # type: ignore[no-untyped-def]
    early = _book(therapist, patient, plan, days=3, hour=10)
    late = _book(therapist, patient, plan, days=1, hour=19)
    with pytest.raises(ValidationError) as caught:
        appointment_cancel(actor=therapist, appointment=early, reason="  ")
    assert "reason" in caught.value.message_dict
    appointment_cancel(actor=therapist, appointment=early, reason="Holiday")
    now = late.starts_at - timedelta(hours=3)
    appointment_cancel(actor=therapist, appointment=late, reason="Unwell", now=now)
    early.refresh_from_db()
    late.refresh_from_db()
    assert early.status == Status.CANCELLED and early.cancelled_by == therapist
    assert late.status == Status.LATE_CANCELLATION and late.cancel_reason == "Unwell"
    again = _book(therapist, patient, plan, days=3, hour=10)  # the time is free again
    assert again.pk != early.pk


def test_a_no_show_only_after_the_start(therapist, patient, plan):  # type: ignore[no-untyped-def]
    booked = _book(therapist, patient, plan)
    with pytest.raises(ValidationError) as caught:
        appointment_mark(actor=therapist, appointment=booked, status=Status.NO_SHOW)
    assert "status" in caught.value.message_dict
    appointment_mark(
        actor=therapist,
        appointment=booked,
        status=Status.NO_SHOW,
        now=booked.starts_at + timedelta(minutes=20),
    )
    booked.refresh_from_db()
    assert booked.status == Status.NO_SHOW
    with pytest.raises(ValidationError):
        appointment_mark(actor=therapist, appointment=booked, status="in_treatment")


def test_arrived_from_the_day_calendar(client, front_desk, therapist, patient, plan):  # type: ignore[no-untyped-def]
    booked = _book(therapist, patient, plan, days=0, hour=19)
    client.force_login(front_desk)
    response = client.post(
        reverse("appointments:mark", args=[patient.pk, booked.pk]),
        {"status": "arrived", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("appointments:detail", args=[patient.pk, booked.pk])
    booked.refresh_from_db()
    assert booked.status == Status.ARRIVED


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_bookings_of_one_slot_give_one_booking(therapist, patient):  # type: ignore[no-untyped-def]
    plan = schedule(therapist)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def book() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(_book(therapist, patient, plan, room=None).pk)
        except ValidationError as exc:
            results.append(("refused", exc.message_dict))
        except Exception as exc:
            results.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=book) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    only = Appointment.objects.get(patient=patient)
    assert sorted(map(str, results)).count(str(only.pk)) == 1, results
    refused = [r for r in results if isinstance(r, tuple)]
    assert len(refused) == 1 and "starts_at" in refused[0][1], results


def test_the_database_itself_refuses_a_double_booking_on_postgresql(therapist, patient, plan):  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's; SQLite relies on the service")
    first = _book(therapist, patient, plan, hour=10)
    clash = Appointment(
        clinic=first.clinic,
        patient=patient,
        therapist=therapist,
        type=first.type,
        starts_at=first.starts_at + timedelta(minutes=30),
        ends_at=first.ends_at + timedelta(minutes=30),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()
    clash.status = Status.CANCELLED  # a cancelled appointment holds nothing
    clash.pk = None
    with transaction.atomic():
        clash.save()
