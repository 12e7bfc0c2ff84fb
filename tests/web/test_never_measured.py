"""Every client has a standing from the moment they are registered, so the dashboard finds
those never measured through the standings, and archiving takes a client off every group."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from myomap.outcomes.models import ProgressStanding
from myomap.outcomes.selectors import DASHBOARD_GROUPS
from myomap.outcomes.standing import standings_fill
from myomap.patients.models import Patient
from myomap.patients.services import patient_create
from tests.migrating import latest, migrate_to
from tests.web.test_outcomes_helpers import history

pytestmark = pytest.mark.django_db

NEVER = "No questionnaire yet: take a baseline."


def _register(therapist, first: str):  # type: ignore[no-untyped-def]
    return patient_create(
        actor=therapist,
        data={"first_name": first, "last_name": "Test", "date_of_birth": date(1975, 1, 1)},
    )


def _board(client) -> dict[str, tuple[int, str]]:  # type: ignore[no-untyped-def]
    """Each group on the dashboard page: its count and the text of its section."""
    page = client.get(reverse("outcomes:dashboard"))
    assert page.status_code == 200
    text = page.content.decode()
    found = {}
    for key in DASHBOARD_GROUPS:
        section = text[text.index(f'id="dash-{key}"') :]
        section = section[: section.index("</section>")]
        count = re.search(r'class="tag[^"]*">(\d+)</span>', section)
        assert count is not None, key
        found[key] = (int(count.group(1)), section)
    return found


def test_a_client_registered_on_the_page_or_the_api_is_due_at_once(therapist_client):  # type: ignore[no-untyped-def]
    page = therapist_client.post(
        reverse("patients:new"),
        {
            "first_name": "Nia",
            "last_name": "Page",
            "date_of_birth": "1980-01-02",
            "sex": "female",
            "phone": "+44 7700 900103",
            "email": "nia@example.org",
        },
    )
    assert page.status_code == 302
    api = therapist_client.post(
        "/api/v1/clients",
        {"first_name": "Abe", "last_name": "Api", "date_of_birth": "1981-02-03"},
        content_type="application/json",
    )
    assert api.status_code == 201
    for patient in Patient.objects.all():
        standing = ProgressStanding.objects.get(patient=patient)
        assert standing.active and standing.last_taken is None and standing.group == ""
        assert standing.due_at == patient.created_at and standing.clinic_id == patient.clinic_id
    board = _board(therapist_client)
    count, due = board["due"]
    assert count == 2 and "Nia Page" in due and "Abe Api" in due and due.count(NEVER) == 2
    assert all(board[key][0] == 0 for key in DASHBOARD_GROUPS if key != "due")


def test_archiving_takes_a_client_off_every_group_and_restoring_brings_them_back(  # type: ignore[no-untyped-def]
    therapist_client, therapist
):
    nia = _register(therapist, "Nia")
    wes = _register(therapist, "Wes")  # worsening, and due: nothing in 28 days
    history(therapist, wes, [(0, "nprs", {"pain": 4}), (2, "nprs", {"pain": 8})], days_ago=60)
    shown = _board(therapist_client)
    assert (shown["due"][0], shown["worsening"][0]) == (2, 1)
    for person in (nia, wes):
        therapist_client.post(reverse("patients:archive", args=[person.pk]))
    assert not ProgressStanding.objects.filter(active=True).exists()
    hidden = _board(therapist_client)
    for key, (count, section) in hidden.items():
        assert count == 0 and "Nia Test" not in section and "Wes Test" not in section, key
    listed = therapist_client.get(reverse("outcomes:dashboard"), {"group": "due"})
    assert "Nia Test" not in listed.content.decode()
    for person in (nia, wes):
        therapist_client.post(reverse("patients:restore", args=[person.pk]))
    back = _board(therapist_client)
    assert (back["due"][0], back["worsening"][0]) == (2, 1)
    assert "Nia Test" in back["due"][1] and "Wes Test" in back["worsening"][1]


def test_the_first_response_moves_a_client_out_of_never_measured(therapist_client, therapist):  # type: ignore[no-untyped-def]
    ann = _register(therapist, "Ann")
    assert NEVER in _board(therapist_client)["due"][1]
    recorded = therapist_client.post(
        f"/api/v1/clients/{ann.pk}/outcomes",
        {"instrument": "nprs", "answers": {"pain": 5}},
        content_type="application/json",
    )
    assert recorded.status_code == 201
    standing = ProgressStanding.objects.get(patient=ann)
    assert standing.last_taken is not None and standing.status == "baseline"
    assert standing.due_at > timezone.now() + timedelta(days=27)
    count, due = _board(therapist_client)["due"]
    assert count == 0 and "Ann Test" not in due


def test_the_fill_gives_each_client_without_a_standing_one(therapist):  # type: ignore[no-untyped-def]
    """What migration outcomes 0004 does to a database of before it."""
    measured = _register(therapist, "Meg")
    history(therapist, measured, [(0, "nprs", {"pain": 4})], days_ago=3)
    new, gone = _register(therapist, "Ned"), _register(therapist, "Gil")
    ProgressStanding.objects.filter(last_taken__isnull=True).delete()
    ProgressStanding.objects.update(active=True)
    # Archived as a database of before held them: no standing follows the client row.
    Patient.objects.filter(pk__in=[gone.pk, measured.pk]).update(archived_at=timezone.now())
    kept = ProgressStanding.objects.get(patient=measured)
    assert standings_fill() == 2
    rows = {s.patient_id: s for s in ProgressStanding.objects.all()}
    assert set(rows) == {measured.pk, new.pk, gone.pk}
    for person, active in ((new, True), (gone, False)):
        row = rows[person.pk]
        assert (row.last_taken, row.group, row.active) == (None, "", active)
        assert row.due_at == person.created_at and row.clinic_id == person.clinic_id
    assert rows[measured.pk].last_taken == kept.last_taken and not rows[measured.pk].active
    assert standings_fill() == 0


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_clients_never_measured_a_standing(therapist):  # type: ignore[no-untyped-def]
    nia = _register(therapist, "Nia")
    try:
        migrate_to([("outcomes", "0003_standing_group_index")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM outcomes_progressstanding")
            assert cursor.fetchone() == (0,)
        migrate_to(latest())
    finally:
        migrate_to(latest())
    standing = ProgressStanding.objects.get(patient=nia)
    assert (standing.last_taken, standing.active) == (None, True)
    assert standing.due_at == nia.created_at
