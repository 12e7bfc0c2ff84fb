"""Blocks (holiday, training) and the reminder policy, as the practice sets them up."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from myomap.appointments.models import Block, Status
from myomap.appointments.reminder_models import Reminder, ReminderPolicy, ReminderStatus
from myomap.appointments.services import appointment_book
from myomap.common.models import AuditEvent
from tests.web.scoped.appointments import at, schedule

BLOCKS = "/calendar/setup/blocks/"
POLICY = "/calendar/setup/reminders/"


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _block(therapist, day, start="09:00", end_day=None, end="17:00", reason="Training"):  # type: ignore[no-untyped-def]
    return {
        "action": "add",
        "therapist": therapist.pk,
        "start_date": day.isoformat(),
        "start_time": start,
        "end_date": (end_day or day).isoformat(),
        "end_time": end,
        "reason": reason,
    }


def _book(therapist, patient, days=3, hour=10):  # type: ignore[no-untyped-def]
    s = schedule(therapist)
    return appointment_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=s["types"]["Treatment"],
        starts_at=at(patient.clinic, days, hour),
    )


def test_the_desk_blocks_a_day_and_sees_the_booking_it_overlaps(  # type: ignore[no-untyped-def]
    front_desk, therapist, patient
):
    booked = _book(therapist, patient)
    day = at(patient.clinic, 3, 0).date()
    response = _as(front_desk).post(BLOCKS, _block(therapist, day), follow=True)
    assert response.status_code == 200
    assert "It overlaps 1 booked appointment: none was cancelled" in response.text
    assert "Maria Lopez" in response.text
    block = Block.objects.get()
    assert block.starts_at == at(patient.clinic, 3, 9) and block.ends_at == at(
        patient.clinic, 3, 17
    )
    booked.refresh_from_db()
    assert booked.status == Status.BOOKED
    assert AuditEvent.objects.filter(summary__contains="Blocked Therapist Tester").exists()


def test_an_end_before_the_start_is_refused_naming_the_field(owner, therapist) -> None:  # type: ignore[no-untyped-def]
    day = at(therapist.clinic, 3, 0).date()
    response = _as(owner).post(BLOCKS, _block(therapist, day, start="17:00", end="09:00"))
    assert response.status_code == 400
    assert "ends_at:" in response.text and "is not after the start" in response.text
    assert not Block.objects.exists()


def test_free_slot_search_skips_a_blocked_day(owner, therapist, patient) -> None:  # type: ignore[no-untyped-def]
    s = schedule(therapist)
    kind = s["types"]["Treatment"]
    c = _as(owner)
    url = f"/calendar/free/?therapist={therapist.pk}&type={kind.pk}"
    today = therapist.clinic.today()
    days = [today + timedelta(days=n) for n in range(3)]
    assert f"date={today.isoformat()}" in c.get(url).text or f"date={days[1]}" in c.get(url).text
    c.post(BLOCKS, _block(therapist, today, start="00:00", end_day=days[2], end="00:00"))
    assert Block.objects.count() == 1
    page = c.get(url)
    assert f"date={days[0].isoformat()}" not in page.text
    assert f"date={days[1].isoformat()}" not in page.text
    assert f"date={days[2].isoformat()}&time=08:00" in page.text


def test_a_therapist_blocks_only_their_own_calendar(owner, therapist) -> None:  # type: ignore[no-untyped-def]
    day = at(therapist.clinic, 5, 0).date()
    c = _as(therapist)
    response = c.post(BLOCKS, _block(owner, day))
    assert response.status_code == 400 and f"&#x27;{owner.pk}&#x27;" in response.text
    assert not Block.objects.exists()
    theirs = Block.objects.create(
        clinic=owner.clinic,
        therapist=owner,
        starts_at=at(owner.clinic, 5, 9),
        ends_at=at(owner.clinic, 5, 12),
    )
    assert c.post(BLOCKS, {"action": "remove", "block": theirs.pk}).status_code == 403
    assert c.post(BLOCKS, _block(therapist, day)).status_code == 302
    mine = Block.objects.get(therapist=therapist)
    assert c.post(BLOCKS, {"action": "remove", "block": mine.pk}).status_code == 302
    assert list(Block.objects.all()) == [theirs]
    assert AuditEvent.objects.filter(summary__contains="Block removed").exists()


def test_another_clinic_gets_404_for_our_block(outsider, therapist) -> None:  # type: ignore[no-untyped-def]
    block = Block.objects.create(
        clinic=therapist.clinic,
        therapist=therapist,
        starts_at=at(therapist.clinic, 5, 9),
        ends_at=at(therapist.clinic, 5, 12),
    )
    c = _as(outsider)
    assert c.post(BLOCKS, {"action": "remove", "block": block.pk}).status_code == 404
    assert "Therapist Tester" not in c.get(BLOCKS).text
    assert Block.objects.filter(pk=block.pk).exists()


def test_a_new_policy_replans_pending_reminders_and_never_resends_a_sent_one(  # type: ignore[no-untyped-def]
    owner, therapist, patient
):
    booked = _book(therapist, patient, days=5)
    rules = dict(Reminder.objects.filter(appointment=booked).values_list("rule", "status"))
    assert rules == {"confirmation": "pending", "before_48h": "pending", "before_24h": "pending"}
    Reminder.objects.filter(appointment=booked, rule="before_48h").update(
        status=ReminderStatus.SENT, sent_at=timezone.now()
    )
    response = _as(owner).post(
        POLICY, {"offsets": "72, 2", "cancellation_hours": "12"}, follow=True
    )
    assert response.status_code == 200
    assert "1 pending reminders cancelled, 2 added" in response.text
    rows = {r.rule: r for r in Reminder.objects.filter(appointment=booked)}
    assert rows["before_48h"].status == ReminderStatus.SENT  # sent stays sent
    assert rows["before_24h"].status == ReminderStatus.CANCELLED
    assert rows["before_72h"].due_at == booked.starts_at - timedelta(hours=72)
    assert rows["before_2h"].due_at == booked.starts_at - timedelta(hours=2)
    policy = ReminderPolicy.objects.get(clinic=owner.clinic)
    assert (policy.offsets, policy.cancellation_hours, policy.sms) == ("72,2", 12, False)
    assert AuditEvent.objects.filter(summary__contains="Reminder policy changed").exists()


def test_a_bad_policy_is_refused_naming_field_and_value(owner) -> None:  # type: ignore[no-untyped-def]
    c = _as(owner)
    response = c.post(POLICY, {"offsets": "48,abc", "cancellation_hours": "24", "sms": "on"})
    assert response.status_code == 400 and "offsets:" in response.text
    response = c.post(POLICY, {"offsets": "24", "cancellation_hours": "169"})
    assert response.status_code == 400 and "&#x27;169&#x27;" in response.text
    assert not ReminderPolicy.objects.exists()


def test_the_policy_is_the_owners(therapist, front_desk) -> None:  # type: ignore[no-untyped-def]
    for user in (therapist, front_desk):
        assert (
            _as(user).post(POLICY, {"offsets": "24", "cancellation_hours": "24"}).status_code == 403
        )
    assert not ReminderPolicy.objects.exists()


def test_pages_have_query_ceilings(
    owner, therapist, patient, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    _book(therapist, patient)
    Block.objects.create(
        clinic=therapist.clinic,
        therapist=therapist,
        starts_at=at(therapist.clinic, 3, 9),
        ends_at=at(therapist.clinic, 3, 12),
    )
    c = _as(owner)
    with django_assert_max_num_queries(9):
        assert c.get(BLOCKS).status_code == 200
    with django_assert_max_num_queries(9):
        assert c.get(POLICY).status_code == 200
    with django_assert_max_num_queries(9):
        assert c.get("/calendar/setup/").status_code == 200
    with django_assert_max_num_queries(20):
        assert c.post(POLICY, {"offsets": "24", "cancellation_hours": "24"}).status_code == 302
    day = at(therapist.clinic, 6, 0).date()
    with django_assert_max_num_queries(16):
        assert c.post(BLOCKS, _block(therapist, day)).status_code == 302


def test_a_fresh_clinic_is_told_to_set_up_its_calendar(owner, front_desk, therapist) -> None:  # type: ignore[no-untyped-def]
    c = _as(owner)
    for url in ("/today/", "/calendar/"):
        page = c.get(url)
        assert "Set up your calendar" in page.text
        assert "no therapist has working hours yet" in page.text
        assert 'href="/calendar/setup/"' in page.text
    desk = _as(front_desk).get("/calendar/")
    assert "No therapist has working hours yet" in desk.text and "Set up your" not in desk.text
    schedule(therapist)
    assert "Set up your calendar" not in c.get("/today/").text
    assert "Set up your calendar" not in c.get("/calendar/").text
    assert 'href="/calendar/setup/"' in c.get("/calendar/").text  # the nav keeps the link


def test_an_hour_taken_out_and_put_back_comes_back_pending(owner, therapist, patient) -> None:  # type: ignore[no-untyped-def]
    booked = _book(therapist, patient, days=5)
    c = _as(owner)
    c.post(POLICY, {"offsets": "48", "cancellation_hours": "24", "sms": "on"})
    assert Reminder.objects.get(appointment=booked, rule="before_24h").status == "cancelled"
    response = c.post(
        POLICY, {"offsets": "48,24", "cancellation_hours": "24", "sms": "on"}, follow=True
    )
    assert "0 pending reminders cancelled, 1 added" in response.text
    back = Reminder.objects.get(appointment=booked, rule="before_24h")
    assert back.status == "pending" and back.due_at == booked.starts_at - timedelta(hours=24)
    assert Reminder.objects.filter(appointment=booked).count() == 3
