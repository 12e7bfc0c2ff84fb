"""Whole-record export of the demo clinic's largest client: the PDF and the zip.

The demo clinic is loaded into a fresh SQLite database of its own; the client with the most
rows is exported three times in one process (read, PDF, zip; the median is reported, with the
queries of one export), then once through ``myomap export record`` in a fresh process.
"""

from __future__ import annotations

import json
import os

from bench.demo_clinic import command_seconds, demo_clinic, measured

TITLE = "Whole-record export"
RUNS = 3

MEASURE = f"""
import django, io, json, statistics, time
django.setup()
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader
from myomap.interop.record_export import record_pdf, record_zip
from myomap.interop.record_selectors import whole_record
from myomap.patients.models import Patient

client = (
    Patient.objects.annotate(
        n=Count("treatment_sessions", distinct=True) + Count("outcome_responses", distinct=True)
        + Count("soap_notes", distinct=True) + Count("pain_maps", distinct=True)
    ).order_by("-n", "id").first()
)
read, pdf, total = [], [], []
for _ in range({RUNS}):
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        whole = whole_record(client)
        read.append(time.perf_counter() - start)
        made = record_zip(whole)
    total.append(time.perf_counter() - start)
    start = time.perf_counter()
    document = record_pdf(whole)
    pdf.append(time.perf_counter() - start)
print(json.dumps({{"id": client.pk, "zip": len(made.data), "pdf": len(document),
                  "pages": len(PdfReader(io.BytesIO(document)).pages),
                  "queries": len(queries), "read": statistics.median(read),
                  "render": statistics.median(pdf), "total": statistics.median(total)}}))
"""


def run() -> str:
    with demo_clinic() as (var, env):
        r = json.loads(measured(MEASURE, env))
        target = var / "record.zip"
        command_s = command_seconds(["export", "record", str(r["id"]), "--out", str(target)], env)
    load = os.getloadavg()[0]
    return (
        f"The demo clinic's largest client: a PDF of {r['pages']} pages "
        f"({r['pdf'] / 1000:.0f} kB), a zip of {r['zip'] / 1000:.0f} kB, {r['queries']} "
        f"queries for the whole export, SQLite. Load average at the end of the run: {load:.1f} "
        f"(other work shared the {os.cpu_count()} cores).\n\n"
        "| Measure | Result |\n|---|---|\n"
        f"| Read the whole record (median of {RUNS}, in process) | {r['read'] * 1000:.0f} ms |\n"
        f"| Render the PDF (median of {RUNS}) | {r['render']:.1f} s |\n"
        f"| The whole zip: read, PDF, FHIR Bundle validated, JSON, manifest (median of {RUNS}) "
        f"| {r['total']:.1f} s |\n"
        f"| `myomap export record CLIENT_ID --out FILE.zip` (fresh process, Django start-up "
        f"included) | {command_s:.1f} s |\n"
    )
