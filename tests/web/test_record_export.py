"""A client's whole record as one PDF and a zip: from the client page, the API and the command
line; what the PDF says is read back from the PDF itself."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

import pytest
from django.db.models import Count
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from myomap.aftercare.models import AftercareSheet
from myomap.cli import main
from myomap.common.models import AuditAction, AuditEvent
from myomap.demo import DEMO_SLUG, demo_load
from myomap.notes.models import NoteAmendment, NoteStatus, SoapNote
from myomap.outcomes.models import OutcomeResponse
from myomap.patients.models import Patient
from tests.pdftext import pdf_text
from tests.web.test_client_documents import assert_nothing_internal

pytestmark = pytest.mark.django_db

MEMBERS = ["record.pdf", "fhir-bundle.json", "beyond-fhir.json", "manifest.json"]


@pytest.fixture
def maria(client):  # type: ignore[no-untyped-def]
    """The demo client with the most sessions, signed notes, an amendment and aftercare."""
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


def _open(data: bytes) -> tuple[dict[str, bytes], dict[str, Any]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return files, json.loads(files["manifest.json"])


def _words(text: str, n: int = 6) -> str:
    """The first ``n`` words of a text, spaced as the PDF's extracted text is."""
    return " ".join(text.split()[:n])


def test_the_whole_record_goes_out_as_a_zip_with_a_readable_pdf(client, maria):  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/clients/{maria.pk}/record.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="client-record-lopez-')
    files, manifest = _open(response.content)

    # The members, each with the size and SHA-256 the manifest names.
    assert sorted(files) == sorted(MEMBERS)
    assert [f["name"] for f in manifest["files"]] == MEMBERS[:3]
    for entry in manifest["files"]:
        assert entry["bytes"] == len(files[entry["name"]])
        assert entry["sha256"] == hashlib.sha256(files[entry["name"]]).hexdigest()
    assert manifest["client"] == maria.pk

    # The FHIR member is a valid R4 Bundle of this client.
    bundle = Bundle.model_validate_json(files["fhir-bundle.json"])
    assert any(e.resource.get_resource_type() == "Patient" for e in bundle.entry or [])

    # What FHIR does not carry: the session logs, the home program and screenings.
    extra = json.loads(files["beyond-fhir.json"])
    assert extra["client"]["id"] == maria.pk
    assert extra["session_events"] and extra["screenings"] and extra["aftercare_sheets"]
    assert {"home_program_ticks", "record_accesses", "check_ins"} <= set(extra)

    # The PDF says what the record shows.
    text = pdf_text(files["record.pdf"])
    assert "Client record: Maria Lopez" in text
    assert maria.date_of_birth.strftime("%-d %B %Y") in text
    note = (
        SoapNote.objects.filter(patient=maria, status=NoteStatus.SIGNED, amendments__isnull=False)
        .distinct()
        .first()
    )
    assert note is not None
    assert _words(note.assessment or note.subjective) in text
    assert note.content_hash in text
    amendment = NoteAmendment.objects.filter(note=note).first()
    assert amendment is not None and _words(amendment.reason) in text
    assert amendment.content_hash in text
    outcome = OutcomeResponse.objects.filter(patient=maria).order_by("taken_at").first()
    assert outcome is not None
    assert f"{outcome.taken_at:%-d %b %Y} " in text and outcome.score_display in text
    sheet = AftercareSheet.objects.filter(patient=maria).first()
    assert sheet is not None and sheet.items
    for item in sheet.items:
        assert _words(str(item["title"])) in text
    drafts = SoapNote.objects.filter(patient=maria, status=NoteStatus.DRAFT).count()
    assert text.count("unsigned draft, not part of the record") == drafts
    assert_nothing_internal(text, "the whole-record PDF")

    # One audit row naming what went out.
    (event,) = AuditEvent.objects.filter(action=AuditAction.EXPORT, patient=maria)
    assert "whole record" in event.summary and "record.pdf" in event.summary
    assert "fhir-bundle.json" in event.summary and event.actor is not None


def test_the_client_page_offers_the_zip(client, therapist, patient):  # type: ignore[no-untyped-def]
    client.force_login(therapist)
    url = reverse("interop:record_zip", args=[patient.pk])
    page = client.get(reverse("chart:client", args=[patient.pk]))
    assert url.encode() in page.content and b"Export whole record" in page.content
    response = client.get(url)
    assert response.status_code == 200
    files, _ = _open(response.content)
    text = pdf_text(files["record.pdf"])
    assert patient.full_name in text and "No signed note on record." in text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, patient=patient).count() == 1
    assert client.post(url).status_code == 405


def test_the_front_desk_gets_403_and_another_clinic_404(  # type: ignore[no-untyped-def]
    client, front_desk, outsider, patient
):
    url = reverse("interop:record_zip", args=[patient.pk])
    client.force_login(front_desk)
    assert url.encode() not in client.get(reverse("chart:client", args=[patient.pk])).content
    assert client.get(url).status_code == 403
    assert client.get(f"/api/v1/clients/{patient.pk}/record.zip").status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/clients/{patient.pk}/record.zip").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_command_line_writes_the_zip_owner_only(tmp_path, capsys, patient):  # type: ignore[no-untyped-def]
    out = tmp_path / "record.zip"
    assert main(["export", "record", str(patient.pk), "--out", str(out)]) == 0
    assert "record.pdf" in capsys.readouterr().out
    assert out.stat().st_mode & 0o777 == 0o600
    files, manifest = _open(out.read_bytes())
    assert sorted(files) == sorted(MEMBERS) and manifest["client"] == patient.pk
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, patient=patient)
    assert event.actor is None and event.actor_label == "command line"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["export", "record", "abc", "--out", "x.zip"], "CLIENT_ID: 'abc'"),
        (["export", "record", "999999", "--out", "x.zip"], "CLIENT_ID: no client 999999"),
        (["export", "record", "{id}", "--out", "/no/such/folder/x.zip"], "--out: folder"),
        (["export", "record", "{id}", "--out", "record.pdf"], "--out: 'record.pdf' must end"),
    ],
)
def test_the_command_line_names_the_bad_argument(capsys, patient, args, named):  # type: ignore[no-untyped-def]
    args = [a.replace("{id}", str(patient.pk)) for a in args]
    assert main(args) == 2
    assert named in capsys.readouterr().err
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
