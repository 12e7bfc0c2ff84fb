"""Treatment sessions: start after the safety gate, the guide's taps stored once each,
finished and foreign sessions refused, the summary, the card and the API."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse

from myomap.common.models import AuditEvent
from myomap.patients.selectors import patient_timeline
from myomap.sessions.models import SessionEvent, SessionStep, TreatmentSession
from myomap.sessions.services import session_finish, session_start
from myomap_core.screening import Decision
from tests.web.scoped.screening import answers_with, referral_answers, screen_client
from tests.web.scoped.sessions import check_in, make_plan, screen_clear

pytestmark = pytest.mark.usefixtures("screened")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def tap(seq: int, kind: str, step: int | None = None, value: float | None = None) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "seq": seq,
        "kind": kind,
        "step": step,
        "value": value,
        "at": (T0 + timedelta(seconds=seq)).isoformat(),
        "text": "",
    }


def taps_of(session: TreatmentSession) -> Any:
    """The guide's taps, without the check-in's pain rating (``seq`` 0)."""
    return SessionEvent.objects.filter(session=session, seq__gt=0)


def post_events(client: Any, session: TreatmentSession, events: list[dict[str, Any]]) -> Any:
    return client.post(
        reverse("sessions:events", args=[session.patient_id, session.pk]),
        data=json.dumps({"events": events}),
        content_type="application/json",
    )


@pytest.fixture(autouse=True)
def screened(therapist, patient):  # type: ignore[no-untyped-def]
    """Every client treated here has a current screening that allows treatment."""
    return screen_clear(therapist, patient)


@pytest.fixture
def plan(therapist, patient):  # type: ignore[no-untyped-def]
    return make_plan(therapist, patient)


@pytest.fixture
def session(therapist, patient, plan):  # type: ignore[no-untyped-def]
    started = session_start(actor=therapist, patient=patient)
    check_in(therapist, started)
    started.refresh_from_db()
    return started


# --- Starting ----------------------------------------------------------------------------


def test_start_copies_the_plan_steps_in_order_and_numbers_sessions(therapist_client, patient, plan):  # type: ignore[no-untyped-def]
    response = therapist_client.post(reverse("sessions:start", args=[patient.pk]))
    session = TreatmentSession.objects.get(patient=patient)
    assert response.status_code == 302
    assert response.url == reverse("sessions:guide", args=[patient.pk, session.pk])
    assert session.number == 1 and session.plan == plan and not session.is_finished
    steps = list(session.steps.order_by("order"))
    assert [(s.order, s.muscle_id, s.trigger_point, s.side, s.hold_s) for s in steps] == [
        (1, "upper_trapezius", "trp1", "left", 60),
        (2, "levator_scapulae", "lower", "left", 45),
        (3, "infraspinatus", "below_spine", "right", 90),
    ]
    assert steps[0].pressure_min_kg == 2.7 and steps[0].contact == "pincer"
    assert all(s.status == "pending" for s in steps)
    summaries = [e.summary for e in patient_timeline(patient=patient)]
    assert "Started treatment session 1 for Maria Lopez (3 steps from the plan)" in summaries

    again = therapist_client.post(reverse("sessions:start", args=[patient.pk]))
    assert again.url == response.url  # a second click opens the same session
    assert list(TreatmentSession.objects.values_list("number", flat=True)) == [1]
    session_finish(actor=session.therapist, session=session)
    therapist_client.post(reverse("sessions:start", args=[patient.pk]))
    assert sorted(TreatmentSession.objects.values_list("number", flat=True)) == [1, 2]


def test_a_referral_without_clearance_blocks_the_start_with_its_reason(
    therapist_client, therapist, patient, plan
):  # type: ignore[no-untyped-def]
    screen_client(therapist, patient, referral_answers())
    response = therapist_client.post(reverse("sessions:start", args=[patient.pk]), follow=True)
    assert not TreatmentSession.objects.exists()
    page = response.content.decode()
    assert "Not done: hands-on work is on hold" in page and "Treatment is blocked" in page
    page = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    card = page[page.index('id="sessions-card"') :]
    assert "Treatment on hold." in card[: card.index("</section>")]
    assert reverse("sessions:start", args=[patient.pk]) not in card[: card.index("</section>")]

    api = therapist_client.post(
        f"/api/v1/clients/{patient.pk}/sessions", data={}, content_type="application/json"
    )
    assert api.status_code == 403
    assert "Treatment is blocked" in api.json()["error"]["message"]
    assert not TreatmentSession.objects.exists()


def test_a_session_without_a_plan_still_records_pain(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    session = session_start(actor=therapist, patient=patient)
    assert session.steps.count() == 0
    check_in(therapist, session)
    assert (
        post_events(therapist_client, session, [tap(1, "pain_before", value=6)]).status_code == 200
    )
    refused = post_events(therapist_client, session, [tap(2, "discomfort", 1, 3)])
    assert refused.status_code == 400 and refused.json()["error"]["index"] == 0
    session.refresh_from_db()
    assert session.pain_before == 6


# --- Taps --------------------------------------------------------------------------------


def test_repeated_sends_store_each_tap_once(therapist_client, session):  # type: ignore[no-untyped-def]
    batch = [
        tap(1, "pain_before", value=6),
        tap(2, "timer_started", 1, 60),
        tap(3, "discomfort", 1, 4),
        tap(4, "timer_done", 1, 60),
        tap(5, "released", 1),
    ]
    first = post_events(therapist_client, session, batch[:3])
    assert first.status_code == 200
    assert first.json()["accepted"] == [e["event_id"] for e in batch[:3]]
    # The tablet lost the answer and sends everything again, with the rest, twice.
    again = post_events(therapist_client, session, batch + batch[::-1])
    assert again.status_code == 200
    assert sorted(again.json()["accepted"]) == sorted(e["event_id"] for e in batch[3:])
    assert sorted(again.json()["duplicates"]) == sorted(e["event_id"] for e in batch)
    assert taps_of(session).count() == 5
    step = session.steps.get(order=1)
    assert (step.status, step.released, step.hold_s_total, step.discomfort_max) == (
        "done", True, 60, 4,
    )  # fmt: skip
    assert again.json()["summary"]["current_step"] == 2  # the outcome moves on
    assert again.json()["summary"]["steps"][0]["outcome"] == "released"
    assert again.json()["summary"]["steps"][0]["holds"] == [60]


def test_the_same_id_with_other_content_is_refused(therapist_client, session):  # type: ignore[no-untyped-def]
    first = tap(1, "discomfort", 1, 4)
    post_events(therapist_client, session, [first])
    response = post_events(therapist_client, session, [{**first, "value": 9}])
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "events[0].event_id"
    assert session.steps.get(order=1).discomfort_max == 4


def test_bad_taps_are_refused_naming_the_event(therapist_client, session):  # type: ignore[no-untyped-def]
    response = post_events(
        therapist_client, session, [tap(1, "twitch", 1), tap(2, "discomfort", 1, 12)]
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "events[1].value" and error["index"] == 1
    assert not taps_of(session).exists()
    beyond = post_events(therapist_client, session, [tap(1, "twitch", 4)])
    assert beyond.json()["error"]["field"] == "events[0].step"


def test_discomfort_seven_is_recorded_with_an_ease_off(therapist_client, session):  # type: ignore[no-untyped-def]
    post_events(
        therapist_client,
        session,
        [
            tap(1, "discomfort", 2, 4),
            tap(2, "discomfort", 2, 7),
            tap(3, "eased_off", 2),
            tap(4, "discomfort", 2, 5),
        ],
    )
    step = SessionStep.objects.get(session=session, order=2)
    assert (step.discomfort_max, step.ease_off_count) == (7, 1)
    assert step.discomfort_readings == [4, 7, 5]
    detail = therapist_client.get(reverse("sessions:detail", args=[session.patient_id, session.pk]))
    page = detail.content.decode()
    assert '<span class="reading-high" title="Ease off">7</span>' in page
    assert "1 ease-off warning" in page
    assert "Discomfort 7/10 at step 2 (Levator scapulae (left)" in page
    latest = AuditEvent.objects.filter(object_type="SessionEvent").latest("id")
    assert "discomfort 7/10 at step 2" in latest.summary and "ease off" in latest.summary
    assert latest.patient_id == session.patient_id
    # The taps stay in the audit log; the client's timeline sums the session up instead.
    assert latest.summary not in [e.summary for e in patient_timeline(patient=session.patient)]


def test_pain_before_and_after_are_stored_and_finish_leads_to_the_note(therapist_client, session):  # type: ignore[no-untyped-def]
    post_events(
        therapist_client, session, [tap(1, "pain_before", value=7), tap(2, "pain_after", value=3)]
    )
    session.refresh_from_db()
    assert (session.pain_before, session.pain_after) == (7, 3)
    response = therapist_client.post(
        reverse("sessions:finish", args=[session.patient_id, session.pk])
    )
    session.refresh_from_db()
    assert session.is_finished and session.finished_at is not None
    note_url = reverse("notes:session_note", args=[session.patient_id, session.pk])
    assert response.status_code == 302 and response.url == note_url
    detail = therapist_client.get(reverse("sessions:detail", args=[session.patient_id, session.pk]))
    assert note_url in detail.content.decode()
    aftercare = reverse("aftercare:sheet", args=[session.patient_id, session.pk])
    assert aftercare in detail.content.decode()
    assert (
        "Finished treatment session 1 for Maria Lopez: 0 of 3 steps done, 0 skipped; pain 7→3/10"
        in [e.summary for e in patient_timeline(patient=session.patient)]
    )


def test_a_finished_session_refuses_taps(therapist_client, therapist, session):  # type: ignore[no-untyped-def]
    session_finish(actor=therapist, session=session)
    response = post_events(therapist_client, session, [tap(1, "discomfort", 1, 3)])
    assert response.status_code == 409
    assert "was finished" in response.json()["error"]["message"]
    assert not taps_of(session).exists()
    form = therapist_client.post(
        reverse("sessions:events", args=[session.patient_id, session.pk]),
        {"kind": "discomfort", "step": "1", "value": "3"}, follow=True,
    )  # fmt: skip
    assert "it takes no more entries" in form.content.decode()
    api = therapist_client.post(
        f"/api/v1/clients/{session.patient_id}/sessions/{session.pk}/events",
        data=json.dumps({"events": [tap(1, "twitch", 1)]}), content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 409 and api.json()["error"]["code"] == "finished"


def test_a_foreign_session_is_not_found(
    client, therapist_client, outsider, therapist, patient, session
):  # type: ignore[no-untyped-def]
    from myomap.patients.services import patient_create

    other = patient_create(
        actor=therapist,
        data={
            "first_name": "James",
            "last_name": "Okafor",
            "sex": "male",
            "date_of_birth": date(1975, 5, 2),
        },
    )
    # The right session under another client's address: not found, nothing stored.
    wrong = reverse("sessions:events", args=[other.pk, session.pk])
    response = therapist_client.post(
        wrong, data=json.dumps({"events": [tap(1, "twitch", 1)]}), content_type="application/json"
    )
    assert response.status_code == 404
    client.force_login(outsider)
    response = post_events(client, session, [tap(1, "twitch", 1)])
    assert response.status_code == 404
    assert not SessionEvent.objects.filter(seq__gt=0).exists()


# --- Pages -------------------------------------------------------------------------------


def test_the_guide_shows_precautions_the_step_and_its_chart(
    therapist_client, therapist, patient, session
):  # type: ignore[no-untyped-def]
    screen_client(therapist, patient, answers_with(Decision.TREAT_WITH_PRECAUTIONS))
    page = therapist_client.get(reverse("sessions:guide", args=[patient.pk, session.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="guide-precautions guide-precautions-some"' in html
    assert "Keep discomfort at 5/10 or below." in html
    assert "Pain right now, 0 to 10" in html  # the session opens on the pain rating
    assert "Upper trapezius" in html and "Anterior vertical fibres (TrP1)" in html
    assert "2.7–4.5 kg (6–10 lb) · pincer" in html
    assert "Hold 60 s, then release" in html
    assert 'class="region pattern-' not in html.split('data-stage="1"')[0]
    assert 'role="alert"' in html and "Ease off" in html
    assert "sessions/guide.js" in html
    assert 'class="topnav"' not in html  # no site navigation beside the table


def test_the_guide_works_without_its_script(therapist_client, session):  # type: ignore[no-untyped-def]
    url = reverse("sessions:events", args=[session.patient_id, session.pk])
    guide = reverse("sessions:guide", args=[session.patient_id, session.pk])
    response = therapist_client.post(url, {"kind": "pain_before", "value": "5"})
    assert response.status_code == 302 and response.url == guide
    page = therapist_client.get(guide).content.decode()
    assert '<section class="g-stage stage-step" data-stage="1" aria' in page  # step 1 open
    assert 'class="region pattern-site"' in page  # its trigger point on the chart
    therapist_client.post(url, {"kind": "discomfort", "step": "1", "value": "7"})
    response = therapist_client.post(url, {"kind": "released", "step": "1"})
    page = therapist_client.get(response.url).content.decode()
    assert '<section class="g-stage stage-step" data-stage="2" aria' in page  # moves on
    page = therapist_client.get(f"{guide}?step=1").content.decode()  # Back
    assert 'data-outcome="released" aria-pressed="true"' in page
    response = therapist_client.post(url, {"kind": "step_done", "step": "1"})
    page = therapist_client.get(response.url).content.decode()
    assert '<section class="g-stage stage-step" data-stage="2" aria' in page
    alert = page[page.index('id="ease-off"') :][:200]
    assert " hidden" not in alert.split(">")[0]  # the warning stays until acknowledged
    therapist_client.post(url, {"kind": "skipped", "step": "2"})
    therapist_client.post(url, {"kind": "skipped", "step": "3"})
    page = therapist_client.get(guide).content.decode()
    assert '<section class="g-stage stage-after" data-stage="4" aria' in page
    therapist_client.post(
        reverse("sessions:finish", args=[session.patient_id, session.pk]), {"pain_after": "2"}
    )
    session.refresh_from_db()
    assert session.is_finished and (session.pain_before, session.pain_after) == (5, 2)
    statuses = list(session.steps.order_by("order").values_list("status", flat=True))
    assert statuses == ["done", "skipped", "skipped"]
    assert session.steps.get(order=1).ease_off_count == 1


def test_the_client_page_lists_sessions_and_offers_a_start(
    therapist_client, therapist, patient, session
):  # type: ignore[no-untyped-def]
    post_events(
        therapist_client, session, [tap(1, "pain_before", value=6), tap(2, "pain_after", value=2)]
    )
    session_finish(actor=therapist, session=session)
    page = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    card = page[page.index('id="sessions-card"') :]
    card = card[: card.index("</section>")]
    assert "Session 1" in card and "pain 6 → 2/10" in card and "Finished" in card
    assert reverse("sessions:detail", args=[patient.pk, session.pk]) in card
    assert reverse("sessions:start", args=[patient.pk]) in card


def test_front_desk_cannot_open_the_guide(client, front_desk, session):  # type: ignore[no-untyped-def]
    client.force_login(front_desk)
    response = client.get(reverse("sessions:guide", args=[session.patient_id, session.pk]))
    assert response.status_code == 403


# --- API ---------------------------------------------------------------------------------


def test_the_api_starts_records_and_finishes_a_session(therapist_client, patient, plan):  # type: ignore[no-untyped-def]
    base = f"/api/v1/clients/{patient.pk}/sessions"
    started = therapist_client.post(
        base, data={"plan_id": plan.pk}, content_type="application/json"
    )
    assert started.status_code == 201
    sid = started.json()["id"]
    assert [s["muscle_id"] for s in started.json()["steps"]][:1] == ["upper_trapezius"]
    batch = [tap(1, "discomfort", 1, 7), tap(2, "released", 1)]
    early = therapist_client.post(
        f"{base}/{sid}/events", data=json.dumps({"events": batch}), content_type="application/json"
    )
    assert early.status_code == 409 and early.json()["error"]["code"] == "checkin_required"
    checked = therapist_client.post(
        f"{base}/{sid}/checkin",
        data={"pain_now": 4, "none_of_these": True},
        content_type="application/json",
    )
    assert checked.status_code == 201 and checked.json()["safety"]["saddle_numbness"] == "no"
    for _ in range(2):
        sent = therapist_client.post(
            f"{base}/{sid}/events",
            data=json.dumps({"events": batch}),
            content_type="application/json",
        )
        assert sent.status_code == 200
    assert sorted(sent.json()["duplicates"]) == sorted(e["event_id"] for e in batch)
    got = therapist_client.get(f"{base}/{sid}").json()
    assert got["steps"][0]["ease_off_count"] == 1 and got["steps"][0]["status"] == "done"
    assert got["summary"]["ease_off_warnings"] == [[1, 7]]
    assert (
        len(therapist_client.get(f"{base}/{sid}/events").json()) == 3
    )  # the check-in's pain rating and the two taps
    assert therapist_client.get(f"{base}/{sid}/finish").status_code == 405
    finished = therapist_client.post(f"{base}/{sid}/finish")
    assert finished.status_code == 200 and finished.json()["status"] == "finished"
    assert [s["number"] for s in therapist_client.get(base).json()] == [1]


@pytest.mark.parametrize(
    ("events", "field"),
    [
        ([tap(1, "released", step=1), tap(2, "discomfort", step=1, value=11)], "events[1]"),
        ([tap(1, "released", step=1), tap(2, "bogus", step=1)], "events[1]"),
        ([tap(1, "released", step=9)], "events[0].step"),
    ],
)
def test_a_bad_tap_refuses_the_whole_batch_and_names_it(therapist_client, session, events, field):  # type: ignore[no-untyped-def]
    response = post_events(therapist_client, session, events)
    assert response.status_code == 400
    assert response.json()["error"]["field"].startswith(field)
    assert not taps_of(session).exists()
    assert not session.steps.filter(released=True).exists()


def test_a_body_that_is_not_json_is_refused(therapist_client, session):  # type: ignore[no-untyped-def]
    response = therapist_client.post(
        reverse("sessions:events", args=[session.patient_id, session.pk]),
        data="discomfort=7",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "not JSON" in response.json()["error"]["message"]
    assert not taps_of(session).exists()
