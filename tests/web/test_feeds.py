"""The therapist's private calendar feed, read back the way a calendar app reads it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from myomap.appointments.feeds import feed_create
from myomap.appointments.models import CalendarFeed
from myomap.appointments.services import appointment_book, appointment_cancel, appointment_move
from myomap.common.models import AuditAction, AuditEvent
from myomap_core.knowledge import load_knowledge_base
from tests.web.scoped.appointments import at, schedule


def _clinical_words() -> set[str]:
    """Every muscle and condition word of the knowledge base (long enough to mean something)."""
    kb = load_knowledge_base()
    names = [m.name for m in kb.muscles] + [a for m in kb.muscles for a in m.aliases]
    names += [c.label for c in kb.conditions.values()]
    words = {w.lower() for name in names for w in re.findall(r"[A-Za-z]{5,}", name)}
    assert len(words) > 100
    return words - {"minor", "major", "anterior", "posterior", "lateral", "medial"}


@pytest.fixture
def booked(therapist, patient):  # type: ignore[no-untyped-def]
    plan = schedule(therapist)
    kind = plan["types"]["Treatment"]
    first = appointment_book(actor=therapist, patient=patient, therapist=therapist, type=kind,
                             room=plan["room"], starts_at=at(patient.clinic, 2, 10),
                             desk_notes="Sciatica flare, bring the lumbar cushion")  # fmt: skip
    second = appointment_book(actor=therapist, patient=patient, therapist=therapist, type=kind,
                              room=plan["room"], starts_at=at(patient.clinic, 3, 10))  # fmt: skip
    far = appointment_book(actor=therapist, patient=patient, therapist=therapist, type=kind,
                           room=plan["room"], starts_at=at(patient.clinic, 200, 10))  # fmt: skip
    return {"first": first, "second": second, "far": far, "plan": plan}


def _make(client, user) -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.post(reverse("appointments:feed"))
    assert response.status_code == 200
    address = re.search(r'value="(http[^"]+\.ics)"', response.content.decode())
    assert address, response.content.decode()[:2000]
    client.logout()
    return address.group(1).removeprefix("http://testserver")


def _events(client, path):  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return response, {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_lists_the_therapists_appointments_without_names_or_health_words(  # type: ignore[no-untyped-def]
    client, therapist, patient, booked
):
    path = _make(client, therapist)
    response, events = _events(client, path)
    assert len(events) == 2  # the one 200 days ahead is outside the feed
    event = next(
        e for e in events.values() if str(e["uid"]).startswith(f"appointment-{booked['first'].pk}.")
    )
    assert str(event["summary"]) == f"Treatment 60 min · M.L. #{patient.pk}"
    assert str(event["location"]) == "Room 1, Harbour Street"
    assert event.decoded("dtstart") == booked["first"].starts_at
    assert event.decoded("dtend") == booked["first"].ends_at
    assert str(event["status"]) == "CONFIRMED"
    text = response.content.decode().lower()
    for word in ("maria", "lopez", "maria@example.org", "07700", "1980", "cushion"):
        assert word not in text
    leaked = {w for w in _clinical_words() if w in text}
    assert not leaked, leaked


def test_a_move_raises_the_sequence_and_a_cancellation_stays_as_cancelled(  # type: ignore[no-untyped-def]
    client, therapist, patient, booked
):
    path = _make(client, therapist)
    _, before = _events(client, path)
    first_uid = next(u for u in before if u.startswith(f"appointment-{booked['first'].pk}."))
    second_uid = next(u for u in before if u.startswith(f"appointment-{booked['second'].pk}."))
    import time

    time.sleep(1.1)  # SEQUENCE counts seconds since the appointment was made
    moved = appointment_move(actor=therapist, appointment=booked["first"],
                             starts_at=at(patient.clinic, 4, 14))  # fmt: skip
    appointment_cancel(actor=therapist, appointment=booked["second"], reason="Client is away")
    _, after = _events(client, path)
    assert set(after) == set(before)  # same UIDs: calendars update, never duplicate
    assert int(after[first_uid]["sequence"]) > int(before[first_uid]["sequence"])
    assert after[first_uid].decoded("last-modified") > before[first_uid].decoded("last-modified")
    assert after[first_uid].decoded("dtstart") == moved.starts_at
    assert str(after[second_uid]["status"]) == "CANCELLED"
    assert "away" not in str(after[second_uid].to_ical()).lower()


def test_a_revoked_replaced_or_forged_token_is_a_plain_404(client, therapist, booked):  # type: ignore[no-untyped-def]
    first = _make(client, therapist)
    second = _make(client, therapist)  # replacing stops the first
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert client.get("/f/not-a-real-token.ics").status_code == 404
    assert client.get("/f/" + "x" * 200 + ".ics").status_code == 404
    client.force_login(therapist)
    response = client.post(reverse("appointments:feed_revoke"), follow=True)
    assert b"revoked" in response.content
    client.logout()
    forged = client.get(second)
    assert forged.status_code == 404
    assert b"Treatment" not in forged.content
    assert CalendarFeed.objects.filter(therapist=therapist).count() == 2
    assert not CalendarFeed.objects.filter(therapist=therapist, revoked_at__isnull=True).exists()
    actions = list(
        AuditEvent.objects.filter(object_type="CalendarFeed").values_list("action", flat=True)
    )
    assert actions.count(AuditAction.CREATE) == 2
    assert actions.count(AuditAction.REVOKE) == 2


def test_fetches_are_counted_once_a_day_and_shown_on_the_page(client, therapist, booked):  # type: ignore[no-untyped-def]
    path = _make(client, therapist)
    for _ in range(3):
        assert client.get(path).status_code == 200
    fetched = AuditEvent.objects.filter(object_type="CalendarFeed", action=AuditAction.EXPORT)
    assert fetched.count() == 1
    feed = CalendarFeed.objects.get(therapist=therapist, revoked_at__isnull=True)
    assert feed.last_fetched_at is not None
    client.force_login(therapist)
    page = client.get(reverse("appointments:feed")).content.decode()
    assert "not yet" not in page
    assert "Revoke the feed" in page


def test_the_front_desk_has_no_feed(client, front_desk, therapist):  # type: ignore[no-untyped-def]
    client.force_login(front_desk)
    assert client.get(reverse("appointments:feed")).status_code == 403
    assert client.post(reverse("appointments:feed")).status_code == 403
    assert client.post(reverse("appointments:feed_revoke")).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_a_feed_is_made_by_its_own_therapist_only(therapist, owner):  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        feed_create(actor=owner, therapist=therapist)
    assert not CalendarFeed.objects.exists()


def test_another_clinics_therapist_sees_none_of_ours(client, outsider, therapist, booked):  # type: ignore[no-untyped-def]
    _make(client, therapist)
    outside = _make(client, outsider)
    _, events = _events(client, outside)
    assert events == {}
    client.force_login(outsider)
    page = client.get(reverse("appointments:feed")).content.decode()
    assert "Replace with a new address" in page  # their own feed, not ours
    assert CalendarFeed.objects.get(therapist=outsider).clinic == outsider.clinic


def test_the_week_view_links_the_therapists_own_feed(client, therapist, booked):  # type: ignore[no-untyped-def]
    client.force_login(therapist)
    page = client.get(reverse("appointments:week")).content.decode()
    assert reverse("appointments:feed") in page


def test_the_feed_costs_few_queries_however_many_appointments(  # type: ignore[no-untyped-def]
    client, therapist, patient, booked, django_assert_max_num_queries
):
    path = _make(client, therapist)
    client.get(path)
    with django_assert_max_num_queries(5):
        client.get(path)
    for day in range(5, 15):
        appointment_book(actor=therapist, patient=patient, therapist=therapist,
                         type=booked["plan"]["types"]["Treatment"],
                         starts_at=at(patient.clinic, day, 12) + timedelta(minutes=0))  # fmt: skip
    with django_assert_max_num_queries(5):
        _, events = _events(client, path)
    assert len(events) == 12
