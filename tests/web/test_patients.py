"""Registering, finding, editing, archiving clients, and the client timeline."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from myomap.common.models import AuditEvent
from myomap.patients.models import Patient
from myomap.patients.services import patient_create

NEW = {
    "first_name": "James",
    "last_name": "O'Connor",
    "date_of_birth": "1987-07-02",
    "sex": "male",
    "phone": "+44 7700 900102",
    "email": "james@example.org",
}


def test_register_a_client(therapist_client, therapist):  # type: ignore[no-untyped-def]
    response = therapist_client.post(reverse("patients:new"), NEW)
    patient = Patient.objects.get(last_name="O'Connor")
    assert response.url == reverse("chart:client", args=[patient.pk])
    assert patient.clinic == therapist.clinic
    assert patient.phone_digits == "447700900102"
    event = AuditEvent.objects.get(patient=patient, action="create")
    assert event.actor == therapist


def test_missing_and_bad_fields_are_named(therapist_client):  # type: ignore[no-untyped-def]
    response = therapist_client.post(
        reverse("patients:new"),
        {**NEW, "first_name": "", "date_of_birth": "2999-01-01", "email": "nope"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "First name</a>: This field is required." in html
    assert "Date of birth</a>: The date of birth cannot be in the future." in html
    assert "Email</a>: Enter a valid email address." in html
    assert not Patient.objects.exists()


def test_overlong_text_is_refused_with_the_limit(therapist_client):  # type: ignore[no-untyped-def]
    response = therapist_client.post(reverse("patients:new"), {**NEW, "first_name": "x" * 81})
    assert response.status_code == 400
    assert b"at most 80 characters" in response.content


def test_a_likely_duplicate_is_flagged_before_saving(therapist_client, patient):  # type: ignore[no-untyped-def]
    same = {
        "first_name": "maria",
        "last_name": "LOPEZ",
        "date_of_birth": "1980-03-14",
        "sex": "female",
    }
    response = therapist_client.post(reverse("patients:new"), same)
    assert response.status_code == 400
    assert b"Possible duplicate" in response.content
    assert Patient.objects.count() == 1
    confirmed = therapist_client.post(
        reverse("patients:new"), {**same, "confirm_not_duplicate": "on"}
    )
    assert confirmed.status_code == 302
    assert Patient.objects.count() == 2


@pytest.mark.parametrize(
    "query", ["lopez", "Mar", "07700 900101", "900101", "maria@example", "1980-03-14", "14/03/1980"]
)
def test_search_by_name_phone_email_or_birth_date(therapist_client, patient, therapist, query):  # type: ignore[no-untyped-def]
    patient_create(
        actor=therapist,
        data={"first_name": "Other", "last_name": "Person", "date_of_birth": date(1990, 1, 1)},
    )
    page = therapist_client.get(reverse("patients:list"), {"q": query})
    assert b"Lopez, Maria" in page.content
    assert b"Person, Other" not in page.content


def test_the_list_pages_and_keeps_its_query_count(
    therapist_client, therapist, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    for n in range(60):
        patient_create(
            actor=therapist,
            data={
                "first_name": f"Client{n:02d}",
                "last_name": "Sample",
                "date_of_birth": date(1970, 1, 1),
            },
        )
    with django_assert_max_num_queries(8):
        first = therapist_client.get(reverse("patients:list"))
    assert b"Page 1 of 3" in first.content
    third = therapist_client.get(reverse("patients:list"), {"page": 3})
    assert b"Client59" in third.content
    partial = therapist_client.get(
        reverse("patients:list"), {"q": "Client0"}, HTTP_HX_REQUEST="true"
    )
    assert b"<html" not in partial.content and b"Client05" in partial.content


def test_archive_hides_but_never_deletes_and_can_be_undone(therapist_client, patient):  # type: ignore[no-untyped-def]
    therapist_client.post(reverse("patients:archive", args=[patient.pk]))
    patient.refresh_from_db()
    assert patient.is_archived
    assert b"Lopez, Maria" not in therapist_client.get(reverse("patients:list")).content
    assert (
        b"Lopez, Maria"
        in therapist_client.get(reverse("patients:list"), {"archived": "on"}).content
    )
    therapist_client.post(reverse("patients:restore", args=[patient.pk]))
    patient.refresh_from_db()
    assert not patient.is_archived
    actions = list(AuditEvent.objects.filter(patient=patient).values_list("action", flat=True))
    assert "archive" in actions and "restore" in actions


def test_archiving_needs_post(therapist_client, patient):  # type: ignore[no-untyped-def]
    assert therapist_client.get(reverse("patients:archive", args=[patient.pk])).status_code == 405


def test_edit_records_what_changed_on_the_timeline(therapist_client, patient):  # type: ignore[no-untyped-def]
    data = {
        **NEW,
        "first_name": "Maria",
        "last_name": "Lopez",
        "date_of_birth": "1980-03-14",
        "phone": "0117 000",
    }
    response = therapist_client.post(reverse("patients:edit", args=[patient.pk]), data)
    assert response.status_code == 302
    page = therapist_client.get(reverse("chart:client", args=[patient.pk]))
    assert b"Changed client details: " in page.content
    assert b"Registered client Maria Lopez" in page.content


def test_a_failed_edit_changes_nothing(therapist_client, patient):  # type: ignore[no-untyped-def]
    response = therapist_client.post(
        reverse("patients:edit", args=[patient.pk]),
        {"first_name": "Changed", "last_name": "", "date_of_birth": "1980-03-14", "sex": "female"},
    )
    assert response.status_code == 400
    patient.refresh_from_db()
    assert patient.first_name == "Maria"
    assert not AuditEvent.objects.filter(patient=patient, action="update").exists()


def test_api_creates_and_lists_clients_with_one_error_shape(therapist_client):  # type: ignore[no-untyped-def]
    created = therapist_client.post(
        "/api/v1/clients", NEW | {"date_of_birth": "1987-07-02"}, content_type="application/json"
    )
    assert created.status_code == 201
    assert created.json()["last_name"] == "O'Connor"
    listed = therapist_client.get("/api/v1/clients", {"q": "connor"})
    assert [c["first_name"] for c in listed.json()] == ["James"]
    duplicate = therapist_client.post("/api/v1/clients", NEW, content_type="application/json")
    assert duplicate.status_code == 422
    assert duplicate.json()["error"]["field"] == "allow_duplicate"
    bad = therapist_client.post(
        "/api/v1/clients", {**NEW, "date_of_birth": "soon"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "date_of_birth"


def test_api_requires_login(client):  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/clients")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
