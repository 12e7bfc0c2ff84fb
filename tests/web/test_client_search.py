"""Finding clients by what a therapist types: the client list, the audit log, the booking
picker and the API all search through the clients' search keys (decision 0023)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from myomap.appointments.services import appointment_types_default
from myomap.clinics.models import Clinic, User
from myomap.patients.models import Patient, PatientSearchKey
from myomap.patients.search_keys import search_key_rows, search_keys_backfill
from myomap.patients.selectors import patient_list_for_clinic
from myomap.patients.services import patient_archive, patient_create

pytestmark = pytest.mark.django_db


def _client(actor: User, first: str, last: str, **more: object) -> Patient:
    data = {"first_name": first, "last_name": last, "date_of_birth": date(1990, 1, 1), **more}
    return patient_create(actor=actor, data=data)


@pytest.fixture
def people(therapist: User, outsider: User) -> dict[str, Patient]:
    return {
        "jose": _client(
            therapist,
            "José",
            "Smith",
            preferred_name="Pepe",
            phone="+44 117 496 0321",
            email="j.smith@mail.example",
            date_of_birth=date(1975, 6, 30),
        ),
        "joanna": _client(therapist, "Joanna", "Okafor-Brown", phone="0117 496 0888"),
        "john": _client(therapist, "John", "Jones", email="jj@example.org"),
        "elsewhere": _client(outsider, "José", "Smith", phone="+44 117 496 0321"),
    }


def _names(page: bytes) -> set[str]:
    html = page.decode()
    found = {"jose": "Smith, José", "joanna": "Okafor-Brown, Joanna", "john": "Jones, John"}
    return {key for key, shown in found.items() if shown in html}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("jo", {"jose", "joanna", "john"}),  # a first name's start
        ("smi", {"jose"}),  # a last name's start
        ("okafor", {"joanna"}),  # one part of a double-barrelled name
        ("okafor-br", {"joanna"}),  # typed with its hyphen
        ("brown", {"joanna"}),
        ("pepe", {"jose"}),  # the preferred name
        ("jose", {"jose"}),  # without the accent
        ("JOSÉ", {"jose"}),
        ("j.smith@mail", {"jose"}),  # the email as typed
        ("mail", {"jose"}),  # a piece of the email
        ("example", {"jose", "john"}),
        ("jj@", {"john"}),
        ("0117", {"joanna"}),  # the phone's start as dialled
        ("44117", {"jose"}),
        ("0321", {"jose"}),  # its last four digits
        ("496 0888", {"joanna"}),  # two groups of digits, both required
        ("1975-06-30", {"jose"}),  # the date of birth
        ("30/06/1975", {"jose"}),
        ("jo smi", {"jose"}),  # two words, both required
        ("jo jones", {"john"}),
        ("smith brown", set()),
        ("ith", set()),  # a word is found from its start, not from its middle
        ("1975", set()),  # a year alone is not a date of birth
    ],
)
def test_the_client_list_finds_who_was_typed(therapist_client, people, q, expected):  # type: ignore[no-untyped-def]
    page = therapist_client.get(reverse("patients:list"), {"q": q})
    assert page.status_code == 200
    assert _names(page.content) == expected


def test_archived_clients_are_found_only_in_the_archive(therapist_client, therapist, people):  # type: ignore[no-untyped-def]
    patient_archive(actor=therapist, patient=people["john"])
    assert _names(therapist_client.get(reverse("patients:list"), {"q": "jo"}).content) == {
        "jose",
        "joanna",
    }
    archived = therapist_client.get(reverse("patients:list"), {"q": "jo", "archived": "on"})
    assert _names(archived.content) == {"john"}


def test_another_clinics_clients_are_never_found(client, outsider, people):  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    page = client.get(reverse("patients:list"), {"q": "jo"}).content.decode()
    assert page.count("Smith, José") == 1
    assert "Joanna" not in page and "John" not in page
    assert client.get(reverse("patients:list"), {"q": "okafor"}).content.count(b"<tbody>") == 0


def test_keys_follow_an_edit_of_the_name(therapist_client, people):  # type: ignore[no-untyped-def]
    john = people["john"]
    form = {
        "first_name": "Jonathan",
        "last_name": "Price",
        "date_of_birth": "1990-01-01",
        "sex": "unknown",
        "email": "jj@example.org",
    }
    response = therapist_client.post(reverse("patients:edit", args=[john.pk]), form)
    assert response.status_code == 302
    assert _names(therapist_client.get(reverse("patients:list"), {"q": "jones"}).content) == set()
    page = therapist_client.get(reverse("patients:list"), {"q": "pri jonath"})
    assert "Price, Jonathan" in page.content.decode()


def test_the_audit_log_finds_a_clients_events_by_the_same_words(client, owner, people):  # type: ignore[no-untyped-def]
    client.force_login(owner)
    for q in ("jose smi", "pepe", "0321", "1975-06-30"):
        rows = client.get(reverse("audit_log"), {"q": q}).content.decode()
        assert "Registered client José Smith" in rows, q
        assert "Joanna" not in rows and "John Jones" not in rows
    rows = client.get(reverse("audit_log"), {"q": "ith"}).content.decode()
    assert "No events match." in rows


def test_the_booking_picker_offers_the_clients_the_list_finds(therapist_client, therapist, people):  # type: ignore[no-untyped-def]
    appointment_types_default(actor=therapist, clinic=therapist.clinic)
    page = therapist_client.get(reverse("appointments:book"), {"q": "jo smi"}).content.decode()
    assert "José" in page and "Joanna" not in page and "John" not in page


def test_the_api_searches_the_same_way(therapist_client, people):  # type: ignore[no-untyped-def]
    rows = therapist_client.get("/api/v1/clients", {"q": "jose"}).json()
    assert [(r["first_name"], r["last_name"]) for r in rows] == [("José", "Smith")]


@pytest.mark.parametrize(
    "q", ["%", "_", "%%%", "\uffff", "jo\uffff", "'; DROP TABLE x; --", "🙂", "ǅ", "-_-"]
)
def test_odd_characters_in_a_search_are_harmless(therapist_client, client, owner, people, q):  # type: ignore[no-untyped-def]
    page = therapist_client.get(reverse("patients:list"), {"q": q})
    assert page.status_code == 200
    assert _names(page.content) <= {"jose", "joanna", "john"}
    assert therapist_client.get("/api/v1/clients", {"q": q}).status_code == 200
    assert therapist_client.get(reverse("appointments:book"), {"q": q}).status_code == 200
    client.force_login(owner)
    assert client.get(reverse("audit_log"), {"q": q}).status_code == 200


@pytest.mark.parametrize("q", ["jo\x00", "jo\x07", "\x1b[31m"])
def test_control_characters_in_a_search_are_refused_naming_the_field(  # type: ignore[no-untyped-def]
    therapist_client, client, owner, people, q
):
    page = therapist_client.get(reverse("patients:list"), {"q": q})
    assert page.status_code == 400 and b"q: contains the control character" in page.content
    assert therapist_client.get("/api/v1/clients", {"q": q}).status_code == 400
    client.force_login(owner)
    assert client.get(reverse("audit_log"), {"q": q}).status_code == 400


def test_a_search_too_long_is_refused_naming_the_limit(therapist_client, client, owner, people):  # type: ignore[no-untyped-def]
    q = " ".join(f"jo{n}" for n in range(40))
    page = therapist_client.get(reverse("patients:list"), {"q": q})
    assert page.status_code == 400 and b"at most 100 characters" in page.content
    assert _names(page.content) == set()
    api = therapist_client.get("/api/v1/clients", {"q": q})
    assert api.status_code == 422 and api.json()["error"]["field"] == "q"
    assert therapist_client.get(reverse("appointments:book"), {"q": q}).status_code == 200
    client.force_login(owner)
    audit = client.get(reverse("audit_log"), {"q": q})
    assert audit.status_code == 400 and b"at most 100 characters" in audit.content
    assert b"No events match." in audit.content


def test_a_long_word_is_cut_to_the_key_length_and_still_finds(therapist_client, therapist):  # type: ignore[no-untyped-def]
    _client(therapist, "Maximiliana", "Wolfeschlegelsteinhausenbergerdorff")
    page = therapist_client.get(
        reverse("patients:list"), {"q": "wolfeschlegelsteinhausenbergerdorff"}
    )
    assert "Wolfeschlegelsteinhausenbergerdorff, Maximiliana" in page.content.decode()


def test_the_backfill_gives_keys_to_clients_without_them(clinic, therapist, people):  # type: ignore[no-untyped-def]
    PatientSearchKey.objects.filter(patient__in=[people["jose"], people["joanna"]]).delete()
    kept = set(PatientSearchKey.objects.filter(patient=people["john"]).values_list("key"))
    assert search_keys_backfill(Patient, PatientSearchKey) == 2
    assert set(PatientSearchKey.objects.filter(patient=people["john"]).values_list("key")) == kept
    found = patient_list_for_clinic(clinic=clinic, q="jo")
    assert set(found) == {people["jose"], people["joanna"], people["john"]}
    assert search_keys_backfill(Patient, PatientSearchKey) == 0


def _a_clinic_of(clinic: Clinic, clients: int) -> None:
    """``clients`` more clients (with their keys) and fresh statistics, so that PostgreSQL's
    planner sees a clinic of that size rather than whatever the test database last held."""
    born = date(1980, 1, 1)
    added = Patient.objects.bulk_create(
        Patient(clinic=clinic, first_name=f"Ann{n}", last_name=f"Berg{n}", date_of_birth=born)
        for n in range(clients)
    )
    PatientSearchKey.objects.bulk_create(search_key_rows(added, PatientSearchKey))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE patients_patient, patients_patientsearchkey")


def test_each_word_is_looked_up_in_the_key_index(clinic, people):  # type: ignore[no-untyped-def]
    """Each word is one lookup by (clinic, key); the clients found are then read by id, never
    by walking the clinic's clients (SQLite here has no statistics, as after a fresh start;
    PostgreSQL is given a clinic of 2,000 clients and its statistics)."""
    found = patient_list_for_clinic(clinic=clinic, q="jo smi")[:25]
    if connection.vendor == "postgresql":
        _a_clinic_of(clinic, 2000)
        plan = found.explain()
        assert plan.count("patient_search_key_unique") == 2, plan
        assert "Seq Scan" not in plan and "patients_pa_clinic" not in plan, plan
    else:
        plan = found.explain()
        keys = [line for line in plan.splitlines() if "patientsearchkey" in line]
        assert len(keys) == 2 and all("INDEX sqlite_autoindex" in k for k in keys), plan
        clients = [line for line in plan.splitlines() if "patients_patient " in line]
        assert clients and all("PRIMARY KEY" in line for line in clients), plan


def test_the_audit_log_finds_as_many_clients_as_match(client, owner, people, monkeypatch):  # type: ignore[no-untyped-def]
    """More clients than are passed by id: the events are found through the subqueries."""
    client.force_login(owner)
    for limit in (1000, 1):
        monkeypatch.setattr("myomap.clinics.selectors.AUDIT_CLIENTS_BY_ID", limit)
        rows = client.get(reverse("audit_log"), {"q": "jo"}).content.decode()
        assert all(
            f"Registered client {name}" in rows
            for name in ("José Smith", "Joanna Okafor-Brown", "John Jones")
        ), limit
        rows = client.get(reverse("audit_log"), {"q": "jo smi"}).content.decode()
        assert "José Smith" in rows and "Joanna" not in rows, limit
