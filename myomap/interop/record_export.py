"""A client's whole record as one PDF, and as a zip with the FHIR Bundle, the rest as JSON and a
manifest of SHA-256 checksums. Reads only: the audit row is written by the service."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from myomap.interop.fhir_bundle import build_bundle
from myomap.interop.record_selectors import WholeRecord, beyond_fhir
from myomap.reports.pdf import render_pdf
from myomap_core.outcomes import instruments

PDF_NAME = "record.pdf"
FHIR_NAME = "fhir-bundle.json"
EXTRA_NAME = "beyond-fhir.json"
MANIFEST_NAME = "manifest.json"
FORMAT = "myomap-client-record/1"


@dataclass(frozen=True)
class RecordZip:
    """The zip's bytes and what it holds (the manifest, also stored inside)."""

    data: bytes
    manifest: dict[str, Any]

    @property
    def names(self) -> list[str]:
        return [f["name"] for f in self.manifest["files"]]


def record_pdf(whole: WholeRecord) -> bytes:
    """The client's whole record as a printed document, in words the client can read."""
    names = {
        p.key: " ".join(
            w for w in (p.first_name, p.last_name, p.credentials and f"({p.credentials})") if w
        )
        or p.key
        for p in whole.record.practitioners
    }
    context = {
        "clinic": whole.patient.clinic,
        "patient": whole.patient,
        "record": whole.record,
        "intake": whole.intake,
        "intake_answers": whole.intake_answers,
        "screenings": whole.screenings,
        "assessments": whole.assessments,
        "findings": whole.findings,
        "progress": whole.progress,
        "drafts": whole.drafts,
        "sheets": whole.sheets,
        "names": names,
        "instruments": {str(i.id): i.name for i in instruments()},
        "today": timezone.localdate(),
    }
    return render_pdf("interop/record_pdf.html", context)


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n").encode()


def record_zip(whole: WholeRecord, *, now: datetime | None = None) -> RecordZip:
    """The PDF, the validated FHIR Bundle (``FhirInvalid`` if it does not validate), the JSON of
    what FHIR does not carry, and ``manifest.json`` naming each file with its SHA-256."""
    moment = now or timezone.now()
    members = {
        PDF_NAME: record_pdf(whole),
        FHIR_NAME: _json(build_bundle(whole.record, now=moment)),
        EXTRA_NAME: _json(beyond_fhir(whole)),
    }
    manifest = {
        "format": FORMAT,
        "client": whole.patient.pk,
        "clinic": whole.patient.clinic.slug,
        "created_at": moment.isoformat(),
        "files": [
            {"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in members.items()
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr(MANIFEST_NAME, _json(manifest))
    return RecordZip(buffer.getvalue(), manifest)
