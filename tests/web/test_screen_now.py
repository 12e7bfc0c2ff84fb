"""Screen now: the health checks asked in the room, from the page and the API; the dashboard's
blocked list; what the client page offers a held client."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from myomap.intake.models import Intake
from myomap.patients.services import patient_create
from myomap.screening.forms import HEALTH_CHECKS, answered_no_but
from myomap.screening.gate import Hold, treatment_gate
from myomap.screening.models import Screening
from tests.web.scoped.screening import emergency_answers, referral_answers, screen_client

pytestmark = pytest.mark.django_db


def test_an_unscreened_client_is_asked_the_health_checks_and_then_let_through(
    therapist_client, patient, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    url = reverse("screening:now", args=[patient.pk])
    with django_assert_max_num_queries(12):
        page = therapist_client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Hands-on work on hold" in text and "not been screened" in text
    assert 'name="saddle_numbness"' in text

    plan_page = reverse("chart:client", args=[patient.pk]) + "#plan-card"
    answered = therapist_client.post(url, {**answered_no_but({}, "female"), "next": plan_page})
    assert answered.status_code == 302 and answered.url == plan_page
    assert treatment_gate(patient).allowed
    intake = Intake.objects.get(patient=patient)  # opened for the answers, no intake before
    assert intake.answers[HEALTH_CHECKS]["saddle_numbness"] == "no"
    assert not intake.is_submitted


def test_an_emergency_answer_in_the_room_stays_on_the_page_with_its_instructions(
    therapist_client, patient
):  # type: ignore[no-untyped-def]
    url = reverse("screening:now", args=[patient.pk])
    data = answered_no_but(emergency_answers(), "female")
    answered = therapist_client.post(url, {**data, "next": "https://elsewhere.example/"})
    assert answered.status_code == 302
    assert answered.url.startswith(url)
    page = therapist_client.get(answered.url).content.decode()
    assert "Emergency: do not treat" in page
    assert "elsewhere.example" not in page  # a foreign next is never followed
    assert treatment_gate(patient).hold == Hold.EMERGENCY


def test_a_contradicting_follow_up_is_refused_naming_it_and_nothing_is_stored(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    screen_client(therapist, patient)
    before = Screening.objects.count()
    data = {**answered_no_but({}, "female"), "cancer_history": "no", "cancer_active": "yes"}
    refused = therapist_client.post(reverse("screening:now", args=[patient.pk]), data)
    assert refused.status_code == 400
    assert "cancer_active" in refused.content.decode()
    assert Screening.objects.count() == before
    intake = Intake.objects.get(patient=patient)
    assert intake.answers[HEALTH_CHECKS].get("cancer_active") is None


def test_the_api_saves_health_checks_and_answers_the_gate(therapist_client, patient):  # type: ignore[no-untyped-def]
    url = f"/api/v1/clients/{patient.pk}/health-checks"
    safety = therapist_client.get(f"/api/v1/clients/{patient.pk}/safety").json()
    assert safety["allowed"] is False and safety["hold"] == "not_screened"

    answers = {k: v == "yes" for k, v in answered_no_but(emergency_answers(), "female").items()}
    put = therapist_client.put(url, json.dumps({"answers": answers}), "application/json")
    assert put.status_code == 200, put.content
    assert put.json()["hold"] == "emergency" and put.json()["decision"] == "emergency"

    fine = {k: False for k in answers}
    assert therapist_client.put(url, json.dumps({"answers": fine}), "application/json").json()[
        "allowed"
    ]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"saddle_numbnes": "yes"}, "answers.saddle_numbnes"),
        (
            {"back_pain_over_3_months": "yes", "back_pain_start_age": 400},
            "answers.back_pain_start_age",
        ),
        ({"saddle_numbness": "perhaps"}, "answers.saddle_numbness"),
        ({"cancer_history": "no", "cancer_active": "yes"}, "answers.cancer_active"),
    ],
)
def test_bad_health_check_answers_are_refused_naming_the_question(
    therapist_client, therapist, patient, answers, field
):  # type: ignore[no-untyped-def]
    screen_client(therapist, patient)
    stored = Intake.objects.get(patient=patient).answers
    before = Screening.objects.count()
    put = therapist_client.put(
        f"/api/v1/clients/{patient.pk}/health-checks",
        json.dumps({"answers": answers}),
        "application/json",
    )
    assert put.status_code == 422, put.content
    assert put.json()["error"]["field"] == field
    assert Screening.objects.count() == before
    assert Intake.objects.get(patient=patient).answers == stored


def test_the_front_desk_cannot_screen(client, front_desk, patient):  # type: ignore[no-untyped-def]
    client.force_login(front_desk)
    assert client.get(reverse("screening:now", args=[patient.pk])).status_code == 403
    put = client.put(
        f"/api/v1/clients/{patient.pk}/health-checks",
        json.dumps({"answers": {}}),
        "application/json",
    )
    assert put.status_code == 403 and not Screening.objects.exists()


def test_the_dashboard_lists_held_clients_first_and_drops_the_baseline_for_an_emergency(
    therapist_client, therapist, patient, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    screen_client(therapist, patient, emergency_answers())
    referred = patient_create(
        actor=therapist,
        data={"first_name": "Tom", "last_name": "Reed", "date_of_birth": "1970-05-01"},
    )
    screen_client(therapist, referred, referral_answers())
    fresh = patient_create(
        actor=therapist,
        data={"first_name": "Ann", "last_name": "New", "date_of_birth": "1990-01-01"},
    )
    with django_assert_max_num_queries(20):
        page = therapist_client.get(reverse("outcomes:dashboard")).content.decode()
    held = page[page.index('id="dash-held"') : page.index('class="dash-grid"')]
    assert held.index("Maria Lopez") < held.index("Tom Reed") < held.index("Ann New")
    assert "Emergency" in held and "awaiting clearance" in held and "Not screened yet" in held
    due = page[page.index('id="dash-due"') :]
    due = due[: due.index("</section>")]
    assert "Maria Lopez" not in due, "no baseline questionnaire for a client in an emergency"
    assert fresh.full_name in due


def test_the_client_page_offers_no_assessment_to_a_held_client(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    page = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    card = page[page.index('id="assessment-card"') :]
    card = card[: card.index("</section>")]
    assert "Start an assessment" not in card and "screen now" in card
    assert "Treatment on hold: not screened yet" in page
    screen_client(therapist, patient)
    page = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    assert "Start an assessment" in page and "Treatment on hold" not in page


def test_the_api_reads_the_current_health_checks(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    empty = therapist_client.get(f"/api/v1/clients/{patient.pk}/health-checks").json()
    assert empty == {"intake_id": None, "answers": {}}
    screen_client(therapist, patient, emergency_answers())
    read = therapist_client.get(f"/api/v1/clients/{patient.pk}/health-checks").json()
    assert read["answers"]["saddle_numbness"] == "yes" and read["intake_id"] is not None


def test_the_safety_routes_have_query_ceilings(
    therapist_client, therapist, patient, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    screen_client(therapist, patient, referral_answers())
    with django_assert_max_num_queries(16):
        assert therapist_client.get(f"/api/v1/clients/{patient.pk}/safety").status_code == 200
    with django_assert_max_num_queries(12):
        read = therapist_client.get(f"/api/v1/clients/{patient.pk}/health-checks")
    assert read.status_code == 200
    data = {k: v == "yes" for k, v in answered_no_but({}, "female").items()}
    with django_assert_max_num_queries(40):
        put = therapist_client.put(
            f"/api/v1/clients/{patient.pk}/health-checks",
            json.dumps({"answers": data}),
            "application/json",
        )
    assert put.status_code == 200 and put.json()["allowed"]
