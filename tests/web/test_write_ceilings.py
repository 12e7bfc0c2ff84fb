"""The clinical writes stay under their query ceilings on a grown record.

A visit's writes, page by page and then through the API, in the order a visit makes them
(assess, plan, treat, note, the appointment), each measured once on the record of
``test_query_ceilings`` after eighteen more sessions; each must succeed and stay within its
ceiling in ``WRITES``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from myomap.apitokens.services import token_create
from myomap.appointments.models import Appointment, Status
from myomap.assessments.models import Assessment
from myomap.assessments.services import photo_add
from myomap.notes.models import SoapNote
from myomap.notes.services import note_draft
from myomap.plans.models import Plan, PlanStatus, PlanStep
from myomap.sessions.models import TreatmentSession
from tests.web.scoped.appointments import at
from tests.web.scoped.assessments import png_upload
from tests.web.test_plans import edit_data
from tests.web.test_query_ceilings import WRITES, _grow, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

Ids = dict[str, Any]
Write = tuple[str, str, Callable[[Ids], str], Callable[[Ids], Any]]
"""URL name, kind (form, multipart, json, patch, delete), the URL, the body (both from the ids
as they stand when the write is sent)."""


def _open_session(ids: Ids) -> TreatmentSession:
    return TreatmentSession.objects.get(patient_id=ids["patient_id"], status="in_progress")


def _plan(ids: Ids) -> Plan:
    return Plan.objects.get(patient_id=ids["patient_id"], status=PlanStatus.ACTIVE)


def _step(ids: Ids) -> int:
    return int(_plan(ids).steps.order_by("order").values_list("pk", flat=True)[0])


def _page(name: str, *extra: Callable[[Ids], object]) -> Callable[[Ids], str]:
    """The page URL of ``name`` for the client, then each of ``extra``'s ids."""
    return lambda ids: reverse(name, args=[ids["patient_id"], *(f(ids) for f in extra)])


def _api(path: str) -> Callable[[Ids], str]:
    return lambda ids: "/api/v1/clients/{patient_id}".format(**ids) + path.format(
        **ids, open=_open_session(ids).pk if "{open}" in path else 0,
        plan=_plan(ids).pk if "{plan}" in path else 0,
        step=_step(ids) if "{step}" in path else 0,
    )  # fmt: skip


def _note(status: str) -> Callable[[Ids], int]:
    return lambda ids: int(
        SoapNote.objects.filter(patient_id=ids["patient_id"], status=status).latest("id").pk
    )


def _assessment(ids: Ids) -> int:
    return int(ids["assessment_id"])


def _appointment(ids: Ids) -> int:
    return int(ids["appointment_id"])


def _none(ids: Ids) -> dict[str, Any]:
    return {}


def _const(data: dict[str, Any]) -> Callable[[Ids], dict[str, Any]]:
    return lambda ids: data


