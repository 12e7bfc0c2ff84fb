"""FHIR export of the demo clinic's largest client: time to read, map and validate the record.

The demo clinic is loaded into a fresh SQLite database of its own; the client with the most
rows (sessions, notes, outcomes, pain maps) is exported five times in one process (the median
is reported), then once through ``myomap export fhir`` in a fresh process, as a user runs it.
"""

from __future__ import annotations

import json
import os

from bench.demo_clinic import command_seconds, demo_clinic, measured

TITLE = "FHIR export"
RUNS = 5

MEASURE = f"""
import django, json, statistics, time
django.setup()
from django.db.models import Count
from myomap.interop.fhir_bundle import build_bundle
from myomap.interop.fhir_selectors import client_record
from myomap.patients.models import Patient

client = (
    Patient.objects.annotate(
        n=Count("treatment_sessions", distinct=True) + Count("outcome_responses", distinct=True)
        + Count("soap_notes", distinct=True) + Count("pain_maps", distinct=True)
    ).order_by("-n", "id").first()
)
times = []
for _ in range({RUNS}):
    start = time.perf_counter()
    bundle = build_bundle(client_record(client))
    times.append(time.perf_counter() - start)
print(json.dumps({{"id": client.pk, "resources": len(bundle["entry"]),
                  "bytes": len(json.dumps(bundle)), "median": statistics.median(times)}}))
"""


def run() -> str:
    with demo_clinic() as (var, env):
        result = json.loads(measured(MEASURE, env))
        target = var / "record.json"
        command_s = command_seconds(
            ["export", "fhir", str(result["id"]), "--out", str(target)], env
        )
    load = os.getloadavg()[0]
    return (
        f"The demo clinic's largest client ({result['resources']} resources, "
        f"{result['bytes'] / 1000:.0f} kB of JSON), SQLite. Load average at the end of the "
        f"run: {load:.1f} (other work shared the {os.cpu_count()} cores).\n\n"
        "| Measure | Result |\n|---|---|\n"
        f"| Read, map and validate every resource (median of {RUNS}, in process) | "
        f"{result['median'] * 1000:.0f} ms |\n"
        f"| `myomap export fhir CLIENT_ID --out FILE` (fresh process, Django start-up "
        f"included) | {command_s:.1f} s |\n"
    )
