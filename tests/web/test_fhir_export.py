"""A client's record as FHIR R4: from the client page, the API and the command line."""

from __future__ import annotations

import base64
import json
from collections import Counter
from typing import Any

import pytest
from django.db.models import Count
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from myomap.cli import main
from myomap.common.models import AuditAction, AuditEvent
from myomap.demo import DEMO_SLUG, demo_load
from myomap.interop.fhir_bundle import FhirInvalid, validate
from myomap.notes.models import NoteAmendment, SoapNote
from myomap.patients.models import Patient
from myomap_core import atlas

pytestmark = pytest.mark.django_db

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
MYOMAP = "https://myomap.org/fhir/CodeSystem/myomap"

CLINICAL_MD_LOINC = {
    # §1 NPRS: "LOINC 72514-3 Pain severity - 0-10 verbal numeric rating [Score] - Reported"
    "72514-3",
    # §2 ODI: "LOINC panel 97908-8, score 97909-6"
    "97908-8",
    "97909-6",
    # §4 STarT Back: "LOINC panel 91349-1, items 91340-0…91348-3, subscale 91350-9,
    # total 91351-7, risk 91352-5 (Low LA9194-7, Medium LA8982-6, High LA9193-9)"
    "91349-1",
    *(f"9134{n}-{c}" for n, c in zip(range(9), "084269753", strict=True)),
    "91350-9",
    "91351-7",
    "91352-5",
    "LA9194-7",
    "LA8982-6",
    "LA9193-9",
}
"""Every LOINC code CLINICAL.md gives, quoted section by section. RMDQ (§3) and PSFS (§5)
have none: they take Myomap's local code system."""


