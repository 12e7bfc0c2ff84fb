"""The client row says when the client was first screened, so the dashboard finds the active
clients never screened through an index; every way a screening is stored sets it."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from myomap.patients.models import Patient
from myomap.patients.services import patient_create
from myomap.screening.first_screened import first_screened_fill
from myomap.screening.forms import answered_no_but
from myomap.screening.models import Screening
from myomap.screening.selectors import held_clients
from tests.migrating import latest, migrate_to
from tests.web.scoped.screening import screen_client

pytestmark = pytest.mark.django_db

NOT_SCREENED = "Not screened yet"


def _register(therapist, first: str, last: str = "Test"):  # type: ignore[no-untyped-def]
    return patient_create(
        actor=therapist,
        data={"first_name": first, "last_name": last, "date_of_birth": "1975-01-01"},
    )


def _held(client) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """The dashboard's "Blocked / awaiting clearance" section: its count and its text."""
    page = client.get(reverse("outcomes:dashboard"))
    assert page.status_code == 200
    text = page.content.decode()
    section = text[text.index('id="dash-held"') :]
    section = section[: section.index("</section>")]
    count = re.search(r'class="tag[^"]*">(\d+)</span>', section)
    assert count is not None
    return int(count.group(1)), section


def test_a_new_client_is_listed_until_screened_on_the_page_or_the_api(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    ann, bob = _register(therapist, "Ann", "Alder"), _register(therapist, "Bob", "Birch")
    count, held = _held(therapist_client)
    assert count == 3 and held.count(NOT_SCREENED) == 3
    assert held.index("Ann Alder") < held.index("Bob Birch") < held.index(patient.full_name)

    on_page = therapist_client.post(
        reverse("screening:now", args=[ann.pk]), answered_no_but({}, "female")
    )
    assert on_page.status_code == 302
    answers = {k: False for k in answered_no_but({}, "male")}
    on_api = therapist_client.put(
        f"/api/v1/clients/{bob.pk}/health-checks",
        json.dumps({"answers": answers}),
        "application/json",
    )
    assert on_api.status_code == 200, on_api.content
    count, held = _held(therapist_client)
    assert count == 1 and "Ann Alder" not in held and "Bob Birch" not in held
    assert patient.full_name in held

    first = {p.pk: p.first_screened_at for p in Patient.objects.all()}
    for person in (ann, bob):
        screening = Screening.objects.get(patient=person)
        assert first[person.pk] == screening.created_at
    assert first[patient.pk] is None
    screen_client(therapist, ann)  # a second screening keeps the first one's time
    assert Patient.objects.get(pk=ann.pk).first_screened_at == first[ann.pk]


def test_archived_clients_are_never_listed_and_the_count_is_the_listed_rows(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    gone = _register(therapist, "Gil", "Gone")
    assert therapist_client.post(reverse("patients:archive", args=[gone.pk])).status_code == 302
    count, held = _held(therapist_client)
    assert count == 1 == held.count(NOT_SCREENED) and "Gil Gone" not in held
    assert therapist_client.post(reverse("patients:restore", args=[gone.pk])).status_code == 302
    count, held = _held(therapist_client)
    assert count == 2 == held.count(NOT_SCREENED) and "Gil Gone" in held


def test_beyond_the_listed_rows_the_unscreened_are_counted(therapist, patient):  # type: ignore[no-untyped-def]
    for n in range(3):
        _register(therapist, f"Cy{n}")
    held = held_clients(clinic=patient.clinic, unscreened_rows=2)
    assert [h.patient.full_name for h in held.clients] == ["Maria Lopez", "Cy0 Test"]
    assert (held.count, held.more) == (4, 2)


def test_the_fill_marks_clients_from_their_first_screening(therapist, patient):  # type: ignore[no-untyped-def]
    """What migration screening 0005 does to a database of before it."""
    twice, never = _register(therapist, "Tia"), _register(therapist, "Ned")
    screen_client(therapist, patient)
    screen_client(therapist, twice)
    screen_client(therapist, twice)
    Patient.objects.update(first_screened_at=None)
    assert held_clients(clinic=patient.clinic).count == 3  # as a database of before reads
    assert first_screened_fill() == 2
    for person in (patient, twice):
        earliest = Screening.objects.filter(patient=person).order_by("created_at").first()
        assert earliest is not None
        assert Patient.objects.get(pk=person.pk).first_screened_at == earliest.created_at
    assert Patient.objects.get(pk=never.pk).first_screened_at is None
    assert [h.patient for h in held_clients(clinic=patient.clinic).clients] == [never]
    assert first_screened_fill() == 0


@pytest.mark.django_db(transaction=True)
def test_the_migration_goes_back_and_forward_and_marks_the_screened(therapist, patient):  # type: ignore[no-untyped-def]
    screen_client(therapist, patient)
    fresh = _register(therapist, "Fay")
    try:
        migrate_to([("patients", "0001_initial")])
        with connection.cursor() as cursor:
            columns = [c.name for c in connection.introspection.get_table_description(
                cursor, "patients_patient")]  # fmt: skip
        assert "first_screened_at" not in columns
        migrate_to(latest())
    finally:
        migrate_to(latest())
    screening = Screening.objects.get(patient=patient)
    assert Patient.objects.get(pk=patient.pk).first_screened_at == screening.created_at
    assert Patient.objects.get(pk=fresh.pk).first_screened_at is None


def test_the_list_and_the_count_read_the_partial_indexes(patient):  # type: ignore[no-untyped-def]
    """SQLite uses a partial index only when the query's WHERE implies its condition: check the
    plans of the queries the selector sends."""
    if connection.vendor != "sqlite":
        pytest.skip("the plans checked are SQLite's")
    with CaptureQueriesContext(connection) as captured:
        held_clients(clinic=patient.clinic)
    unscreened = [q["sql"] for q in captured if 'first_screened_at" IS NULL' in q["sql"]]
    assert len(unscreened) == 2, unscreened  # the first rows and the count
    listed, counted = sorted(_plans(unscreened), key=lambda plan: "COVERING" in plan)
    assert "USING INDEX patients_never_screened (" in listed and "TEMP B-TREE" not in listed
    assert "USING COVERING INDEX patients_counted (" in counted, counted


def _plans(sql: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        plans = []
        for one in sql:
            cursor.execute(f"EXPLAIN QUERY PLAN {one}")
            plans.append(" | ".join(str(row[-1]) for row in cursor.fetchall()))
    return plans


@pytest.mark.parametrize("archived", ["", "&archived=on"])
def test_the_client_list_counts_from_the_index_alone(therapist_client, archived):  # type: ignore[no-untyped-def]
    """The client list's count of active (or archived) clients reads index entries, not each
    client's row; the first page is read in the name index's order, without a sort."""
    if connection.vendor != "sqlite":
        pytest.skip("the plans checked are SQLite's")
    with CaptureQueriesContext(connection) as captured:
        response = therapist_client.get(reverse("patients:list") + "?q=" + archived)
        assert response.status_code == 200
    listed = [q["sql"] for q in captured if 'FROM "patients_patient"' in q["sql"]]
    counted = [sql for sql in listed if "COUNT(*)" in sql]
    assert len(counted) == 1, listed
    assert "USING COVERING INDEX patients_counted (" in _plans(counted)[0]