PAGE_WRITES: tuple[Write, ...] = (
    ("assessments:exam_save", "form",
     _page("assessments:exam_save", _assessment, lambda i: "strength"), _none),
    ("assessments:palpation_add", "form", _page("assessments:palpation_add", _assessment),
     _const({"muscle_id": "piriformis", "trigger_point": "", "side": "left"})),
    ("assessments:ppt_unit", "form", _page("assessments:ppt_unit", _assessment),
     _const({"unit": "lb"})),
    ("assessments:elements", "form", _page("assessments:elements", _assessment),
     _const({"element": "nerve_compression", "rating": "2", "reason": "Tingling into the calf"})),
    ("assessments:photo_upload", "multipart", _page("assessments:photo_upload", _assessment),
     lambda ids: {"view": "back", "image": png_upload("back.png")}),
    ("sessions:checkin", "form", _page("sessions:checkin", lambda i: _open_session(i).pk),
     _const({"pain_now": "4", "response": "better", "soreness": "up_to_a_day",
             "none_of_these": "1"})),
    ("sessions:finish", "form", _page("sessions:finish", lambda i: _open_session(i).pk),
     _const({"pain_after": "3"})),
    ("plans:propose", "form", _page("plans:propose"), _const({"session_minutes": "60"})),
    ("plans:step_add", "form", _page("plans:step_add", lambda i: _plan(i).pk),
     _const({"muscle_id": "gluteus_medius", "technique": "ischemic_compression"})),
    ("plans:step_update", "form", _page("plans:step_update", lambda i: _plan(i).pk, _step),
     lambda ids: edit_data(PlanStep.objects.get(pk=_step(ids)), hold_s=60)),
    ("plans:step_move", "form", _page("plans:step_move", lambda i: _plan(i).pk, _step),
     _const({"direction": "down"})),
    ("plans:step_remove", "form", _page("plans:step_remove", lambda i: _plan(i).pk, _step), _none),
    ("plans:pressure_unit", "form", lambda ids: reverse("plans:pressure_unit"),
     _const({"pressure_unit": "lb"})),
    ("notes:sign", "form", _page("notes:sign", _note("draft")), _const({"confirm": "1"})),
    ("notes:amend", "form", _page("notes:amend", _note("signed")),
     _const({"reason": "Pain after the session was 3, not 4", "assessment": "Pain 5 to 3."})),
    ("appointments:move", "form", _page("appointments:move", _appointment),
     lambda ids: ids["move_to"]),
    ("appointments:mark", "form", _page("appointments:mark", _appointment),
     _const({"status": "confirmed"})),
    ("sessions:start", "form", _page("sessions:start"), _none),
    ("appointments:start", "form", _page("appointments:start", _appointment), _none),
    ("sessions:stop", "form", _page("sessions:stop", lambda i: _open_session(i).pk),
     _const({"note": "Dizzy on standing; sent to the GP"})),
    ("appointments:cancel", "form", _page("appointments:cancel", lambda i: i["second_visit"]),
     _const({"reason": "Client unwell"})),
    ("appointments:types_default", "form",
     lambda ids: reverse("appointments:types_default"), _none),
    ("api_token_revoke", "form",
     lambda ids: reverse("api_token_revoke", args=[ids["own_token_id"]]), _none),
)  # fmt: skip
"""The page writes of a visit, in the order a visit makes them."""


def _stored_checks(ids: Ids) -> dict[str, Any]:
    from myomap.patients.models import Patient
    from tests.web.scoped.screening import answered_no_but, referral_answers

    sex = Patient.objects.get(pk=ids["patient_id"]).sex
    return {"answers": answered_no_but(referral_answers(), sex)}


def _landmarks(ids: Ids) -> dict[str, Any]:
    from tests.web.test_assessment_posture import FRONT

    return {"landmarks": {k: list(v) for k, v in FRONT.items()}}


