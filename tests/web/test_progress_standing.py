"""Each client's progress standing is stored with their responses; the dashboard reads it,
so its cost does not grow with the clinic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from myomap.common.audit import Origin
from myomap.outcomes.models import ProgressStanding
from myomap.outcomes.selectors import (
    DASHBOARD_GROUPS,
    DASHBOARD_ROWS,
    GROUP_PAGE,
    dashboard,
    dashboard_members,
)
from myomap.outcomes.standing import DUE_AFTER_DAYS, standing_of, standings_rebuild
from myomap.patients.services import patient_archive, patient_create
from tests.web.test_outcomes_helpers import history, odi_for_percent

pytestmark = pytest.mark.django_db


def _client(therapist, first: str, last: str = "Test"):  # type: ignore[no-untyped-def]
    return patient_create(
        actor=therapist,
        data={"first_name": first, "last_name": last, "date_of_birth": date(1975, 1, 1)},
    )


def _stored(patient):  # type: ignore[no-untyped-def]
    return ProgressStanding.objects.get(patient=patient)


def test_each_response_rewrites_the_standing_in_its_transaction(therapist):  # type: ignore[no-untyped-def]
    wes = _client(therapist, "Wes")
    never = _stored(wes)
    assert (never.status, never.group, never.last_taken, never.latest) == ("", "", None, [])
    assert never.due_at == wes.created_at and never.active
    first = history(therapist, wes, [(0, "nprs", {"pain": 4})], days_ago=14)[0]
    baseline = _stored(wes)
    assert (baseline.status, baseline.group) == ("baseline", "")
    assert baseline.last_taken == first.taken_at
    assert baseline.due_at == first.taken_at + timedelta(days=DUE_AFTER_DAYS)
    history(therapist, wes, [(2, "nprs", {"pain": 7})], days_ago=14)
    worse = _stored(wes)
    assert (worse.status, worse.group, worse.sessions) == ("worsening", "worsening", 2)
    assert worse.latest == [["nprs", "7", ""]]
    assert "Worse" in worse.explanation or "worse" in worse.explanation


def test_maintenance_is_due_after_its_reassessment_interval(therapist):  # type: ignore[no-untyped-def]
    ivy = _client(therapist, "Ivy")
    rows = [
        (0, "odi", odi_for_percent(50)),
        (2, "odi", odi_for_percent(36)),
        (3, "odi", odi_for_percent(30)),
        (4, "odi", odi_for_percent(24)),
    ]
    made = history(therapist, ivy, rows, days_ago=60)
    standing = _stored(ivy)
    assert standing.group == "maintenance" and standing.reassess_in_weeks
    assert standing.due_at == made[-1].taken_at + timedelta(weeks=standing.reassess_in_weeks)


def test_a_rebuild_gives_the_standings_the_responses_gave(therapist, clinic):  # type: ignore[no-untyped-def]
    for i, pain in enumerate((3, 8, 6)):
        person = _client(therapist, f"C{i}")
        history(
            therapist, person, [(0, "nprs", {"pain": 6}), (3, "nprs", {"pain": pain})], days_ago=40
        )
    _client(therapist, "Nia")  # never measured
    patient_archive(actor=therapist, patient=_client(therapist, "Gil"), origin=Origin())
    fields = ["patient_id", "active", "group", "sessions", "latest", "last_taken", "due_at"]
    before = sorted(ProgressStanding.objects.values_list(*fields))
    assert standings_rebuild(clinic=clinic) == 5
    assert sorted(ProgressStanding.objects.values_list(*fields)) == before


def _dashboard_queries(client) -> int:  # type: ignore[no-untyped-def]
    client.get(reverse("outcomes:dashboard"))  # warm the session and caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("outcomes:dashboard")).status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboard_costs_the_same_with_ten_times_the_clients(therapist_client, therapist):  # type: ignore[no-untyped-def]
    def grow(count: int, start: int) -> None:
        for i in range(start, start + count):
            person = _client(therapist, f"P{i:03d}")
            if i % 3 == 0:  # never measured
                continue
            rows = [(0, "nprs", {"pain": 4}), (2, "nprs", {"pain": 7 if i % 2 else 4})]
            history(therapist, person, rows, days_ago=50)
            if i % 5 == 0:
                patient_archive(actor=therapist, patient=person, origin=Origin())

    grow(3, 0)
    small = _dashboard_queries(therapist_client)
    grow(30, 3)
    assert _dashboard_queries(therapist_client) == small


def test_a_long_group_shows_its_first_clients_and_pages_the_rest(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    count = GROUP_PAGE + 5
    for i in range(count - 1):  # the fixture's Maria Lopez is the last one due
        history(therapist, _client(therapist, f"D{i:03d}"), [(0, "nprs", {"pain": 5})], days_ago=40)
    board = therapist_client.get(reverse("outcomes:dashboard")).content.decode()
    due = board[board.index('id="dash-due"') :]
    due = due[: due.index("</section>")]
    assert f">{count}</span>" in due and due.count("<li>") == DASHBOARD_ROWS
    assert f"All {count}: due for questionnaires" in due
    first = therapist_client.get(reverse("outcomes:dashboard"), {"group": "due"}).content.decode()
    first = first[first.index('class="dash-grid') :]
    assert first.count("<li>") == GROUP_PAGE and "Page 1 of 2" in first
    assert 'id="dash-worsening"' not in first
    second = therapist_client.get(
        reverse("outcomes:dashboard"), {"group": "due", "page": "2"}
    ).content.decode()
    second = second[second.index('class="dash-grid') :]
    assert second.count("<li>") == 5 and "Maria Lopez" in second  # never measured: last


def test_an_unknown_group_is_refused_by_name(therapist_client):  # type: ignore[no-untyped-def]
    response = therapist_client.get(reverse("outcomes:dashboard"), {"group": "vip"})
    assert response.status_code == 400
    assert "group" in response.content.decode() and "vip" in response.content.decode()


def test_an_emergency_is_left_out_of_the_due_list_only(clinic, therapist):  # type: ignore[no-untyped-def]
    wes = _client(therapist, "Wes")
    history(therapist, wes, [(0, "nprs", {"pain": 4}), (2, "nprs", {"pain": 8})], days_ago=60)
    board = dashboard(clinic=clinic, leave_out=[wes.pk])
    assert [r.patient.pk for r in board["worsening"].rows] == [wes.pk]
    assert wes.pk not in [r.patient.pk for r in board["due"].rows]


def test_each_group_counts_the_clients_it_lists(clinic, therapist):  # type: ignore[no-untyped-def]
    """Counted on the standings, listed from clients or standings: the same clients, with
    never-measured, archived and emergency-held clients in the mix."""
    never = _client(therapist, "Nia")
    held_never = _client(therapist, "Hal")
    gone_never = _client(therapist, "Gus")
    worse = _client(therapist, "Wes")
    history(therapist, worse, [(0, "nprs", {"pain": 4}), (2, "nprs", {"pain": 8})], days_ago=60)
    held_worse = _client(therapist, "Hew")
    history(
        therapist, held_worse, [(0, "nprs", {"pain": 3}), (2, "nprs", {"pain": 8})], days_ago=60
    )
    gone_worse = _client(therapist, "Gwen")
    history(
        therapist, gone_worse, [(0, "nprs", {"pain": 3}), (2, "nprs", {"pain": 9})], days_ago=60
    )
    fresh = _client(therapist, "Fay")
    history(therapist, fresh, [(0, "nprs", {"pain": 5})], days_ago=0)
    for gone in (gone_never, gone_worse):
        patient_archive(actor=therapist, patient=gone, origin=Origin())
    held = [held_never.pk, held_worse.pk]
    now = timezone.now()
    board = dashboard(clinic=clinic, now=now, leave_out=held, limit=100)
    for key in DASHBOARD_GROUPS:
        left_out = held if key == "due" else []
        members = dashboard_members(clinic=clinic, group=key, now=now, leave_out=left_out)
        listed = [row.patient.pk for row in board[key].rows]
        assert board[key].count == len(listed) == members.count(), key
    due = [row.patient.pk for row in board["due"].rows]
    assert never.pk in due and worse.pk in due
    assert not {held_never.pk, held_worse.pk, gone_never.pk, gone_worse.pk, fresh.pk} & set(due)
    worsening = [row.patient.pk for row in board["worsening"].rows]
    assert worse.pk in worsening and held_worse.pk in worsening and gone_worse.pk not in worsening


def test_due_is_worked_out_when_read(clinic, therapist):  # type: ignore[no-untyped-def]
    ann = _client(therapist, "Ann")
    taken = history(therapist, ann, [(0, "nprs", {"pain": 5})], days_ago=0)[0].taken_at
    soon = dashboard(clinic=clinic, now=taken + timedelta(days=DUE_AFTER_DAYS - 1))
    assert ann.pk not in [r.patient.pk for r in soon["due"].rows]
    later = dashboard(clinic=clinic, now=taken + timedelta(days=DUE_AFTER_DAYS + 1))
    row = next(r for r in later["due"].rows if r.patient.pk == ann.pk)
    assert row.reason == f"Last questionnaire {DUE_AFTER_DAYS + 1} days ago."


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_standing_of_clients_measured_before(therapist):  # type: ignore[no-untyped-def]
    wes = _client(therapist, "Wes")
    history(therapist, wes, [(0, "nprs", {"pain": 4}), (2, "nprs", {"pain": 8})], days_ago=20)
    expected = standing_of(list(wes.outcome_responses.order_by("taken_at", "id")))
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    try:
        executor.migrate([("outcomes", "0001_initial")])
        executor = MigrationExecutor(connection)
        executor.migrate([("outcomes", "0002_progress_standing")])
        # Read as that migration left it: the model of today has columns added since.
        stored = ProgressStanding.objects.filter(patient=wes).values("status", "group", "due_at")
        assert stored.get() == {
            "status": expected.status,
            "group": expected.group,
            "due_at": expected.due_at,
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(list(executor.loader.graph.leaf_nodes()))
    assert timezone.now() < expected.due_at + timedelta(days=365)