def _codings(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if "system" in node and "code" in node:
            found.append(node)
        for value in node.values():
            found.extend(_codings(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_codings(value))
    return found


def _references(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if "reference" in node:
            found.append(node)
        for value in node.values():
            found.extend(_references(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_references(value))
    return found


def _by_type(bundle: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for entry in bundle["entry"]:
        grouped.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return grouped


@pytest.fixture
def maria(client):  # type: ignore[no-untyped-def]
    """The demo client with the most sessions, signed notes and an amendment."""
    demo_load()
    patient = (
        Patient.objects.filter(clinic__slug=DEMO_SLUG)
        .annotate(n=Count("treatment_sessions"))
        .order_by("-n")
        .first()
    )
    assert patient is not None
    client.force_login(patient.clinic.users.get(username="sam"))
    return patient


def test_the_api_exports_a_whole_valid_record_with_the_clinical_codes(  # type: ignore[no-untyped-def]
    client, maria, django_assert_max_num_queries
):
    with django_assert_max_num_queries(60):
        response = client.get(f"/api/v1/clients/{maria.pk}/fhir")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    bundle = response.json()

    # Every resource validates on its own, and the Bundle as a whole, with the library itself.
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
    assert bundle["type"] == "collection"

    kinds = _by_type(bundle)
    assert set(kinds) == {
        "Organization",
        "Practitioner",
        "Patient",
        "Condition",
        "Observation",
        "QuestionnaireResponse",
        "Procedure",
        "CarePlan",
        "DocumentReference",
        "Consent",
        "Appointment",
    }
    (person,) = kinds["Patient"]
    assert person["name"][0] == {"use": "official", "family": "Lopez", "given": ["Maria"]}
    assert person["birthDate"] == maria.date_of_birth.isoformat()
    (condition,) = kinds["Condition"]
    assert condition["bodySite"] and all(site["text"] for site in condition["bodySite"])

    # Every reference points at a resource in the Bundle.
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    references = [r["reference"] for r in _references(bundle)]
    assert references and set(references) <= urls

    # Codes: LOINC only where CLINICAL.md gives one; each instrument's score code present.
    codings = _codings(bundle)
    loinc = {c["code"] for c in codings if c["system"] == LOINC}
    assert loinc <= CLINICAL_MD_LOINC, loinc - CLINICAL_MD_LOINC
    scores = {
        o["code"]["coding"][0]["code"]
        for o in kinds["Observation"]
        if "derivedFrom" in o  # a questionnaire's score
    }
    taken = set(maria.outcome_responses.values_list("instrument", flat=True))
    expected = {"nprs": "72514-3", "odi": "97909-6", "startback": "91351-7", "psfs": "psfs-mean"}
    assert set(expected) <= taken
    assert {expected[i] for i in expected} <= scores
    assert {c["system"] for c in codings} <= {
        LOINC,
        SNOMED,
        MYOMAP,
        "http://unitsofmeasure.org",
        "http://terminology.hl7.org/CodeSystem/observation-category",
        "http://terminology.hl7.org/CodeSystem/condition-clinical",
        "http://terminology.hl7.org/CodeSystem/condition-category",
        "http://terminology.hl7.org/CodeSystem/consentscope",
    }
    # SNOMED CT body sites are the atlas's own codes.
    atlas_codes = {r.snomed.code for r in atlas.regions() if r.snomed is not None}
    assert {c["code"] for c in codings if c["system"] == SNOMED} <= atlas_codes

    # Pressure pain thresholds in UCUM kPa; skipped questionnaire items carry no answer.
    thresholds = [
        o
        for o in kinds["Observation"]
        if o["code"]["coding"][0]["code"] == "pressure-pain-threshold"
    ]
    assert thresholds
    for o in thresholds:
        assert o["valueQuantity"]["code"] == "kPa"
        assert o["valueQuantity"]["system"] == "http://unitsofmeasure.org"
    for response in kinds["QuestionnaireResponse"]:
        for item in response.get("item", []):
            assert item["answer"], item

    # One Procedure per session, its steps as parts of it.
    sessions = [p for p in kinds["Procedure"] if "partOf" not in p]
    assert len(sessions) == maria.treatment_sessions.count()
    steps = [p for p in kinds["Procedure"] if "partOf" in p]
    assert steps and all(s["bodySite"][0]["text"] for s in steps)

    # Each signed note and each amendment is a document with its text.
    notes = SoapNote.objects.filter(patient=maria, status="signed")
    amendments = NoteAmendment.objects.filter(note__patient=maria)
    documents = kinds["DocumentReference"]
    assert len(documents) == notes.count() + amendments.count() > 0
    amended = [d for d in documents if d["docStatus"] == "amended"]
    assert len(amended) == amendments.count()
    assert all(d["relatesTo"][0]["code"] == "appends" for d in amended)
    first = notes.order_by("chain_position").first()
    assert first is not None
    texts = [base64.b64decode(d["content"][0]["attachment"]["data"]).decode() for d in documents]
    assert any(first.subjective in t for t in texts)

    # The export is in the audit log.
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT, patient=maria).latest("id")
    assert "FHIR" in event.summary and event.actor.username == "sam"


def test_the_client_page_offers_the_download(client, therapist, patient):  # type: ignore[no-untyped-def]
    client.force_login(therapist)
    page = client.get(reverse("chart:client", args=[patient.pk]))
    url = reverse("interop:fhir", args=[patient.pk])
    assert url.encode() in page.content
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="fhir-record-lopez-')
    bundle = json.loads(response.content)
    kinds = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    # A new client: the clinic, the client, and nothing clinical yet.
    assert kinds == {"Organization": 1, "Patient": 1}
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, patient=patient).count() == 1
    assert client.post(url).status_code == 405


def test_the_front_desk_neither_sees_the_button_nor_gets_the_record(client, front_desk, patient):  # type: ignore[no-untyped-def]
    client.force_login(front_desk)
    url = reverse("interop:fhir", args=[patient.pk])
    assert url.encode() not in client.get(reverse("chart:client", args=[patient.pk])).content
    assert client.get(url).status_code == 403
    assert client.get(f"/api/v1/clients/{patient.pk}/fhir").status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_another_clinic_gets_404(client, outsider, patient):  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    assert client.get(reverse("interop:fhir", args=[patient.pk])).status_code == 404
    assert client.get(f"/api/v1/clients/{patient.pk}/fhir").status_code == 404


def test_the_command_line_writes_the_bundle_owner_only(tmp_path, capsys, patient):  # type: ignore[no-untyped-def]
    out = tmp_path / "record.json"
    assert main(["export", "fhir", str(patient.pk), "--out", str(out)]) == 0
    assert "written" in capsys.readouterr().out
    assert out.stat().st_mode & 0o777 == 0o600
    Bundle.model_validate_json(out.read_text("utf-8"))
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, patient=patient)
    assert event.actor is None and event.actor_label == "command line"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["export", "fhir", "abc"], "CLIENT_ID: 'abc'"),
        (["export", "fhir", "999999"], "CLIENT_ID: no client 999999"),
        (["export", "fhir", "{id}", "--out", "/no/such/folder/x.json"], "--out: folder"),
    ],
)
def test_the_command_line_names_the_bad_argument(capsys, patient, args, named):  # type: ignore[no-untyped-def]
    args = [a.replace("{id}", str(patient.pk)) for a in args]
    assert main(args) == 2
    assert named in capsys.readouterr().err
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_invalid_resource_is_refused_naming_resource_and_field():  # type: ignore[no-untyped-def]
    with pytest.raises(FhirInvalid) as caught:
        validate({"resourceType": "Patient", "id": "p1", "birthDate": "14/03/1980"})
    assert caught.value.resource == "Patient/p1"
    assert caught.value.field == "birthDate"
    with pytest.raises(FhirInvalid, match="not an R4 resource"):
        validate({"resourceType": "Nonsense"})


