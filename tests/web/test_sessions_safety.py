"""Safety in an open session: the visit's check-in, the hold when a screening blocks, stopping
for safety (note and aftercare say so), and one open session per client."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.test import Client
from django.urls import reverse

from myomap.aftercare.services import aftercare_for_session
from myomap.common.models import AuditEvent
from myomap.notes.selectors import draft_for
from myomap.screening.models import Screening, ScreeningTrigger
from myomap.screening.services import screening_run
from myomap.sessions.models import (
    CheckIn,
    CheckInLink,
    SessionEvent,
    SessionStatus,
    TreatmentSession,
)
from myomap.sessions.services import SessionAlreadyOpen, session_start
from myomap_core.screening import Decision
from tests.web.scoped.screening import emergency_answers
from tests.web.scoped.sessions import check_in, make_plan, screen_clear

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def tap(seq: int, kind: str, step: int | None = None, value: float | None = None) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "seq": seq, "kind": kind, "step": step,
            "value": value, "at": T0.isoformat(), "text": ""}  # fmt: skip


def post(client: Any, session: TreatmentSession, name: str, data: Any) -> Any:
    url = reverse(f"sessions:{name}", args=[session.patient_id, session.pk])
    if name == "events":
        return client.post(url, data=json.dumps({"events": data}), content_type="application/json")
    return client.post(url, data)


@pytest.fixture
def screened(therapist, patient):  # type: ignore[no-untyped-def]
    return screen_clear(therapist, patient)


@pytest.fixture
def session(therapist, patient, screened):  # type: ignore[no-untyped-def]
    make_plan(therapist, patient)
    return session_start(actor=therapist, patient=patient)


def emergency(therapist: Any, patient: Any) -> Screening:
    screening = screening_run(patient=patient, answers=emergency_answers(), actor=therapist,
                              trigger=ScreeningTrigger.EDIT)  # fmt: skip
    assert screening.decision == Decision.EMERGENCY
    return screening


# --- The check-in ---------------------------------------------------------------------------


def test_the_guide_starts_with_the_check_in_and_no_changes_is_one_tap(
    therapist_client, session, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    guide = reverse("sessions:guide", args=[session.patient_id, session.pk])
    with django_assert_max_num_queries(40):
        page = therapist_client.get(guide).content.decode()
    assert 'id="checkin-h">Check-in<' in page and "saddle" in page
    assert 'data-stage="1"' not in page  # no step before the check-in
    refused = post(therapist_client, session, "events", [tap(1, "step_started", 1)])
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "checkin_required"

    response = post(therapist_client, session, "checkin",
                    {"pain_now": "6", "changes": "Slept badly", "none_of_these": "1"})  # fmt: skip
    assert response.status_code == 302 and response.url == guide
    visit = CheckIn.objects.get(session=session)
    assert visit.pain_now == 6 and visit.changes == "Slept badly" and visit.via == "tablet"
    assert set(visit.safety.values()) == {"no"} and "saddle_numbness" in visit.safety
    assert "pregnant" in visit.safety  # Maria is female: asked
    session.refresh_from_db()
    assert session.pain_before == 6
    assert Screening.objects.filter(patient=session.patient).count() == 1  # no yes: no re-run
    assert AuditEvent.objects.filter(object_type="CheckIn", object_id=str(visit.pk)).exists()
    page = therapist_client.get(guide).content.decode()
    assert "Check-in:" in page and "no new warning signs" in page
    assert post(therapist_client, session, "events", [tap(1, "step_started", 1)]).status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"pain_now": "11", "none_of_these": "1"}, "pain_now"),
        ({"none_of_these": "1"}, "pain_now"),
        ({"pain_now": "3"}, "safety.bladder_change"),
        ({"pain_now": "3", "safety.fever": "yes", "none_of_these": "1"}, "safety.fever"),
        ({"pain_now": "3", "safety.fever": "maybe", "none_of_these": "1"}, "safety.fever"),
        ({"pain_now": "3", "response": "better", "none_of_these": "1"}, "response"),
    ],
)
def test_bad_check_ins_are_refused_naming_the_field_and_nothing_is_saved(
    therapist_client, session, data, field
):  # type: ignore[no-untyped-def]
    response = post(therapist_client, session, "checkin", data)
    assert response.status_code == 302
    page = therapist_client.get(response.url).content.decode()
    assert "Check-in not saved" in page and field in page
    assert not CheckIn.objects.exists() and not SessionEvent.objects.exists()
    assert Screening.objects.count() == 1


def test_the_api_names_an_unknown_question_and_a_question_not_asked(
    therapist_client, therapist, patient, session
):  # type: ignore[no-untyped-def]
    url = f"/api/v1/clients/{patient.pk}/sessions/{session.pk}/checkin"
    bad = therapist_client.post(url, data={"pain_now": 2, "safety": {"sadle": "no"}},
                                content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "safety.sadle"
    patient.sex = "male"
    patient.save()
    male = therapist_client.post(url, data={"pain_now": 2, "safety": {"pregnant": "no"}},
                                 content_type="application/json")  # fmt: skip
    assert male.status_code == 400 and male.json()["error"]["field"] == "safety.pregnant"
    assert "not asked" in male.json()["error"]["message"]
    assert not CheckIn.objects.exists()


def test_a_yes_re_screens_at_once_and_holds_the_session(
    therapist_client, therapist, patient, session
):  # type: ignore[no-untyped-def]
    response = post(therapist_client, session, "checkin",
                    {"pain_now": "4", "safety.saddle_numbness": "yes", **{
                        f"safety.{q}": "no" for q in ("bladder_change", "bowel_change",
                        "new_weakness", "both_legs_weak", "fever", "minor_fall", "serious_injury",
                        "blood_thinner", "steroids", "cancer_diagnosis", "pregnant")}})  # fmt: skip
    assert response.status_code == 302
    visit = CheckIn.objects.get(session=session)
    assert visit.safety["saddle_numbness"] == "yes" and visit.answers_changed == ["saddle_numbness"]
    latest = Screening.objects.filter(patient=patient).first()
    assert latest == visit.screening and latest.trigger == "checkin"
    assert latest.decision == Decision.EMERGENCY
    intake = latest.intake
    assert intake.answers["screening"]["saddle_numbness"] == "yes"
    assert intake.answers["screening"]["fever"] == "no"  # the rest kept as they were
    page = therapist_client.get(response.url).content.decode()
    assert "Treatment on hold" in page and "Stop session for safety" in page
    card = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    assert "Latest check-in" in card and "Reported: saddle numbness" in card


def test_a_no_never_erases_an_earlier_yes(therapist, patient, session):  # type: ignore[no-untyped-def]
    intake = Screening.objects.get(patient=patient).intake
    intake.answers = {"screening": {**intake.answers["screening"], "anticoagulant": "yes"}}
    intake.save()
    check_in(therapist, session, none_of_these=False,
             safety={"blood_thinner": "no", "fever": "yes"} | {
                 q: "no" for q in ("bladder_change", "bowel_change", "saddle_numbness",
                 "new_weakness", "both_legs_weak", "minor_fall", "serious_injury", "steroids",
                 "cancer_diagnosis", "pregnant")})  # fmt: skip
    intake.refresh_from_db()
    assert intake.answers["screening"]["anticoagulant"] == "yes"
    assert intake.answers["screening"]["fever"] == "yes"


# --- On hold, and stopped for safety ------------------------------------------------------------


def test_a_blocking_screening_holds_an_open_session_until_it_is_stopped(
    therapist_client, therapist, patient, session, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    check_in(therapist, session)
    assert post(therapist_client, session, "events", [tap(1, "step_started", 1)]).status_code == 200
    screening = emergency(therapist, patient)

    status_url = reverse("sessions:status", args=[patient.pk, session.pk])
    with django_assert_max_num_queries(16):
        status = therapist_client.get(status_url).json()
    assert status["on_hold"] and status["hold"]["screening"]["decision"] == "emergency"

    refused = post(therapist_client, session, "events", [tap(2, "discomfort", 1, 4)])
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "on_hold" and error["screening"]["id"] == screening.pk
    assert error["screening"]["date"] and error["screening"]["decision_label"] == "Emergency"
    assert "emergency" in error["do_now"].lower()
    assert SessionEvent.objects.filter(session=session, seq=2).count() == 0
    api = therapist_client.post(
        f"/api/v1/clients/{patient.pk}/sessions/{session.pk}/events",
        data={"events": [tap(2, "released", 1)]}, content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 409 and api.json()["error"]["code"] == "on_hold"

    finish = therapist_client.post(reverse("sessions:finish", args=[patient.pk, session.pk]))
    assert finish.status_code == 302
    api_finish = therapist_client.post(f"/api/v1/clients/{patient.pk}/sessions/{session.pk}/finish")
    assert api_finish.status_code == 409
    session.refresh_from_db()
    assert session.status == SessionStatus.IN_PROGRESS

    stopped = post(therapist_client, session, "stop", {"note": "Told to go to A&E now."})
    assert stopped.status_code == 302
    session.refresh_from_db()
    assert session.status == "stopped_for_safety" and session.stopped_by == therapist
    assert session.stopped_at is not None and session.stop_screening == screening
    assert "Emergency" in session.stop_reason and "A&E" in session.stop_reason
    assert session.stop_advice == Decision.EMERGENCY.instruction
    assert AuditEvent.objects.filter(summary__startswith="Stopped treatment session 1").exists()
    assert (
        post(therapist_client, session, "events", [tap(3, "pain_after", None, 3)]).status_code
        == 409
    )

    detail = therapist_client.get(reverse("sessions:detail", args=[patient.pk, session.pk]))
    assert 'id="stopped-banner"' in detail.content.decode()
    api_session = therapist_client.get(f"/api/v1/clients/{patient.pk}/sessions/{session.pk}")
    assert api_session.json()["status"] == "stopped_for_safety"
    assert api_session.json()["checkin"]["pain_now"] == 5

    draft = draft_for(session)
    assert "Session stopped for safety at" in draft.objective
    assert "Treatment was stopped for safety" in draft.plan
    assert "The client was told: Do not treat. Send the client to hospital" in draft.plan
    assert "3–5 sessions" not in draft.plan and "Next: session" not in draft.plan
    assert "answered no to each" in draft.subjective

    sheet = aftercare_for_session(actor=therapist, session=session)
    text = json.dumps(sheet.content)
    assert "stopped today for your safety" in text and "emergency department" in text
    assert "3–5" not in text and not sheet.content["home_program"]


def test_stopping_without_a_hold_needs_a_reason(therapist_client, therapist, session):  # type: ignore[no-untyped-def]
    response = post(therapist_client, session, "stop", {"note": ""})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_open
    post(therapist_client, session, "stop", {"note": "Client felt faint"})
    session.refresh_from_db()
    assert session.is_stopped and session.stop_reason == "Therapist: Client felt faint"


def test_front_desk_is_refused_the_check_in_status_and_stop(client, front_desk, session):  # type: ignore[no-untyped-def]
    client.force_login(front_desk)
    for name in ("checkin", "stop"):
        assert post(client, session, name, {"pain_now": "2"}).status_code == 403
    status = client.get(reverse("sessions:status", args=[session.patient_id, session.pk]))
    assert status.status_code == 403
    link = client.post(reverse("sessions:checkin_link", args=[session.patient_id]))
    assert link.status_code == 403
    assert not CheckIn.objects.exists() and session.is_open and not CheckInLink.objects.exists()


# --- One open session per client ------------------------------------------------------------


def test_one_open_session_per_client(therapist_client, therapist, patient, session):  # type: ignore[no-untyped-def]
    assert session_start(actor=therapist, patient=patient) == session
    api = therapist_client.post(f"/api/v1/clients/{patient.pk}/sessions",
                                data={}, content_type="application/json")  # fmt: skip
    assert api.status_code == 200 and api.json()["id"] == session.pk
    other_plan = make_plan(therapist, patient)
    refused = therapist_client.post(f"/api/v1/clients/{patient.pk}/sessions",
                                    data={"plan_id": other_plan.pk},
                                    content_type="application/json")  # fmt: skip
    assert refused.status_code == 409
    assert refused.json()["open_session"]["url"].endswith(f"/sessions/{session.pk}/guide/")
    with pytest.raises(SessionAlreadyOpen):
        session_start(actor=therapist, patient=patient, plan=other_plan)
    second = TreatmentSession(clinic=patient.clinic, patient=patient, number=2,
                              started_at=session.started_at, therapist=therapist)  # fmt: skip
    with pytest.raises(ValidationError, match="already has a session in progress"):
        second.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    assert TreatmentSession.objects.filter(patient=patient).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_starts_give_one_session(therapist, patient):  # type: ignore[no-untyped-def]
    make_plan(therapist, patient)
    screen_clear(therapist, patient)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def start() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(session_start(actor=therapist, patient=patient).pk)
        except SessionAlreadyOpen as exc:
            results.append(("refused", exc.session.pk))
        except Exception as exc:
            results.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    only = TreatmentSession.objects.get(patient=patient)
    assert len(results) == 2, results
    assert all(r == only.pk or r == ("refused", only.pk) for r in results), results


# --- The check-in sent ahead on the client's private link -----------------------------------


def _link(therapist_client: Any, patient: Any) -> str:
    page = therapist_client.post(reverse("sessions:checkin_link", args=[patient.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    start = html.index('id="checkin-url" type="text" readonly value="') + 46
    return html[start : html.index('"', start)]


def test_the_client_answers_ahead_and_the_next_session_starts_checked_in(
    client, therapist_client, therapist, patient, screened, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    make_plan(therapist, patient)
    url = _link(therapist_client, patient)
    client = Client()  # the client's phone: nobody logged in
    link = CheckInLink.objects.get(private__patient=patient)
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert token not in link.private.token_hash and len(link.private.token_hash) == 64
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200 and "saddle" in page.content.decode()

    bad = client.post(url, {"pain_now": "12", "none_of_these": "1"})
    assert bad.status_code == 400 and "pain_now" in bad.content.decode()
    assert not CheckIn.objects.exists()

    done = client.post(url, {"pain_now": "3", "changes": "Better week", "none_of_these": "1"})
    assert done.status_code == 302
    ahead = CheckIn.objects.get()
    assert ahead.via == "link" and ahead.session is None and ahead.recorded_by is None
    assert client.get(url).status_code == 404  # answered once: the link closes

    session = session_start(actor=therapist, patient=patient)
    ahead.refresh_from_db()
    assert ahead.session == session
    session.refresh_from_db()
    assert session.pain_before == 3
    guide = therapist_client.get(reverse("sessions:guide", args=[patient.pk, session.pk]))
    assert 'id="checkin-h"' not in guide.content.decode()


def test_a_yes_on_the_link_holds_the_open_session(
    client, therapist_client, therapist, patient, session
):  # type: ignore[no-untyped-def]
    check_in(therapist, session)
    url = _link(therapist_client, patient)
    client = Client()  # the client's phone: nobody logged in
    answers = {f"safety.{q}": "no" for q in ("bladder_change", "bowel_change", "new_weakness",
               "both_legs_weak", "fever", "minor_fall", "serious_injury", "blood_thinner",
               "steroids", "cancer_diagnosis", "pregnant")}  # fmt: skip
    response = client.post(url, {"pain_now": "5", "response": "worse", "soreness": "none",
                                 "safety.saddle_numbness": "yes", **answers})  # fmt: skip
    assert response.status_code == 302
    latest = Screening.objects.filter(patient=patient).first()
    assert latest.trigger == "checkin" and latest.decision == Decision.EMERGENCY
    assert latest.created_by is None
    status = therapist_client.get(reverse("sessions:status", args=[patient.pk, session.pk]))
    assert status.json()["on_hold"]


def test_a_revoked_link_no_longer_opens(client, therapist_client, patient, screened):  # type: ignore[no-untyped-def]
    url = _link(therapist_client, patient)
    link = CheckInLink.objects.get(private__patient=patient)
    card = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    assert reverse("sessions:checkin_link_revoke", args=[patient.pk, link.pk]) in card
    therapist_client.post(reverse("sessions:checkin_link_revoke", args=[patient.pk, link.pk]))
    assert client.get(url).status_code == 404
    assert client.post(url, {"pain_now": "3", "none_of_these": "1"}).status_code == 404
    assert not CheckIn.objects.exists()


def test_the_front_desk_is_refused_on_the_check_in_link(
    client, therapist_client, front_desk, patient, screened
):  # type: ignore[no-untyped-def]
    url = _link(therapist_client, patient)
    desk = Client()
    desk.force_login(front_desk)
    assert desk.get(url).status_code == 403
    assert desk.post(url, {"pain_now": "3", "none_of_these": "1"}).status_code == 403
    assert not CheckIn.objects.exists()
