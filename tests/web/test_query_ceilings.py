"""Every page and API route has a query ceiling that does not grow with the record.

The URL patterns are enumerated, not listed: a new page or route fails here until it has a
ceiling. Each read is measured on a client with a few sessions and again after eighteen more
sessions (each with a signed note and an outcome score, more taps in the session's log and a
few more clients): the count must be the same, and no more than the ceiling. Writes are
measured with a valid request each (None: the passkey steps only an authenticator can send).
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django.utils import timezone

from myomap.aftercare.models import AftercareSheet, HomeProgramLink
from myomap.aftercare.services import home_link_create
from myomap.api import api
from myomap.appointments.feeds import feed_create
from myomap.appointments.models import Appointment
from myomap.appointments.reminders import appointment_link_create
from myomap.assessments.models import PalpationFinding
from myomap.intake.services import intake_link_create
from myomap.notes.models import SoapNote
from myomap.notes.services import note_draft, note_sign
from myomap.outcomes.services import link_create, response_record
from myomap.patients.services import patient_create
from myomap.sessions.models import SessionEvent, TreatmentSession
from myomap.sessions.services import checkin_link_create
from tests.web.scoped import scoped_ids
from tests.web.scoped.notes import make_session
from tests.web.scoped.sessions import check_in
from tests.web.test_access import _patterns

READS: dict[str, int] = {
    "home": 6,
    "healthz": 7,
    "login": 6,
    "password_change": 6,
    "audit_log": 9,
    "patients:list": 8,
    "patients:new": 6,
    "chart:client": 56,
    "patients:edit": 10,
    "intake:detail": 12,
    "intake:section": 12,
    "intake:pain_map_new": 11,
    "portal:intake": 6,
    "portal:done": 1,
    "portal:checkin_done": 0,
    "portal:checkin": 6,
    "portal:section": 4,
    "portal:appointment": 10,
    "portal:booking": 15,
    "knowledge:muscle": 6,
    "screening:now": 13,
    "screening:clearance_new": 11,
    "screening:letter": 14,
    "screening:clearance_document": 11,
    "assessments:detail": 27,
    "assessments:photo": 12,
    "assessments:photo_image": 12,
    "outcomes:dashboard": 10,
    "outcomes:progress": 32,
    "outcomes:record": 12,
    "outcomes:response": 11,
    "outcomes:report": 36,
    "portal:questionnaire": 5,
    "portal:questionnaire_screen": 1,
    "plans:detail": 24,
    "sessions:detail": 20,
    "sessions:guide": 21,
    "sessions:status": 12,
    "notes:session_note": 17,
    "notes:detail": 15,
    "notes:pdf": 16,
    "api:note_pdf_get": 16,
    "aftercare:sheet": 20,
    "aftercare:pdf": 18,
    "aftercare:program": 11,
    "portal:home_program": 8,
    "api:list_clients": 10,
    "api:get_client": 10,
    "api:list_pain_maps": 12,
    "api:screening_questions": 6,
    "api:safety": 12,
    "api:health_checks_get": 11,
    "api:list_assessments": 11,
    "api:get_assessment": 21,
    "api:get_landmarks": 12,
    "api:client_outcomes": 11,
    "api:list_plans": 13,
    "api:get_plan": 18,
    "api:list_steps": 12,
    "api:get_step": 12,
    "api:list_sessions": 11,
    "api:get_session": 16,
    "api:list_events": 13,
    "api:finish_get": 11,
    "api:session_status": 12,
    "api:checkin_get": 11,
    "api:stop_get": 11,
    "api:note_get": 14,
    "api:signature_get": 11,
    "api:amendments_get": 14,
    "api:session_aftercare": 14,
    "api:homecare_adherence": 14,
    "api:homecare_program": 11,
    "api:homecare_item": 11,
    "appointments:day": 17,  # with a freed slot and its waitlist fits (test_waitlist.py)
    "appointments:week": 8,
    "appointments:today": 8,
    "appointments:detail": 15,
    "appointments:free": 8,
    "appointments:book": 8,
    "appointments:feed": 7,
    "appointments:feed_ics": 5,
    "appointments:course": 16,
    "appointments:waitlist": 17,
    "appointments:waitlist_new": 12,
    "appointments:setup": 9,
    "appointments:setup_hours": 12,
    "appointments:setup_types": 9,
    "appointments:setup_places": 9,
    "appointments:setup_blocks": 9,
    "appointments:setup_reminders": 9,
    "knowledge:atlas": 6,
    "knowledge:resolve_region": 6,
    "api_tokens": 7,
    "interop:clients_import": 6,
    "interop:fhir": 27,
    "interop:import_fhir": 6,
    "api:client_fhir": 27,
    "interop:record_zip": 60,
    "api:client_record_zip": 60,
    "api:appointments_list": 6,
    "api:practice_types": 7,
    "api:practice_locations": 8,
    "api:practice_hours": 9,
    "api:practice_blocks": 7,
    "api:practice_policy": 7,
    "api:appointment_detail": 11,
    "api:availability": 6,
    "api:waitlist_list": 16,
    "api:waitlist_remove_get": 11,
    "api:waitlist_book_get": 11,
    "appointments:requests": 4,
    "api:booking_requests_list": 7,
    "api:booking_request_book_get": 8,
    "api:booking_request_decline_get": 8,
    "api:appt_cancel_get": 11,
    "api:appt_move_get": 11,
    "api:appt_status_get": 11,
    "account": 9,
    "clinic_security": 9,
    "two_factor_verify": 6,
    "two_factor_app": 7,
    "two_factor_recovery": 6,
    "otp_webauthn:js-i18n-catalog": 6,
}
"""URL name -> the most queries one GET may take, whatever the size of the record."""

WRITES: dict[str, int | None] = {
    "logout": 5,
    "patients:archive": 14,
    "patients:restore": 14,
    "intake:new": 14,
    "intake:link_create": 17,
    "intake:link_revoke": 18,
    "knowledge:candidates": 6,
    "screening:rescreen": 19,
    "assessments:new": 19,
    "assessments:photo_upload": 17,
    "assessments:exam_save": 23,
    "assessments:palpation_add": 26,
    "assessments:ppt_unit": 11,
    "assessments:palpation_update": 36,
    "assessments:elements": 19,
    "outcomes:link_create": 14,
    "outcomes:link_revoke": 17,
    "plans:propose": 40,
    "plans:step_add": 20,
    "plans:step_update": 19,
    "plans:step_remove": 19,
    "plans:step_move": 19,
    "sessions:start": 30,
    "sessions:checkin_link": 18,
    "sessions:checkin_link_revoke": 17,
    "sessions:events": 24,
    "sessions:finish": 47,
    "sessions:checkin": 34,
    "sessions:stop": 29,
    "notes:sign": 29,
    "notes:amend": 25,
    "aftercare:link_create": 26,
    "aftercare:link_revoke": 18,
    "api:homecare_item_add": 22,
    "api:homecare_item_change": 22,
    "api:homecare_item_remove": 22,
    "api:create_client": 14,  # the client and their never-measured standing
    "api:referral": 6,
    "api:screen": 6,
    "api:health_checks_put": 33,
    "api:post_landmarks": 23,
    "api:record_response": 21,
    "api:propose": 49,
    "api:add_step": 29,
    "api:patch_step": 28,
    "api:delete_step": 26,
    "api:start_session": 38,
    "api:post_events": 24,
    "api:finish_session": 41,
    "api:post_checkin": 34,
    "api:stop_session": 34,
    "api:note_put": 27,
    "api:note_sign_api": 33,
    "api:amendment_create": 28,
    "appointments:cancel": 30,
    "appointments:mark": 27,
    "appointments:move": 44,
    "appointments:start": 36,
    "appointments:types_default": 9,
    "api:practice_type_save": 13,
    "api:practice_location_save": 11,
    "api:practice_room_save": 13,
    "api:practice_hours_add": 17,
    "api:practice_hours_remove": 16,
    "api:practice_block_add": 14,
    "api:practice_block_remove": 12,
    "api:practice_policy_save": 18,
    "appointments:feed_revoke": 12,
    "api_token_revoke": 12,
    "plans:pressure_unit": 15,
    "api:appointment_cancel_api": 32,
    "api:appointment_move_api": 39,
    "api:appointment_status_api": 28,
    "api:appointments_book": 42,
    "two_factor_app_start": 11,
    "two_factor_remove": 14,
    "clinic_security_reset": 14,
    "otp_webauthn:credential-registration-begin": 14,
    "otp_webauthn:credential-registration-complete": None,
    "otp_webauthn:credential-authentication-begin": None,
    "otp_webauthn:credential-authentication-complete": None,
    "api:appointments_series": 140,
    "appointments:waitlist_book": 56,
    "appointments:waitlist_remove": 24,
    "api:waitlist_add_api": 19,
    "api:waitlist_book_api": 56,
    "api:waitlist_remove_api": 24,
    "appointments:request_book": 55,
    "appointments:request_decline": 21,
    "api:booking_request_book_api": 52,
    "api:booking_request_decline_api": 25,
}
"""URL name of a route that only writes -> the most queries one valid write may take,
measured in ``test_a_tap_costs_the_same_on_a_larger_record`` (taps, at two record sizes),
``test_each_simple_write_stays_under_its_ceiling``, ``tests/web/test_write_ceilings.py`` (a
visit's writes through pages and API; account security), ``tests/web/test_waitlist.py``,
``tests/web/test_booking_requests.py`` and,
for the home program's edits, ``tests/web/test_home_program.py``. None only for the passkey
ceremony's steps that need an authenticator (the browser journey performs them); a GET of a
write route answers 405 after the door, which is not what it costs."""

SKIPPED = {"api:openapi-json", "api:openapi-view", "api:api-root"}
"""Generated by the API framework, with no database read."""


def _grow(therapist: Any, patient: Any, ids: dict[str, Any], sessions: int) -> None:
    """``sessions`` more finished sessions of ``patient``, each with a signed note and an
    outcome score, as many more taps in the measured session's log, and a few more clients."""
    session = TreatmentSession.objects.get(pk=ids["session_id"])
    step = session.steps.first()
    seq = session.events.count()
    for n in range(sessions):
        made = make_session(therapist, patient, days_ago=60 - n * 3)
        note_sign(actor=therapist, note=note_draft(actor=therapist, session=made))
        response_record(
            actor=therapist, patient=patient, instrument="nprs", answers={"pain": 7 - n % 5}
        )
        seq += 1
        SessionEvent.objects.create(
            session=session,
            event_id=uuid.uuid4(),
            seq=seq,
            kind="discomfort",
            step=step,
            value=n % 8,
            occurred_at=session.started_at + timedelta(minutes=10, seconds=n),
            recorded_by=therapist,
        )
    for n in range(sessions // 6):
        other = patient_create(
            actor=therapist,
            data={
                "first_name": f"Client{n}",
                "last_name": "Extra",
                "date_of_birth": date(1970, 1, 1 + n),
            },
        )
        make_session(therapist, other)
        response_record(actor=therapist, patient=other, instrument="nprs", answers={"pain": 5})


TOKEN_OF = {
    "portal:": "intake_token",
    "portal:questionnaire": "q_token",
    "portal:home_program": "home_token",
    "portal:checkin": "checkin_token",
    "portal:appointment": "appointment_token",
    "portal:booking": "appointment_token",
    "appointments:feed_ics": "feed_token",
}
"""Which private link's token a client-facing page takes (the longest prefix wins)."""


def _token(name: str, ids: dict[str, Any]) -> str:
    prefix = max((p for p in TOKEN_OF if name.startswith(p)), key=len)
    return str(ids[TOKEN_OF[prefix]])


OVERRIDES: dict[str, dict[str, str]] = {
    "aftercare:": {"session_id": "aftercare_session_id"},
    "api:session_aftercare": {"session_id": "aftercare_session_id"},
    "api:homecare_": {"session_id": "aftercare_session_id"},
    "outcomes:record": {"slug": "instrument"},
    "portal:questionnaire_screen": {"slug": "questionnaire"},
}
"""URL name (or prefix) -> parameter -> the key of ``ids`` it takes instead of its own."""


def _urls(ids: dict[str, Any]) -> dict[str, str]:
    """Every named URL, filled with the ids of ``ids``, by name."""
    urls = {}
    for name, pattern in _patterns(get_resolver()):
        if name in SKIPPED:
            continue
        override: dict[str, str] = {}
        for prefix, keys in OVERRIDES.items():
            override |= keys if name.startswith(prefix) else {}
        kwargs = {
            p: _token(name, ids) if p == "token" else ids[override.get(p, p)]
            for p in pattern.pattern.converters
        }
        urls[name] = reverse(name, kwargs=kwargs)
    return urls


def _count(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


def _measure(
    staff: Client, visitor: Client, urls: dict[str, str], public: set[str]
) -> dict[str, tuple[int, int]]:
    return {name: _count(visitor if name in public else staff, url) for name, url in urls.items()}


@pytest.fixture
def world(owner, therapist, patient):  # type: ignore[no-untyped-def]
    ids: dict[str, Any] = {"patient_id": patient.pk, **scoped_ids(therapist, patient)}
    _, ids["intake_token"] = intake_link_create(actor=therapist, patient=patient)
    _, ids["q_token"] = link_create(actor=therapist, patient=patient, instruments=["odi"])
    _, ids["home_token"] = home_link_create(
        actor=therapist, sheet=AftercareSheet.objects.get(session__patient=patient)
    )
    _, ids["checkin_token"] = checkin_link_create(actor=therapist, patient=patient)
    ids["appointment_token"] = appointment_link_create(
        appointment=Appointment.objects.get(pk=ids["appointment_id"])
    )
    _, ids["feed_token"] = feed_create(actor=therapist, therapist=therapist)
    feed_create(actor=owner, therapist=owner)  # revoked by the owner in the writes
    ids["muscle_id"] = "upper_trapezius"
    ids["user_id"] = therapist.pk
    ids["instrument"], ids["questionnaire"] = "nprs", "odi"
    ids["aftercare_session_id"] = HomeProgramLink.objects.get(
        pk=ids["homecare_link_id"]
    ).sheet.session_id
    # the per-session pages are measured on the finished session that has a signed note
    ids["session_id"] = SoapNote.objects.get(pk=ids["note_id"]).session_id
    _grow(therapist, patient, ids, 2)
    return ids


def _api_methods() -> dict[str, set[str]]:
    """API route name -> its HTTP methods."""
    methods: dict[str, set[str]] = {}
    for _, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                methods[f"api:{operation.view_func.__name__}"] = set(operation.methods)
    return methods


def test_every_route_has_a_ceiling() -> None:
    names = {name for name, _ in _patterns(get_resolver())} - SKIPPED
    assert not set(READS) & set(WRITES)
    missing = names - set(READS) - set(WRITES)
    assert not missing, f"give these routes a query ceiling in READS or WRITES: {sorted(missing)}"
    assert not (set(READS) | set(WRITES)) - names, "a ceiling names a route that is gone"
    api_reads = {name for name, methods in _api_methods().items() if "GET" in methods}
    assert {n for n in READS if n.startswith("api:")} == api_reads


def test_no_read_costs_more_queries_on_a_larger_record(  # type: ignore[no-untyped-def]
    client, owner, therapist, patient, world
):
    staff = Client()
    staff.force_login(owner)
    urls = {name: url for name, url in _urls(world).items() if name in READS}
    public = {
        n for n, u in urls.items() if u.startswith(("/i/", "/q/", "/h/", "/c/", "/a/", "/f/"))
    }
    _measure(staff, client, urls, public)  # a first visit may write once (a drafted note)
    small = _measure(staff, client, urls, public)
    _grow(therapist, patient, world, 18)
    large = _measure(staff, client, urls, public)
    wrong = []
    for name, (status, count) in large.items():
        if status >= 500 or small[name][0] != status:
            wrong.append(f"{name}: status {small[name][0]} then {status}")
        elif count != small[name][1]:
            wrong.append(f"{name}: {small[name][1]} queries, then {count} on a larger record")
        elif count > READS[name]:
            wrong.append(f"{name}: {count} queries, ceiling {READS[name]}")
    assert not wrong, "\n".join(wrong)


def _tap(seq: int, step: int) -> str:
    event = {
        "event_id": str(uuid.uuid4()),
        "seq": seq,
        "kind": "discomfort",
        "step": step,
        "value": 4,
        "at": (timezone.now() + timedelta(seconds=seq)).isoformat(),
        "text": "",
    }
    return json.dumps({"events": [event]})


def test_a_tap_costs_the_same_on_a_larger_record(  # type: ignore[no-untyped-def]
    owner, therapist, patient, world
):
    """The taps a therapist makes many times a visit: the guide's log and a palpation tap."""
    staff = Client()
    staff.force_login(owner)
    session = TreatmentSession.objects.get(patient=patient, status="in_progress")
    check_in(therapist, session)
    finding = PalpationFinding.objects.get(pk=world["finding_id"])
    args = [patient.pk, session.pk]
    taps = {
        "sessions:events": lambda seq: staff.post(
            reverse("sessions:events", args=args), _tap(seq, 1), content_type="application/json"
        ),
        "api:post_events": lambda seq: staff.post(
            reverse("api:post_events", kwargs={"patient_id": patient.pk, "session_id": session.pk}),
            _tap(seq, 1),
            content_type="application/json",
        ),
        "assessments:palpation_update": lambda seq: staff.post(
            reverse(
                "assessments:palpation_update",
                args=[patient.pk, finding.assessment_id, finding.pk],
            ),
            {"tap": "twitch"},
            headers={"HX-Request": "true"},
        ),
    }

    def measure(first_seq: int) -> dict[str, int]:
        counts = {}
        for n, (name, send) in enumerate(taps.items()):
            send(first_seq + 10 * n)  # the first tap of a kind may set things up once
            with CaptureQueriesContext(connection) as queries:
                response = send(first_seq + 10 * n + 1)
            assert response.status_code == 200, (name, response.content[:300])
            counts[name] = len(queries)
        return counts

    small = measure(1)
    _grow(therapist, patient, world, 18)
    large = measure(100)
    assert small == large
    for name, count in large.items():
        assert WRITES[name] is not None and count <= WRITES[name], (name, count)


SIMPLE_WRITES: dict[str, tuple[str, dict[str, Any] | None]] = {
    "intake:new": ("form", {}),
    "intake:link_create": ("form", {"create": "1"}),
    "intake:link_revoke": ("form", {}),
    "outcomes:link_create": ("form", {"instruments": ["odi"], "session_number": "20"}),
    "outcomes:link_revoke": ("form", {}),
    "sessions:checkin_link": ("form", {}),
    "sessions:checkin_link_revoke": ("form", {}),
    "aftercare:link_create": ("form", {}),
    "aftercare:link_revoke": ("form", {}),
    "screening:rescreen": ("form", {}),
    "assessments:new": ("form", {}),
    "knowledge:candidates": ("form", {"i_heel_right": "6", "q_heel_right": "aching"}),
    "patients:archive": ("form", {}),
    "patients:restore": ("form", {}),
    "appointments:feed_revoke": ("form", {}),
    "api:create_client": (
        "json",
        {"first_name": "Noor", "last_name": "Haddad", "date_of_birth": "1988-05-02"},
    ),
    "api:record_response": ("json", {"instrument": "nprs", "answers": {"pain": 4}}),
    "logout": ("form", {}),
}
"""Writes measured once each on the larger record, in this order (a link is revoked after
another is made; the client is restored after being archived; logging out comes last)."""


def test_each_simple_write_stays_under_its_ceiling(  # type: ignore[no-untyped-def]
    owner, therapist, patient, world
):
    staff = Client()
    staff.force_login(owner)
    _grow(therapist, patient, world, 18)
    urls = _urls(world)
    wrong = []
    for name, (kind, data) in SIMPLE_WRITES.items():
        with CaptureQueriesContext(connection) as queries:
            if kind == "json":
                response = staff.post(urls[name], json.dumps(data), content_type="application/json")
            else:
                response = staff.post(urls[name], data)
        ceiling = WRITES[name]
        if response.status_code >= 400:
            wrong.append(f"{name}: status {response.status_code}")
        elif ceiling is None or len(queries) > ceiling:
            wrong.append(f"{name}: {len(queries)} queries, ceiling {ceiling}")
    assert not wrong, "\n".join(wrong)
