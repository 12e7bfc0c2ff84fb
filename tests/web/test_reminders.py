"""Appointment reminders sent for real by `myomap worker --once`, and the client's link."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from myomap.appointments.models import Appointment, Status
from myomap.appointments.reminder_models import (
    AppointmentLink,
    Reminder,
    ReminderPolicy,
    ReminderStatus,
)
from myomap.appointments.reminders import appointment_link_create, reminders_send_due
from myomap.appointments.services import appointment_book, appointment_cancel, appointment_move
from myomap.cli import main as cli_main
from myomap.common.models import AuditEvent
from myomap.sessions.models import CheckInLink
from myomap_core.knowledge.loader import load_knowledge_base
from tests.web.scoped.appointments import at, schedule

# The worker closes and reopens database connections between tasks, as in production: the
# tests commit for real instead of running inside one rolled-back transaction.
pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"https?://\S+/a/([\w-]+)/")


@pytest.fixture(autouse=True)
def sms_folder(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.SMS_BACKEND = "myomap.appointments.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return settings.SMS_FILE_PATH


def _texts(folder: Path) -> list[str]:
    return [p.read_text() for p in sorted(folder.glob("*.txt"))] if folder.exists() else []


def _book(therapist, patient, starts_at, **more):  # type: ignore[no-untyped-def]
    plan = schedule(therapist)
    return appointment_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=plan["types"]["Treatment"],
        room=plan["room"],
        starts_at=starts_at,
        **more,
    )


def _soon(hours: float):  # type: ignore[no-untyped-def]
    """A start ``hours`` from now, to the minute."""
    return (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)


def _comes_due(appointment: Appointment, rule: str) -> None:
    """The clock reaches the reminder's time (the row's due time is brought to now)."""
    Reminder.objects.filter(appointment=appointment, rule=rule).update(
        due_at=timezone.now() - timedelta(seconds=1)
    )


def _worker() -> None:
    assert cli_main(["worker", "--once"]) == 0


def test_booking_sends_the_confirmation_once_however_often_the_worker_runs(  # type: ignore[no-untyped-def]
    therapist, patient, sms_folder
):
    appointment = _book(therapist, patient, at(patient.clinic, 3, 10))
    rules = dict(Reminder.objects.filter(appointment=appointment).values_list("rule", "status"))
    assert rules == {"confirmation": "pending", "before_48h": "pending", "before_24h": "pending"}
    _worker()
    _worker()  # a restart sends nothing twice
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria@example.org"]
    assert mail.outbox[0].subject == "Your appointment at Harbour Street NMT"
    assert len(_texts(sms_folder)) == 1
    sent = Reminder.objects.get(appointment=appointment, rule="confirmation")
    assert (sent.status, sent.attempts, sent.channel) == ("sent", 1, "email+sms")
    assert sent.sent_at is not None

    _comes_due(appointment, "before_48h")
    _worker()
    _worker()
    subjects = [m.subject for m in mail.outbox]
    assert subjects[1:] == ["Reminder: your appointment at Harbour Street NMT"]
    assert Reminder.objects.get(appointment=appointment, rule="before_24h").status == "pending"


def test_two_workers_at_once_send_each_reminder_once(therapist, patient):  # type: ignore[no-untyped-def]
    for day in (2, 3, 4):
        _book(therapist, patient, at(patient.clinic, day, 10))
    errors: list[BaseException] = []

    def work() -> None:
        try:
            reminders_send_due()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(mail.outbox) == 3
    assert Reminder.objects.filter(rule="confirmation", status="sent", attempts=1).count() == 3


def test_a_cancelled_appointment_is_never_reminded(therapist, front_desk, patient, sms_folder):  # type: ignore[no-untyped-def]
    appointment = _book(therapist, patient, at(patient.clinic, 3, 10))
    appointment_cancel(actor=front_desk, appointment=appointment, reason="Client is away")
    _comes_due(appointment, "before_48h")
    _worker()
    assert mail.outbox == [] and _texts(sms_folder) == []
    rows = Reminder.objects.filter(appointment=appointment)
    assert set(rows.values_list("status", flat=True)) == {"cancelled"}


def test_a_reminder_due_after_a_cancellation_past_the_service_is_not_sent(  # type: ignore[no-untyped-def]
    therapist, patient
):
    appointment = _book(therapist, patient, at(patient.clinic, 3, 10))
    Appointment.objects.filter(pk=appointment.pk).update(status=Status.NO_SHOW)
    _worker()
    assert mail.outbox == []
    row = Reminder.objects.get(appointment=appointment, rule="confirmation")
    assert (row.status, row.last_error) == ("cancelled", "appointment no-show")


def test_a_moved_appointment_reschedules_its_reminders_and_tells_the_client(  # type: ignore[no-untyped-def]
    therapist, patient
):
    appointment = _book(therapist, patient, at(patient.clinic, 3, 10))
    _worker()
    new_start = at(patient.clinic, 5, 15)
    appointment_move(actor=therapist, appointment=appointment, starts_at=new_start)
    due = dict(Reminder.objects.filter(appointment=appointment).values_list("rule", "due_at"))
    assert due["before_48h"] == new_start - timedelta(hours=48)
    assert due["before_24h"] == new_start - timedelta(hours=24)
    assert Reminder.objects.get(appointment=appointment, rule="moved_1").status == "pending"
    _worker()
    assert len(mail.outbox) == 2
    moved = mail.outbox[1]
    assert moved.subject == "Your appointment at Harbour Street NMT has moved"
    assert f"{new_start.day} {new_start:%B %Y} at 15:00" in moved.body
    _worker()
    assert len(mail.outbox) == 2
    # moved back: a second notice, with the time as it is when it goes
    appointment_move(actor=therapist, appointment=appointment, starts_at=at(patient.clinic, 3, 10))
    appointment_move(actor=therapist, appointment=appointment, starts_at=at(patient.clinic, 3, 11))
    _worker()
    assert len(mail.outbox) == 3
    assert " at 11:00 " in mail.outbox[2].body
    assert not Reminder.objects.filter(appointment=appointment, rule="moved_3").exists()


def test_offsets_follow_the_clinic_policy(therapist, patient):  # type: ignore[no-untyped-def]
    ReminderPolicy.objects.create(clinic=patient.clinic, offsets="72,2")
    appointment = _book(therapist, patient, at(patient.clinic, 5, 10))
    rules = set(Reminder.objects.filter(appointment=appointment).values_list("rule", flat=True))
    assert rules == {"confirmation", "before_72h", "before_2h"}


def _clinical_words() -> set[str]:
    kb = load_knowledge_base()
    words = {c.label.lower() for c in kb.conditions.values()}
    words |= {m.name.lower() for m in kb.muscles}
    return words | {"treatment", "pain", "therapy", "diagnos", "sciatica"}


def test_messages_name_clinic_time_and_place_and_carry_the_check_in_the_day_before(  # type: ignore[no-untyped-def]
    client, therapist, patient, sms_folder
):
    appointment = _book(
        therapist,
        patient,
        _soon(30),
        override_hours=True,
        desk_notes="Sciatica flaring, bring the MRI report",
    )
    _worker()
    _comes_due(appointment, "before_24h")
    _worker()
    assert len(mail.outbox) == 2
    texts = [m.subject + "\n" + m.body for m in mail.outbox] + _texts(sms_folder)
    assert len(texts) == 4
    for text in texts:
        lowered = text.lower()
        found = sorted(w for w in _clinical_words() if w in lowered)
        assert found == [], (found, text)
        assert "Harbour Street NMT" in text and "1 Harbour Street" in text
        assert "Maria" not in text and "Lopez" not in text
    reminder = mail.outbox[1].body
    assert "Before your visit, please answer a few short questions" in reminder
    assert "Before your visit" not in mail.outbox[0].body  # not on the confirmation
    checkin = re.search(r"https?://\S+(/c/[\w-]+/)", reminder)
    assert checkin is not None
    assert client.get(checkin.group(1)).status_code == 200
    link = CheckInLink.objects.get(private__patient=patient)
    assert link.private.created_by == therapist
    assert Reminder.objects.get(appointment=appointment, rule="before_24h").with_checkin


def test_a_client_without_email_or_phone_is_marked_failed(therapist, patient):  # type: ignore[no-untyped-def]
    patient.email, patient.phone = "", ""
    patient.save()
    appointment = _book(therapist, patient, at(patient.clinic, 3, 10))
    _worker()
    row = Reminder.objects.get(appointment=appointment, rule="confirmation")
    assert row.status == "failed"
    assert "no email address or phone number" in row.last_error
    assert not AppointmentLink.objects.filter(appointment=appointment).exists()


def test_the_sms_backend_is_the_class_the_setting_names(settings, therapist, patient, capsys):  # type: ignore[no-untyped-def]
    settings.SMS_BACKEND = "myomap.appointments.sms.ConsoleSmsBackend"
    _book(therapist, patient, at(patient.clinic, 3, 10))
    _worker()
    out = capsys.readouterr().out
    assert "SMS to 07700 900101:" in out and "Harbour Street NMT: your appointment is booked" in out


# --- the client's link ---------------------------------------------------------------------


def _link_of_the_email(therapist, patient, starts_at, **more) -> tuple[Appointment, str]:  # type: ignore[no-untyped-def]
    appointment = _book(therapist, patient, starts_at, **more)
    _worker()
    found = LINK.search(mail.outbox[-1].body)
    assert found is not None
    return appointment, f"/a/{found.group(1)}/"


def test_the_client_confirms_on_the_link(client, therapist, patient):  # type: ignore[no-untyped-def]
    appointment, url = _link_of_the_email(therapist, patient, at(patient.clinic, 3, 10))
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Harbour Street NMT" in text and "10:00" in text and "Room 1" not in text
    assert "Treatment" not in text and "Lopez" not in text
    done = client.post(url, {"action": "confirm"})
    assert done.status_code == 200
    assert "your appointment is confirmed" in done.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED
    event = AuditEvent.objects.filter(object_type="Appointment").latest("id")
    assert event.actor is None and event.actor_label == "client (private link)"
    assert "confirmed" in event.summary


def test_the_client_cancels_within_the_policy(client, therapist, patient):  # type: ignore[no-untyped-def]
    appointment, url = _link_of_the_email(therapist, patient, at(patient.clinic, 3, 10))
    response = client.post(url, {"action": "cancel"})
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED and appointment.cancelled_by is None
    assert appointment.cancel_reason == "The client cancelled on the private link"
    assert (
        set(
            Reminder.objects.filter(appointment=appointment, status="pending").values_list(
                "rule", flat=True
            )
        )
        == set()
    )
    # the link now reveals nothing
    assert client.get(url).status_code == 404


def test_a_cancellation_inside_the_policy_is_late(client, therapist, patient):  # type: ignore[no-untyped-def]
    ReminderPolicy.objects.create(clinic=patient.clinic, cancellation_hours=48)
    appointment, url = _link_of_the_email(therapist, patient, _soon(30), override_hours=True)
    assert "less than 48 hours" in client.get(url).content.decode()
    response = client.post(url, {"action": "cancel"})
    assert "late cancellation" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Status.LATE_CANCELLATION
    event = AuditEvent.objects.filter(object_type="Appointment").latest("id")
    assert event.actor is None and "Late cancellation" in event.summary


def test_a_forged_or_spent_link_reveals_nothing(client, therapist, patient):  # type: ignore[no-untyped-def]
    appointment, url = _link_of_the_email(therapist, patient, at(patient.clinic, 3, 10))
    forged = client.get("/a/" + "x" * 43 + "/")
    assert forged.status_code == 404
    assert client.post("/a/nothing/", {"action": "cancel"}).status_code == 404
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    past = client.get(url)
    assert past.status_code == 404
    for page in (forged, past):  # the same page, naming nothing
        text = page.content.decode()
        assert "This link does not open a form" in text
        assert "Harbour" not in text and "10:00" not in text


def test_a_bad_action_is_refused_naming_the_field(client, therapist, patient):  # type: ignore[no-untyped-def]
    appointment, url = _link_of_the_email(therapist, patient, at(patient.clinic, 3, 10))
    response = client.post(url, {"action": "delete"})
    assert response.status_code == 400
    assert '"action"' in response.content.decode() and "delete" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_the_link_page_stays_within_its_query_ceiling(  # type: ignore[no-untyped-def]
    client, therapist, patient, django_assert_max_num_queries
):
    appointment = _book(therapist, patient, at(patient.clinic, 3, 10))
    token = appointment_link_create(appointment=appointment)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("portal:appointment", args=[token])).status_code == 200


# --- the command line ----------------------------------------------------------------------


def test_reminders_due_lists_what_the_worker_would_send(therapist, patient, capsys):  # type: ignore[no-untyped-def]
    appointment = _book(therapist, patient, at(patient.clinic, 3, 10))
    assert cli_main(["reminders", "--due"]) == 0
    out = capsys.readouterr().out
    assert f"appointment {appointment.pk} (client {patient.pk})  confirmation" in out
    assert "1 reminder due." in out
    later = (timezone.now() + timedelta(days=2, hours=12)).isoformat()
    assert cli_main(["reminders", "--due", "--at", later, "--clinic", "harbour"]) == 0
    assert "before_48h" in capsys.readouterr().out
    _worker()
    assert cli_main(["reminders", "--due"]) == 0
    assert "0 reminders due." in capsys.readouterr().out
    assert Reminder.objects.get(appointment=appointment, rule="confirmation").status == (
        ReminderStatus.SENT
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["reminders"],
        ["reminders", "--due", "--at", "tomorrow"],
        ["reminders", "--due", "--at", "2026-12-05T09:00"],
        ["reminders", "--due", "--clinic", "nowhere"],
    ],
)
def test_reminders_bad_arguments_exit_2(argv, capsys, db):  # type: ignore[no-untyped-def]
    assert cli_main(argv) == 2
    assert capsys.readouterr().err


def test_the_appointment_page_shows_each_reminder_and_a_failure(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, django_assert_max_num_queries
):
    patient.email, patient.phone = "", ""
    patient.save()
    appointment = _book(therapist, patient, at(patient.clinic, 3, 10))
    _worker()
    client.force_login(front_desk)
    url = reverse("appointments:detail", args=[patient.pk, appointment.pk])
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert 'data-reminder="confirmation" data-state="failed"' in page
    assert "Not sent: the client has no email address or phone number" in page
    assert 'data-reminder="before_48h" data-state="pending"' in page
    assert "Reminder 48 h before" in page


def test_a_policy_with_bad_offsets_is_refused_naming_the_field(clinic):  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        ReminderPolicy(clinic=clinic, offsets="48,0").full_clean()
    assert "offsets" in refused.value.message_dict


def test_staff_on_the_link_act_as_themselves_and_another_clinic_sees_nothing(  # type: ignore[no-untyped-def]
    client, front_desk, therapist, patient, other_clinic
):
    from tests.web.conftest import _user

    appointment, url = _link_of_the_email(therapist, patient, at(patient.clinic, 3, 10))
    client.force_login(_user(other_clinic, "riverdesk", "front_desk"))
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "cancel"}).status_code == 404
    client.force_login(front_desk)
    assert client.post(url, {"action": "confirm"}).status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED
    event = AuditEvent.objects.filter(object_type="Appointment").latest("id")
    assert event.actor == front_desk


def test_a_course_sends_one_confirmation_listing_its_later_visits(therapist, patient):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    from myomap.appointments.courses import series_book

    plan = schedule(therapist)
    first = at(patient.clinic, 7, 10)
    series = series_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=plan["types"]["Treatment"],
        rrule="FREQ=WEEKLY;COUNT=3",
        first=first.date(),
        at=first.time(),
    )
    visits = list(series.occurrences.order_by("starts_at"))
    rules = {
        a.pk: set(Reminder.objects.filter(appointment=a).values_list("rule", flat=True))
        for a in visits
    }
    assert "confirmation" in rules[visits[0].pk]
    assert all("confirmation" not in rules[a.pk] for a in visits[1:])
    assert all({"before_48h", "before_24h"} <= rules[a.pk] for a in visits)
    _worker()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "The later visits of your course are booked too:" in body
    for visit in visits[1:]:
        local = visit.starts_at.astimezone(ZoneInfo(patient.clinic.timezone))
        assert f"{local.day} {local:%B %Y} at {local:%H:%M}" in body