API_WRITES: tuple[Write, ...] = (
    ("api:referral", "json", lambda ids: "/api/v1/referral",
     _const({"regions": ["SI joint", {"region": "upper buttock", "intensity": 7}], "top": 5})),
    ("api:screen", "json", lambda ids: "/api/v1/screening",
     _const({"age": 46, "sex": "female", "answers": {"fever": False}})),
    ("api:health_checks_put", "put", _api("/health-checks"), _stored_checks),
    ("api:post_landmarks", "json",
     _api("/assessments/{assessment_id}/photos/{full_photo_id}/landmarks"), _landmarks),
    ("api:post_checkin", "json", _api("/sessions/{open}/checkin"),
     _const({"pain_now": 4, "response": "better", "soreness": "up_to_a_day",
             "none_of_these": True})),
    ("api:finish_session", "json", _api("/sessions/{open}/finish"), _const({"pain_after": 3})),
    ("api:propose", "json", _api("/plans"), _const({"session_minutes": 60})),
    ("api:add_step", "json", _api("/plans/{plan}/steps"), _const({"muscle_id": "gluteus_medius"})),
    ("api:patch_step", "patch", _api("/plans/{plan}/steps/{step}"), _const({"hold_s": 60})),
    ("api:delete_step", "delete", _api("/plans/{plan}/steps/{step}"), _none),
    ("api:note_put", "put", lambda ids: _note_api(ids, "draft"),
     _const({"plan": "Review in a week."})),
    ("api:note_sign_api", "json", lambda ids: _note_api(ids, "draft") + "/signature", _none),
    ("api:amendment_create", "json", lambda ids: _note_api(ids, "signed") + "/amendments",
     _const({"reason": "Wrong interval", "plan": "Review in two weeks."})),
    ("api:appointments_book", "json", lambda ids: "/api/v1/appointments",
     lambda ids: ids["book"]),
    ("api:appointment_move_api", "json", _api("/appointments/{appointment_id}/move"),
     lambda ids: {"starts_at": ids["move_to_at"]}),
    ("api:appointment_status_api", "json", _api("/appointments/{appointment_id}/status"),
     _const({"status": "confirmed"})),
    ("api:start_session", "json", _api("/sessions"), _none),
    ("api:stop_session", "json", _api("/sessions/{open}/stop"),
     _const({"note": "Dizzy on standing; sent to the GP"})),
    ("api:appointment_cancel_api", "json", _api("/appointments/{second_visit}/cancel"),
     _const({"reason": "Client unwell"})),
)  # fmt: skip
"""The same visit through the API."""


def _note_api(ids: Ids, status: str) -> str:
    return f"/api/v1/clients/{ids['patient_id']}/notes/{_note(status)(ids)}"


def _send(staff: Client, kind: str, url: str, body: Any) -> Any:
    if kind == "form":
        return staff.post(url, body)
    if kind == "multipart":
        return staff.post(url, body, format="multipart")
    method = {"json": staff.post, "put": staff.put, "patch": staff.patch, "delete": staff.delete}
    return method[kind](url, json.dumps(body), content_type="application/json")


def _prepare(therapist: Any, patient: Any, ids: Ids) -> None:
    """What the writes need besides the grown record: where to move the visit, a second visit
    to cancel, a drafted note on the latest finished session (made when the open one ends)."""
    from myomap.appointments.services import appointment_book

    visit = Appointment.objects.get(pk=ids["appointment_id"])
    moved = at(patient.clinic, 5, 11)
    ids["move_to"] = {
        "therapist": therapist.pk,
        "room": visit.room_id or "",
        "date": moved.date().isoformat(),
        "time": moved.strftime("%H:%M"),
    }
    second = appointment_book(
        actor=therapist,
        patient=patient,
        therapist=therapist,
        type=visit.type,
        room=visit.room,
        starts_at=at(patient.clinic, 6, 15),
    )
    ids["second_visit"] = second.pk
    ids["move_to_at"] = moved.isoformat()
    ids["full_photo_id"] = photo_add(
        actor=therapist,
        assessment=Assessment.objects.get(pk=ids["assessment_id"]),
        view="front",
        upload=png_upload(size=(400, 600)),
    ).pk
    ids["book"] = {
        "patient_id": patient.pk,
        "therapist_id": therapist.pk,
        "type_id": visit.type_id,
        "starts_at": at(patient.clinic, 7, 9).isoformat(),
    }
    owner = patient.clinic.users.get(role="owner")
    ids["own_token_id"] = token_create(actor=owner, name="reports", scope="read", days=30)[0].pk


def _measure(
    staff: Client, writes: tuple[Write, ...], ids: Ids, before: Callable[[str], None]
) -> list[str]:
    wrong = []
    for name, kind, url, body in writes:
        before(name)
        address, data = url(ids), body(ids)
        with CaptureQueriesContext(connection) as queries:
            response = _send(staff, kind, address, data)
        ceiling = WRITES[name]
        if response.status_code >= 400:
            wrong.append(f"{name}: status {response.status_code} {response.content[:200]!r}")
        elif ceiling is None or len(queries) > ceiling:
            wrong.append(f"{name}: {len(queries)} queries, ceiling {ceiling}")
    return wrong


