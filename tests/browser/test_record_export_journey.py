"""A therapist answers a right-of-access request: the client page's *Export whole record*
downloads one zip with the record's PDF, the FHIR Bundle, the rest as JSON and a manifest."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from myomap.common.models import AuditAction, AuditEvent
from tests.browser.test_intake_journey import DESKTOP, Shots, log_in
from tests.pdftext import pdf_text

pytestmark = pytest.mark.browser


def test_therapist_exports_the_whole_record(browser, live_server, therapist, patient, artifacts):  # type: ignore[no-untyped-def]
    base = live_server.url
    shot = Shots(artifacts, "record-export")
    context = browser.new_context(accept_downloads=True, **DESKTOP)
    context.set_default_timeout(20_000)
    page = context.new_page()
    log_in(page, base, therapist.username)
    page.goto(f"{base}/clients/{patient.pk}/")
    button = page.locator("a:has-text('Export whole record')")
    button.scroll_into_view_if_needed()
    shot(page, "client-page")
    with page.expect_download() as download:
        button.click()
    saved = Path(artifacts) / "record-export.zip"
    download.value.save_as(saved)
    assert download.value.suggested_filename.startswith("client-record-lopez-")
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        names = sorted(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        text = pdf_text(archive.read("record.pdf"))
    assert names == ["beyond-fhir.json", "fhir-bundle.json", "manifest.json", "record.pdf"]
    assert manifest["client"] == patient.pk
    assert f"Client record: {patient.full_name}" in text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, patient=patient).count() == 1
    context.close()