def test_appointments_go_out_with_their_status_and_the_notes_as_pdf(therapist, patient):  # type: ignore[no-untyped-def]
    """Every visit booked for the client is an Appointment (a cancelled one with its reason,
    never dropped); each signed note carries its text and its PDF."""
    from myomap.appointments.services import appointment_book, appointment_cancel
    from myomap.interop.fhir_bundle import build_bundle
    from myomap.interop.fhir_selectors import client_record
    from tests.web.scoped.appointments import at, schedule
    from tests.web.scoped.notes import make as signed_note

    s = schedule(therapist)

    def book(days: int, hour: int) -> Any:
        return appointment_book(
            actor=therapist,
            patient=patient,
            therapist=therapist,
            type=s["types"]["Treatment"],
            room=s["room"],
            starts_at=at(patient.clinic, days, hour),
        )

    kept = book(3, 10)
    dropped = book(4, 11)
    appointment_cancel(actor=therapist, appointment=dropped, reason="client unwell")
    signed_note(therapist, patient)

    bundle = build_bundle(client_record(patient))
    Bundle.model_validate(bundle)
    visits = {a["identifier"][0]["value"]: a for a in _by_type(bundle)["Appointment"]}
    assert set(visits) == {f"appointment-{kept.pk}", f"appointment-{dropped.pk}"}
    booked, cancelled = visits[f"appointment-{kept.pk}"], visits[f"appointment-{dropped.pk}"]
    assert booked["status"] == "booked" and booked["minutesDuration"] == 60
    assert booked["appointmentType"]["text"] == "Treatment"
    assert {"display": "Harbour Street, Room 1"} in [p["actor"] for p in booked["participant"]]
    patient_ref = next(
        e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert patient_ref in [p["actor"].get("reference") for p in booked["participant"]]
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancelationReason"]["text"].endswith("client unwell")

    (note,) = [d for d in _by_type(bundle)["DocumentReference"] if d["docStatus"] == "final"]
    text, pdf = (c["attachment"] for c in note["content"])
    assert text["contentType"].startswith("text/plain")
    assert pdf["contentType"] == "application/pdf"
    assert base64.b64decode(pdf["data"]).startswith(b"%PDF")
