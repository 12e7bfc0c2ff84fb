"""No path puts hands on a client the safety gate holds: every hands-on page and API route is
tried for a client with no screening, an out-of-date one, a referral without clearance, and a
recorded clearance; only the last is let through, and a refusal writes nothing."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from myomap.assessments.models import ExamResult, PalpationFinding
from myomap.intake.models import Intake
from myomap.plans.models import Plan, PlanStep
from myomap.screening.forms import HEALTH_CHECKS
from myomap.screening.models import Screening
from myomap.screening.services import clearance_record
from myomap.sessions.models import SessionEvent, TreatmentSession
from myomap.sessions.services import session_start
from tests.web.scoped.assessments import make as make_assessment
from tests.web.scoped.plans import make as make_plan
from tests.web.scoped.screening import referral_answers, screen_client
from tests.web.scoped.sessions import check_in

STATES = ("no_screening", "stale", "referral", "cleared")

# Page URLs that put hands on the client or plan to (name -> POST data). Every POST URL of the
# hands-on apps is either here or in NOT_HANDS_ON: a new one must be placed.
HANDS_ON_PAGES: dict[str, dict[str, str]] = {
    "assessments:exam_save": {},
    "assessments:palpation_add": {"muscle_id": "piriformis", "trigger_point": "", "side": "left"},
    "assessments:palpation_update": {"tap": "taut_band"},
    "plans:propose": {"session_minutes": "60"},
    "plans:step_add": {"muscle_id": "gluteus_medius", "technique": "ischemic_compression"},
    "plans:step_update": {"technique": "ischemic_compression", "hold_s": "60"},
    "sessions:start": {},
}
NOT_HANDS_ON = {
    "assessments:new",  # an empty assessment: history and posture photos stay open
    "assessments:detail",
    "assessments:photo_upload",
    "assessments:photo",
    "assessments:photo_image",
    "assessments:ppt_unit",  # a display preference
    "assessments:elements",  # the therapist's rating, no touch
    "plans:detail",
    "plans:step_remove",  # tidying a plan puts no hands on anyone
    "plans:step_move",
    "plans:pressure_unit",  # a clinic setting: the unit pressures are typed in
    "sessions:detail",
    "sessions:guide",
    "sessions:events",  # tried below with a treatment tap
    "sessions:finish",
    "sessions:stop",  # stopping for safety must always work
    "sessions:status",
    "sessions:checkin",  # talk, no touch; a yes screens again
    "sessions:checkin_link",
    "sessions:checkin_link_revoke",
}
HANDS_ON_API: tuple[tuple[str, str, dict[str, Any] | None], ...] = (
    ("post", "/api/v1/clients/{p}/plans", {"session_minutes": 60}),
    ("post", "/api/v1/clients/{p}/plans/{plan}/steps", {"muscle_id": "gluteus_medius"}),
    ("patch", "/api/v1/clients/{p}/plans/{plan}/steps/{step}", {"hold_s": 60}),
    ("post", "/api/v1/clients/{p}/sessions", {}),
)


def _hands_on_app_urls() -> set[str]:
    apps = ("assessments", "plans", "sessions")
    return {name for name, _ in _named_patterns() if name.split(":")[0] in apps}


def test_every_url_of_the_hands_on_apps_is_placed() -> None:
    unplaced = _hands_on_app_urls() - set(HANDS_ON_PAGES) - NOT_HANDS_ON
    assert not unplaced, f"say whether these are hands-on: {sorted(unplaced)}"


def _counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (ExamResult, PalpationFinding, Plan, PlanStep, TreatmentSession, SessionEvent)
    )


@pytest.fixture(params=STATES)
def world(request, therapist, patient):  # type: ignore[no-untyped-def]
    """What a client has after a first visit (built while allowed), then put in ``state``."""
    screen_client(therapist, patient)
    ids = {**make_assessment(therapist, patient), **make_plan(therapist, patient)}
    session = session_start(actor=therapist, patient=patient)
    check_in(therapist, session)
    ids["session_id"] = session.pk
    state = request.param
    if state == "no_screening":  # as a client planned before screening was required
        Plan.objects.filter(patient=patient).update(screening=None)
        Screening.objects.filter(patient=patient).delete()
    elif state == "stale":
        intake = Intake.objects.get(patient=patient)
        answers = {**intake.answers[HEALTH_CHECKS], "fever": "yes"}
        Intake.objects.filter(pk=intake.pk).update(answers={HEALTH_CHECKS: answers})
    else:
        screening = screen_client(therapist, patient, referral_answers())
        if state == "cleared":
            clearance_record(
                actor=therapist,
                screening=screening,
                cleared_by="Dr Amir Khan",
                cleared_on=date.today(),
                note="Examined; fine for soft-tissue work.",
                attested=True,
            )
    return state, {"patient_id": patient.pk, **ids}


def _kwargs(name: str, ids: dict[str, Any]) -> dict[str, Any]:
    pattern = next(p for n, p in _named_patterns() if n == name)
    return {k: ids[k] for k in pattern.pattern.converters}


def _named_patterns() -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []

    def walk(resolver: URLResolver, ns: str = "") -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, f"{ns}{entry.namespace}:" if entry.namespace else ns)
            elif isinstance(entry, URLPattern) and entry.name:
                found.append((f"{ns}{entry.name}", entry))

    walk(get_resolver())
    return found


@pytest.mark.parametrize("name", sorted(HANDS_ON_PAGES))
def test_hands_on_pages_follow_the_gate(therapist_client, world, name):  # type: ignore[no-untyped-def]
    state, ids = world
    url = reverse(name, kwargs=_kwargs(name, ids))
    before = _counts()
    response = therapist_client.post(url, HANDS_ON_PAGES[name])
    hold_page = reverse("screening:now", args=[ids["patient_id"]])
    held = response.status_code == 302 and response.url.startswith(hold_page)
    if state == "cleared":
        assert not held, f"{name} was refused after a clearance"
        assert response.status_code < 500, response.status_code
    else:
        assert held, f"{name} for a client with {state}: {response.status_code}"
        assert _counts() == before, f"{name} wrote something for a client with {state}"
        page = therapist_client.get(response.url).content.decode()
        assert "Not done: hands-on work is on hold" in page
        assert "Save and screen" in page  # the way forward is on the page


@pytest.mark.parametrize(("method", "path", "body"), HANDS_ON_API)
def test_hands_on_api_routes_follow_the_gate(therapist_client, world, method, path, body):  # type: ignore[no-untyped-def]
    state, ids = world
    url = path.format(p=ids["patient_id"], plan=ids["plan_id"], step=ids["plan_step_id"])
    before = _counts()
    response = getattr(therapist_client, method)(
        url, data=json.dumps(body) if body is not None else None, content_type="application/json"
    )
    if state == "cleared":
        assert response.status_code < 400 or response.json()["error"]["code"] != "treatment_on_hold"
    else:
        assert response.status_code == 403, (url, state, response.status_code)
        error = response.json()["error"]
        assert error["code"] == "treatment_on_hold"
        assert error["hold"] == {"no_screening": "not_screened"}.get(state, state)
        assert _counts() == before


def test_treatment_taps_follow_the_gate(therapist_client, world):  # type: ignore[no-untyped-def]
    state, ids = world
    url = reverse("sessions:events", args=[ids["patient_id"], ids["session_id"]])
    tap = {
        "event_id": str(uuid.uuid4()),
        "seq": 100,
        "kind": "discomfort",
        "step": 1,
        "value": 3,
        "at": "2026-03-02T09:00:00+00:00",
        "text": "",
    }
    before = _counts()
    response = therapist_client.post(url, json.dumps({"events": [tap]}), "application/json")
    if state == "cleared":
        assert response.status_code == 200, response.content
    else:
        assert response.status_code == 409, (state, response.status_code)
        assert response.json()["error"]["code"] == "on_hold"
        assert _counts() == before


def test_a_forged_post_for_an_unscreened_client_writes_nothing(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    before = _counts()
    for name, data in HANDS_ON_PAGES.items():
        if name.startswith(("plans:step", "assessments:exam", "assessments:palpation_update")):
            continue  # these need objects the client cannot have without a screening
        url = reverse(name, kwargs={"patient_id": patient.pk, **_extra(name, therapist, patient)})
        therapist_client.post(url, data)
    assert _counts() == before


def _extra(name: str, therapist: Any, patient: Any) -> dict[str, Any]:
    if name.startswith("assessments:"):
        from myomap.assessments.services import assessment_start

        return {"assessment_id": assessment_start(actor=therapist, patient=patient).pk}
    return {}
