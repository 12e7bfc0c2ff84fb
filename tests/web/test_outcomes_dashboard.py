"""The clinic dashboard sorts clients into the groups a therapist acts on."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from myomap.outcomes.selectors import dashboard
from myomap.patients.services import patient_create
from tests.web.test_outcomes_helpers import history, odi_for_percent

pytestmark = pytest.mark.django_db


def _client(therapist, first: str):
    return patient_create(
        actor=therapist,
        data={"first_name": first, "last_name": "Test", "date_of_birth": date(1975, 1, 1)},
    )


@pytest.fixture
def clinic_with_histories(therapist, patient):
    improving = _client(therapist, "Ivy")
    history(
        therapist,
        improving,
        [
            (0, "odi", odi_for_percent(50)),
            (2, "odi", odi_for_percent(36)),
            (3, "odi", odi_for_percent(30)),
            (4, "odi", odi_for_percent(24)),
        ],
        days_ago=30,
    )
    stuck = _client(therapist, "Stan")
    history(
        therapist,
        stuck,
        [(0, "nprs", {"pain": 7}), (3, "nprs", {"pain": 7}), (5, "nprs", {"pain": 6})],
        days_ago=36,
    )
    worse = _client(therapist, "Wes")
    history(therapist, worse, [(0, "nprs", {"pain": 4}), (2, "nprs", {"pain": 7})], days_ago=14)
    old = _client(therapist, "Olga")
    history(therapist, old, [(0, "nprs", {"pain": 6})], days_ago=60)
    return {"improving": improving, "stuck": stuck, "worse": worse, "old": old, "new": patient}


def test_each_client_lands_in_the_right_group(clinic, clinic_with_histories):
    board = dashboard(clinic=clinic)
    names = {key: [row.patient.first_name for row in group.rows] for key, group in board.items()}
    assert names["maintenance"] == ["Ivy"]
    assert names["not_on_track"] == ["Stan"]
    assert names["worsening"] == ["Wes"]
    assert sorted(names["due"]) == ["Maria", "Olga"]  # never measured; none in 28 days
    stan = board["not_on_track"].rows[0]
    assert stan.standing.flag == "review_plan_or_refer"
    assert "NPRS 6/10" in stan.latest


def test_the_dashboard_page_links_each_client(therapist_client, clinic_with_histories):
    page = therapist_client.get(reverse("outcomes:dashboard"))
    assert page.status_code == 200
    text = page.content.decode()
    for key in ("improving", "stuck", "worse", "old", "new"):
        patient = clinic_with_histories[key]
        assert reverse("chart:client", args=[patient.pk]) in text
    assert "Ready for maintenance" in text and "Not on track" in text and "Worsening" in text
    assert "No questionnaire in the last 28 days" in text
    assert "Not improving by session 5" in text


def test_archived_clients_and_other_clinics_stay_off_the_dashboard(
    client, clinic, outsider, clinic_with_histories
):
    wes = clinic_with_histories["worse"]
    wes.archived_at = timezone.now()
    wes.save()
    assert dashboard(clinic=clinic)["worsening"].rows == []
    client.force_login(outsider)
    text = client.get(reverse("outcomes:dashboard")).content.decode()
    assert "Ivy" not in text and "Stan" not in text
