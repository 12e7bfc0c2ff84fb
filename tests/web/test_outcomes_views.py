"""The therapist's forms and pages, the client's private link from start to finish, the API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from myomap.common.links import hash_token
from myomap.common.models import AuditEvent, PrivateLink
from myomap.outcomes.models import OutcomeResponse, QuestionnaireLink
from myomap.outcomes.services import link_create, response_record
from tests.web.test_outcomes_helpers import ODI_SECTIONS, odi_answers, odi_for_percent

pytestmark = pytest.mark.django_db


def test_the_therapist_records_an_odi_with_a_skipped_section(therapist_client, patient):
    url = reverse("outcomes:record", args=[patient.pk, "odi"])
    page = therapist_client.get(url)
    assert page.status_code == 200
    assert "Pain intensity" in page.content.decode()
    data = {s: v for s, v in odi_answers(2, 2, 2, 2, 2, 2, 2, None, 1, 1).items()}
    data["session_number"] = "0"
    response = therapist_client.post(url, data, follow=True)
    assert "ODI recorded: 35.6 % (moderate)." in response.content.decode()
    stored = OutcomeResponse.objects.get()
    assert stored.skipped == ["sex_life"] and stored.created_by.username == "therapist"
    assert not stored.filled_by_client


def test_too_many_skipped_odi_sections_ask_for_completion(therapist_client, patient):
    url = reverse("outcomes:record", args=[patient.pk, "odi"])
    data = odi_answers(2, 2, 2, 2, 2, 2, 2, None, None, None) | {"session_number": "0"}
    response = therapist_client.post(url, data)
    assert response.status_code == 400
    assert "3 of 10 sections were skipped" in response.content.decode()
    assert not OutcomeResponse.objects.exists()


def test_a_form_error_names_the_item(therapist_client, patient):
    url = reverse("outcomes:record", args=[patient.pk, "nprs"])
    response = therapist_client.post(url, {"session_number": "0"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "How strong is your pain right now?" in text  # the item, in the error summary
    assert "the pain rating was not given" in text
    response = therapist_client.post(url, {"pain": "11", "session_number": "0"})
    assert response.status_code == 400
    assert "Select a valid choice. 11 is not one of the available choices." in (
        response.content.decode()
    )
    assert not OutcomeResponse.objects.exists()


def test_the_psfs_form_shows_last_times_activities_to_re_rate(therapist_client, therapist, patient):
    response_record(
        actor=therapist,
        patient=patient,
        instrument="psfs",
        answers={"activity_1": {"activity": "Kneeling in the garden", "rating": 2}},
    )
    page = therapist_client.get(reverse("outcomes:record", args=[patient.pk, "psfs"]))
    assert 'value="Kneeling in the garden"' in page.content.decode()
    response = therapist_client.post(
        reverse("outcomes:record", args=[patient.pk, "psfs"]),
        {"activity_1_name": "Kneeling in the garden", "activity_1": "6", "session_number": "2"},
    )
    assert response.status_code == 302
    latest = OutcomeResponse.objects.latest("id")
    assert latest.answers == {"activity_1": {"activity": "Kneeling in the garden", "rating": 6}}
    assert latest.score_display == "6.0"


def test_a_rated_activity_needs_its_name(therapist_client, patient):
    response = therapist_client.post(
        reverse("outcomes:record", args=[patient.pk, "psfs"]),
        {"activity_1": "6", "session_number": "0"},
    )
    assert response.status_code == 400
    assert "Name the activity you rated." in response.content.decode()


def _create_link(client, patient, instruments=("odi",)):
    response = client.post(
        reverse("outcomes:link_create", args=[patient.pk]),
        {"instruments": list(instruments), "session_number": "2", "create": "1"},
    )
    assert response.status_code == 200
    url = re.search(r'id="questionnaire-url"[^>]*value="([^"]+)"', response.content.decode())[1]
    return url.split("/q/")[1].strip("/"), url


def test_the_link_lifecycle_fill_resume_submit_close(client, therapist_client, patient):
    token, url = _create_link(therapist_client, patient, ("nprs", "odi"))
    assert url == f"http://testserver/q/{token}/" and len(token) >= 40
    link = QuestionnaireLink.objects.get()
    assert link.private.token_hash == hash_token(token)
    assert token not in str(PrivateLink.objects.values().get())
    client.logout()
    welcome = client.get(f"/q/{token}/")
    assert welcome.status_code == 200 and "Hello Maria" in welcome.content.decode()
    assert f"/q/{token}/nprs-1/" in welcome.content.decode()
    # The pain rating, then the first ODI sections; autosave keeps a half-done screen.
    assert client.post(f"/q/{token}/nprs-1/", {"pain": "6"}).url == f"/q/{token}/odi-1/"
    for number, section in enumerate(ODI_SECTIONS[:4], start=1):
        client.post(f"/q/{token}/odi-{number}/", {section: "2"})
    saved = client.post(f"/q/{token}/odi-5/?autosave=1", {"sitting": "3"})
    assert saved.json() == {"saved": True}
    # Coming back with the same link resumes after the last answered screen.
    again = client.get(f"/q/{token}/")
    assert "Continue where you left off" in again.content.decode()
    assert f"/q/{token}/odi-6/" in again.content.decode()
    page = client.get(f"/q/{token}/odi-5/").content.decode()
    checked = re.search(r'<input[^>]*name="sitting"[^>]*checked[^>]*>', page)
    assert checked and 'value="3"' in checked[0]
    for number, section in enumerate(ODI_SECTIONS[5:], start=6):
        last = client.post(f"/q/{token}/odi-{number}/", {section: "1"})
    assert last.url == f"/q/{token}/review/"
    done = client.post(f"/q/{token}/review/")
    assert done.url == f"/q/{token}/done/"
    assert "Thank you" in client.get(done.url).content.decode()
    odi = OutcomeResponse.objects.get(instrument="odi")
    assert odi.filled_by_client and odi.session_number == 2 and odi.created_by is None
    assert odi.score_display == "32.0"  # (4x2 + 3 + 5x1) / 50
    assert OutcomeResponse.objects.get(instrument="nprs").score_display == "6"
    # Closed once submitted.
    assert client.get(f"/q/{token}/").status_code == 404
    assert client.post(f"/q/{token}/nprs-1/", {"pain": "1"}).status_code == 404
    summaries = list(AuditEvent.objects.values_list("summary", flat=True))
    assert any(
        s.startswith("The client completed the questionnaires: NPRS 6/10, ODI 32.0 %")
        for s in summaries
    )
    assert not AuditEvent.objects.filter(path__contains=token).exists()


def test_an_incomplete_odi_on_the_link_asks_the_client_to_complete_it(client, therapist, patient):
    _, token = link_create(actor=therapist, patient=patient, instruments=["odi"])
    for number, section in enumerate(ODI_SECTIONS[:7], start=1):
        client.post(f"/q/{token}/odi-{number}/", {section: "2"})
    response = client.post(f"/q/{token}/review/")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Please complete this questionnaire before sending" in text
    assert "3 of 10 sections were skipped" in text
    assert f"/q/{token}/odi-8/" in text  # a link to the first unanswered section
    assert not OutcomeResponse.objects.exists()
    assert QuestionnaireLink.objects.get().private.submitted_at is None


def test_expired_revoked_and_archived_links_do_not_open(
    client, therapist_client, therapist, patient
):
    link, token = link_create(actor=therapist, patient=patient, instruments=["nprs"])
    assert client.get(f"/q/{token}/").status_code == 200
    PrivateLink.objects.filter(pk=link.private_id).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert client.get(f"/q/{token}/").status_code == 404
    assert client.get(f"/q/{token}/nprs-1/").status_code == 404

    link, token = link_create(actor=therapist, patient=patient, instruments=["nprs"])
    revoke = reverse("outcomes:link_revoke", args=[patient.pk, link.pk])
    assert therapist_client.get(revoke).status_code == 405
    therapist_client.post(revoke)
    assert client.get(f"/q/{token}/").status_code == 404
    assert "does not open a questionnaire" in client.get(f"/q/{token}/").content.decode()

    link, token = link_create(actor=therapist, patient=patient, instruments=["nprs"])
    patient.archived_at = timezone.now()
    patient.save()
    assert client.get(f"/q/{token}/").status_code == 404
    assert client.get("/q/not-a-real-token/").status_code == 404


def test_the_client_page_card_shows_status_scores_and_charts(therapist_client, therapist, patient):
    page = therapist_client.get(reverse("chart:client", args=[patient.pk]))
    assert "Outcomes and progress" in page.content.decode()
    assert "take a baseline" in page.content.decode()
    for session, pain, odi in ((0, 8, 60), (3, 5, 40)):
        response_record(
            actor=therapist,
            patient=patient,
            instrument="nprs",
            answers={"pain": pain},
            session_number=session,
            taken_at=timezone.now() - timedelta(days=30 - 7 * session),
        )
        response_record(
            actor=therapist,
            patient=patient,
            instrument="odi",
            answers=odi_for_percent(odi),
            session_number=session,
            taken_at=timezone.now() - timedelta(days=30 - 7 * session),
        )
    text = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    assert "On track" in text
    assert "Moderate disability" in text
    assert "NPRS over sessions" in text and "<svg" in text
    assert "Fill in now" in text and "Send a link" in text


def test_the_front_desk_sees_no_outcomes(client, front_desk, therapist, patient):
    response_record(actor=therapist, patient=patient, instrument="nprs", answers={"pain": 6})
    client.force_login(front_desk)
    page = client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    assert "Outcomes and progress" not in page
    assert "<svg" not in page.split("Timeline")[0] and "Fill in now" not in page
    assert client.get(reverse("outcomes:progress", args=[patient.pk])).status_code == 403
    assert client.get(reverse("outcomes:dashboard")).status_code == 403
    assert client.get(f"/api/v1/clients/{patient.pk}/outcomes").status_code == 403


def test_the_api_reads_scores_and_status_and_records_a_response(therapist_client, patient):
    url = f"/api/v1/clients/{patient.pk}/outcomes"
    created = therapist_client.post(
        url,
        {
            "instrument": "odi",
            "answers": odi_answers(2, 2, 2, 2, 2, 2, 2, None, 1, 1),
            "session_number": 0,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (
        body["display"] == "35.6" and body["band"] == "moderate" and body["skipped"] == ["sex_life"]
    )
    bad = therapist_client.post(
        url,
        {"instrument": "odi", "answers": {"pain_intensity": 9}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    error = bad.json()["error"]
    assert error["field"] == "answers.pain_intensity"
    assert "0 to 5" in error["message"]
    unknown = therapist_client.post(
        url, {"instrument": "oswestry", "answers": {}}, content_type="application/json"
    )
    assert unknown.status_code == 400 and unknown.json()["error"]["field"] == "instrument"
    read = therapist_client.get(url).json()
    assert [r["display"] for r in read["responses"]] == ["35.6"]
    assert read["status"]["status"] == "baseline"
