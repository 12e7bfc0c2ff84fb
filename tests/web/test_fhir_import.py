"""Bringing a client's FHIR record in from another Myomap clinic: all or nothing."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest
from django.db.models import Count
from django.urls import reverse

from myomap.cli import main
from myomap.clinics.models import Clinic, Role, User
from myomap.common.models import AuditAction, AuditEvent
from myomap.demo import DEMO_SLUG, demo_load
from myomap.intake.models import PainMap
from myomap.interop.fhir_bundle import FhirInvalid, build_bundle
from myomap.interop.fhir_selectors import client_record
from myomap.interop.models import ImportedDocument, ImportedDocumentLocked
from myomap.interop.services import fhir_import
from myomap.outcomes.models import OutcomeResponse
from myomap.patients.models import Patient
from myomap.patients.selectors import patient_list_for_clinic

pytestmark = pytest.mark.django_db

IMPORTED_KINDS = {"Patient", "QuestionnaireResponse", "DocumentReference"}


def _strip(node: Any) -> Any:
    """The clinical content: without ids, references, identifiers and who wrote it."""
    drop = {
        "id",
        "reference",
        "identifier",
        "author",
        "authenticator",
        "custodian",
        "context",
        "managingOrganization",
        "subject",
        "derivedFrom",
        "hasMember",
        "target",
        "performer",
    }
    if isinstance(node, dict):
        if node.get("attachment", {}).get("contentType") == "application/pdf":
            return None  # the note's PDF renders its text: the receiving clinic keeps the text
        return {k: _strip(v) for k, v in node.items() if k not in drop}
    if isinstance(node, list):
        return [kept for kept in (_strip(v) for v in node) if kept is not None]
    return node


def _content(bundle: dict[str, Any]) -> dict[str, list[str]]:
    """Per resource type, the sorted clinical content of what an import carries."""
    out: dict[str, list[str]] = {}
    for entry in bundle["entry"]:
        r = entry["resource"]
        kind = r["resourceType"]
        if kind == "Observation":
            code = r["code"]["coding"][0]["code"]
            if not (
                code == "pain-map" or (code == "72514-3" and "bodySite" in r) or "derivedFrom" in r
            ):
                continue
        elif kind not in IMPORTED_KINDS:
            continue
        out.setdefault(kind, []).append(json.dumps(_strip(r), sort_keys=True))
    return {k: sorted(v) for k, v in out.items()}


@pytest.fixture
def exported():  # type: ignore[no-untyped-def]
    demo_load()
    maria = (
        Patient.objects.filter(clinic__slug=DEMO_SLUG)
        .annotate(n=Count("treatment_sessions"))
        .order_by("-n")
        .first()
    )
    assert maria is not None
    return maria, build_bundle(client_record(maria))


@pytest.fixture
def receiving() -> tuple[Clinic, User]:
    clinic = Clinic.objects.create(name="Northgate Physio", slug="northgate")
    owner = User.objects.create_user(
        username="nora",
        password="x" * 12,
        clinic=clinic,
        role=Role.OWNER,
        first_name="Nora",
        last_name="Gate",
    )
    return clinic, owner


def test_round_trip_gives_the_same_clinical_content(exported, receiving):  # type: ignore[no-untyped-def]
    maria, bundle = exported
    clinic, owner = receiving
    result = fhir_import(clinic=clinic, data=json.dumps(bundle).encode(), actor=owner)
    copy_of_maria = result.patient
    assert copy_of_maria.clinic == clinic and copy_of_maria.full_name == maria.full_name
    assert result.source_clinic == maria.clinic.name
    assert list(patient_list_for_clinic(clinic=clinic, q="mar lop")) == [copy_of_maria]
    assert PainMap.objects.filter(patient=copy_of_maria).count() == maria.pain_maps.count()
    assert (
        OutcomeResponse.objects.filter(patient=copy_of_maria).count()
        == maria.outcome_responses.count()
    )
    documents = ImportedDocument.objects.filter(patient=copy_of_maria)
    assert documents.count() == result.documents > 0
    assert {d.source_clinic for d in documents} == {maria.clinic.name}
    assert documents.filter(amends__isnull=False).exists()

    again = build_bundle(client_record(copy_of_maria))
    assert _content(again) == _content(bundle)
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, patient=copy_of_maria, summary__contains="Imported"
    ).exists()

    # The sending clinic's documents are read-only.
    with pytest.raises(ImportedDocumentLocked):
        documents.first().save()  # type: ignore[union-attr]


def _refused(bundle: Any, clinic: Clinic, owner: User) -> FhirInvalid:
    before = Patient.objects.count(), PainMap.objects.count(), ImportedDocument.objects.count()
    data = bundle if isinstance(bundle, bytes) else json.dumps(bundle).encode()
    with pytest.raises(FhirInvalid) as caught:
        fhir_import(clinic=clinic, data=data, actor=owner)
    after = Patient.objects.count(), PainMap.objects.count(), ImportedDocument.objects.count()
    assert after == before  # nothing half-imported
    return caught.value


def _first(bundle: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind)


def test_bad_bundles_are_refused_naming_resource_and_field(exported, receiving):  # type: ignore[no-untyped-def]
    _, bundle = exported
    clinic, owner = receiving

    assert _refused(b"{not json", clinic, owner).resource == "file"
    assert _refused({"resourceType": "Patient"}, clinic, owner).field == "resourceType"

    r5 = copy.deepcopy(bundle)
    r5["fhirVersion"] = "5.0.0"
    assert _refused(r5, clinic, owner).field == "fhirVersion"

    bad_date = copy.deepcopy(bundle)
    patient = _first(bad_date, "Patient")
    patient["birthDate"] = "14/03/1980"
    error = _refused(bad_date, clinic, owner)
    assert error.resource == f"Patient/{patient['id']}" and error.field == "birthDate"

    # A field only R5 has (Observation.triggeredBy) does not validate as R4.
    newer = copy.deepcopy(bundle)
    observation = _first(newer, "Observation")
    observation["triggeredBy"] = [{"type": "reflex"}]
    error = _refused(newer, clinic, owner)
    assert error.resource.startswith("Observation/") and "triggeredBy" in error.field

    tampered = copy.deepcopy(bundle)
    document = _first(tampered, "DocumentReference")
    document["content"][0]["attachment"]["data"] = base64.b64encode(b"changed").decode()
    error = _refused(tampered, clinic, owner)
    assert error.field == "content[0].attachment.hash"

    # A problem in the last resource still leaves nothing behind.
    late = copy.deepcopy(bundle)
    response = [
        e["resource"]
        for e in late["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ][-1]
    response["questionnaire"] = "https://example.org/Questionnaire/other"
    assert _refused(late, clinic, owner).field == "questionnaire"


def test_the_same_client_is_never_merged(exported, receiving):  # type: ignore[no-untyped-def]
    _, bundle = exported
    clinic, owner = receiving
    data = json.dumps(bundle).encode()
    fhir_import(clinic=clinic, data=data, actor=owner)
    assert "already client" in str(_refused(bundle, clinic, owner))


@pytest.fixture
def sent(therapist, patient):  # type: ignore[no-untyped-def]
    """A client of the first clinic with one signed note, as the file another clinic gets."""
    from tests.web.scoped.notes import make

    make(therapist, patient)
    return json.dumps(build_bundle(client_record(patient))).encode()


@pytest.fixture
def other_owner(other_clinic):  # type: ignore[no-untyped-def]
    return User.objects.create_user(
        username="rowan",
        password="x" * 12,
        clinic=other_clinic,
        role=Role.OWNER,
        first_name="Rowan",
        last_name="Reed",
    )


def _upload(data: bytes, name: str = "maria.json") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/fhir+json")


def test_the_owner_imports_through_the_upload_page_and_sees_the_provenance(  # type: ignore[no-untyped-def]
    client, sent, other_owner, other_clinic, django_assert_max_num_queries
):
    client.force_login(other_owner)
    assert b"Import from another practice" in client.get(reverse("patients:list")).content
    url = reverse("interop:import_fhir")
    with django_assert_max_num_queries(10):
        page = client.get(url)
    assert page.status_code == 200 and b"Check and import" in page.content
    with django_assert_max_num_queries(80):
        response = client.post(url, {"bundle": _upload(sent)})
    imported = Patient.objects.get(clinic=other_clinic)
    assert response.status_code == 302
    assert response.url == reverse("chart:client", args=[imported.pk])
    document = ImportedDocument.objects.get(patient=imported)
    assert document.source_clinic == "Harbour Street NMT"
    assert document.imported_by == other_owner
    with django_assert_max_num_queries(60):
        detail = client.get(response.url)
    text = detail.content.decode()
    assert "From another practice" in text
    assert "Written at Harbour Street NMT" in text
    assert document.text.splitlines()[1] in text


def test_a_bad_file_on_the_page_is_named_and_nothing_is_imported(  # type: ignore[no-untyped-def]
    client, sent, other_owner, other_clinic
):
    client.force_login(other_owner)
    bundle = json.loads(sent)
    _first(bundle, "Patient")["birthDate"] = "1980-13-45"
    response = client.post(
        reverse("interop:import_fhir"), {"bundle": _upload(json.dumps(bundle).encode())}
    )
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode()
    assert "Patient/" in response.content.decode() and "birthDate" in response.content.decode()
    assert not Patient.objects.filter(clinic=other_clinic).exists()
    missing = client.post(reverse("interop:import_fhir"), {})
    assert missing.status_code == 400 and b"choose the FHIR file" in missing.content


def test_only_the_owner_may_import(client, therapist, front_desk, sent):  # type: ignore[no-untyped-def]
    for user in (therapist, front_desk):
        client.force_login(user)
        assert client.get(reverse("interop:import_fhir")).status_code == 403
        assert (
            client.post(reverse("interop:import_fhir"), {"bundle": _upload(sent)}).status_code
            == 403
        )
    assert Patient.objects.count() == 1


def test_the_command_line_imports_into_the_named_clinic(tmp_path, capsys, sent, other_clinic):  # type: ignore[no-untyped-def]
    path = tmp_path / "maria.json"
    path.write_bytes(sent)
    assert main(["import", "fhir", str(path), "--clinic", "riverside"]) == 0
    assert "Imported Maria Lopez" in capsys.readouterr().out
    assert Patient.objects.filter(clinic=other_clinic).count() == 1
    event = AuditEvent.objects.get(clinic=other_clinic, summary__contains="Imported")
    assert event.actor is None and event.actor_label == "command line"

    assert main(["import", "fhir", str(path), "--clinic", "nowhere"]) == 2
    assert "--clinic: no clinic 'nowhere'" in capsys.readouterr().err
    path.write_text('{"resourceType": "Bundle", "type": "collection"}')
    assert main(["import", "fhir", str(path), "--clinic", "riverside"]) == 2
    assert "Bundle: entry: the Bundle holds no resources" in capsys.readouterr().err
    assert Patient.objects.filter(clinic=other_clinic).count() == 1