def _drafting(therapist: Any, patient: Any, signing: str) -> Callable[[str], None]:
    """Before ``signing``: the note of the session the visit just finished, drafted."""

    def before(name: str) -> None:
        if name == signing:
            finished = (
                TreatmentSession.objects.filter(patient=patient, status="finished")
                .exclude(note__status="signed")
                .latest("number")
            )
            note_draft(actor=therapist, session=finished)

    return before


def test_each_page_write_of_a_visit_stays_under_its_ceiling(  # type: ignore[no-untyped-def]
    owner,
    therapist,
    patient,
    world,  # noqa: F811
):
    staff = Client()
    staff.force_login(owner)
    _grow(therapist, patient, world, 18)
    _prepare(therapist, patient, world)

    wrong = _measure(staff, PAGE_WRITES, world, _drafting(therapist, patient, "notes:sign"))
    assert not wrong, "\n".join(wrong)
    visit = Appointment.objects.get(pk=world["appointment_id"])
    stopped = TreatmentSession.objects.get(patient=patient, status="stopped_for_safety")
    assert (visit.status, visit.session_id) == (Status.COMPLETED, stopped.pk)
    assert visit.starts_at == at(patient.clinic, 5, 11)  # moved, then started from the calendar
    assert Appointment.objects.get(pk=world["second_visit"]).status in (
        Status.CANCELLED,
        Status.LATE_CANCELLATION,
    )


def test_each_api_write_of_a_visit_stays_under_its_ceiling(  # type: ignore[no-untyped-def]
    owner,
    therapist,
    patient,
    world,  # noqa: F811
):
    staff = Client()
    staff.force_login(owner)
    _grow(therapist, patient, world, 18)
    _prepare(therapist, patient, world)
    wrong = _measure(staff, API_WRITES, world, _drafting(therapist, patient, "api:note_put"))
    assert not wrong, "\n".join(wrong)
    assert Appointment.objects.filter(patient=patient, status=Status.CONFIRMED).exists()
    assert Appointment.objects.get(pk=world["second_visit"]).status in (
        Status.CANCELLED,
        Status.LATE_CANCELLATION,
    )


def test_each_account_security_write_stays_under_its_ceiling(owner, therapist):  # type: ignore[no-untyped-def]
    """Enrolling, removing and resetting a second factor; a passkey's first step. (Completing
    a passkey ceremony needs an authenticator: the browser journey does that.)"""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.web.test_two_factor import _log_in, _verify
    from tests.web.two_factor_helpers import code_for, enrol_app, enrol_recovery

    user = Client()
    _log_in(user, "therapist")
    boss = Client()
    boss.force_login(owner)
    writes: list[tuple[str, Client, Callable[[], str]]] = [
        ("two_factor_app_start", user, lambda: reverse("two_factor_app_start")),
        ("otp_webauthn:credential-registration-begin", user,
         lambda: reverse("otp_webauthn:credential-registration-begin")),
        ("clinic_security_reset", boss,
         lambda: reverse("clinic_security_reset", args=[therapist.pk])),
        ("two_factor_remove", user, lambda: reverse("two_factor_remove")),
    ]  # fmt: skip
    wrong = []
    for name, client, url in writes:
        if name == "two_factor_remove":
            device = enrol_app(therapist)
            enrol_recovery(therapist)
            _log_in(user, "therapist")
            _verify(user, code_for(device))
        address = url()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(address)
        ceiling = WRITES[name]
        if response.status_code >= 400:
            wrong.append(f"{name}: status {response.status_code} {response.content[:200]!r}")
        elif ceiling is None or len(queries) > ceiling:
            wrong.append(f"{name}: {len(queries)} queries, ceiling {ceiling}")
    assert not wrong, "\n".join(wrong)
    assert not TOTPDevice.objects.filter(user=therapist).exists()
