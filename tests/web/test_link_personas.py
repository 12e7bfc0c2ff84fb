"""Persona tests: the front desk on a client's private link, and who wrote what through it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from myomap.aftercare.models import HomeProgramMark
from myomap.aftercare.services import aftercare_for_session, home_link_create
from myomap.common.models import AuditEvent
from myomap.intake.models import Intake
from myomap.outcomes.models import OutcomeResponse
from myomap.outcomes.services import link_create
from tests.web.scoped.aftercare import finished_session
from tests.web.test_intake import COMPLAINT, create_link, portal


def _intake_link(front_desk, patient) -> str:  # type: ignore[no-untyped-def]
    desk = Client()
    desk.force_login(front_desk)
    _, token = create_link(desk, patient)  # the front desk may create and send the link
    return token


def test_the_front_desk_cannot_open_the_intake_link_it_created(client, front_desk, patient):  # type: ignore[no-untyped-def]
    token = _intake_link(front_desk, patient)
    client.force_login(front_desk)
    for url in (portal(token), portal(token, "complaint"), portal(token, "screening")):
        response = client.get(url)
        assert response.status_code == 403, url
        page = response.content.decode()
        assert "belongs to the client" in page
        assert "Send the link to the client" in page
    refused = client.post(portal(token, "complaint"), COMPLAINT)
    assert refused.status_code == 403
    autosave = client.post(portal(token, "complaint") + "?autosave=1", COMPLAINT)
    assert autosave.status_code == 403
    intake = Intake.objects.get(patient=patient)
    assert intake.answers == {}
    assert not AuditEvent.objects.filter(action="view", summary__contains="opened").exists()


def test_the_client_still_opens_the_link_the_front_desk_sent(front_desk, patient):  # type: ignore[no-untyped-def]
    token = _intake_link(front_desk, patient)
    visitor = Client()
    assert visitor.get(portal(token)).status_code == 200
    assert visitor.post(portal(token, "complaint"), COMPLAINT).status_code == 302
    saved = AuditEvent.objects.filter(patient=patient, actor__isnull=True).exclude(action="view")
    assert saved.exists()
    assert all(e.actor_label == "client (private link)" for e in saved)
    opened = AuditEvent.objects.get(action="view", summary__contains="opened")
    assert opened.actor is None and opened.summary == "The client opened the private intake link"


def test_a_therapist_on_the_link_is_recorded_as_the_author(client, front_desk, therapist, patient):  # type: ignore[no-untyped-def]
    token = _intake_link(front_desk, patient)
    client.force_login(therapist)
    assert client.get(portal(token)).status_code == 200
    assert client.post(portal(token, "complaint"), COMPLAINT).status_code == 302
    opened = AuditEvent.objects.get(action="view", summary__contains="opened")
    assert opened.actor == therapist
    assert opened.summary == "Therapist Tester opened the private intake link"
    writes = AuditEvent.objects.filter(patient=patient, action="update")
    assert writes.exists()
    assert {e.actor for e in writes} == {therapist}
    assert not AuditEvent.objects.filter(actor_label="client (private link)").exists()


def test_staff_of_another_clinic_cannot_open_the_link(client, front_desk, outsider, patient):  # type: ignore[no-untyped-def]
    token = _intake_link(front_desk, patient)
    client.force_login(outsider)
    assert client.get(portal(token, "complaint")).status_code == 403
    assert client.post(portal(token, "complaint"), COMPLAINT).status_code == 403
    assert Intake.objects.get(patient=patient).answers == {}


def test_the_front_desk_cannot_open_a_questionnaire_link(client, front_desk, therapist, patient):  # type: ignore[no-untyped-def]
    _, token = link_create(actor=therapist, patient=patient, instruments=["nprs"])
    client.force_login(front_desk)
    assert client.get(f"/q/{token}/").status_code == 403
    assert client.get(f"/q/{token}/nprs-1/").status_code == 403
    assert client.post(f"/q/{token}/nprs-1/", {"pain": "6"}).status_code == 403
    assert client.post(f"/q/{token}/review/").status_code == 403
    assert not OutcomeResponse.objects.exists()


def test_questionnaires_completed_by_a_therapist_on_the_link_are_theirs(  # type: ignore[no-untyped-def]
    client, therapist, patient
):
    _link, token = link_create(actor=therapist, patient=patient, instruments=["nprs"])
    client.force_login(therapist)
    assert client.get(f"/q/{token}/").status_code == 200
    assert client.get(f"/q/{token}/nprs-1/").status_code == 200
    assert client.post(f"/q/{token}/nprs-1/", {"pain": "6"}).url == f"/q/{token}/review/"
    assert client.post(f"/q/{token}/review/").status_code == 302
    response = OutcomeResponse.objects.get()
    assert response.created_by == therapist and not response.filled_by_client
    submitted = AuditEvent.objects.get(action="submit", patient=patient)
    assert submitted.actor == therapist
    assert submitted.summary.startswith("Therapist Tester completed the questionnaires")


@pytest.mark.parametrize("persona", ["front_desk", "outsider"])
def test_the_home_program_link_is_refused_to_staff_without_clinical_rights(  # type: ignore[no-untyped-def]
    request, client, therapist, patient, persona
):
    sheet = aftercare_for_session(actor=therapist, session=finished_session(therapist, patient))
    _link, token = home_link_create(actor=therapist, sheet=sheet)
    client.force_login(request.getfixturevalue(persona))
    path = reverse("portal:home_program", args=[token])
    assert client.get(path).status_code == 403
    today = patient.clinic.today().isoformat()
    assert client.post(path, {"item": "walk", "mark": f"{today}|1"}).status_code == 403
    assert not HomeProgramMark.objects.exists()


def test_a_home_program_day_marked_by_the_therapist_is_not_the_clients(client, therapist, patient):  # type: ignore[no-untyped-def]
    sheet = aftercare_for_session(actor=therapist, session=finished_session(therapist, patient))
    _link, token = home_link_create(actor=therapist, sheet=sheet)
    client.force_login(therapist)
    path = reverse("portal:home_program", args=[token])
    today = patient.clinic.today().isoformat()
    assert client.post(path, {"item": "walk", "mark": f"{today}|1"}).status_code == 302
    mark = HomeProgramMark.objects.get()
    assert not mark.filled_by_client
    assert AuditEvent.objects.get(action="update", patient=patient).actor == therapist
