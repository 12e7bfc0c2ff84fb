"""Pages at scale: every page a therapist and the owner live in, on a synthetic clinic.

``python -m bench scale`` generates the synthetic clinic (bench/clinic.py) twice, at a tenth of
the size and at the full size (``BENCH_SCALE_CLIENTS``, default 5,000 clients;
``BENCH_SCALE_SESSIONS``, default 20 finished sessions each, so 100,000 sessions), on SQLite in
a temporary folder, and again on PostgreSQL when ``DATABASE_URL`` names a database it can
connect to (e.g. ``postgres://…/postgres``; a fresh database is made beside it for each size
and dropped afterwards; the generated clinic is vacuumed, analysed and checkpointed there
before it is measured, for which the role needs ``pg_checkpoint``). One more client, copied from
the demo client with the most treatment, gets 40 sessions: the client page, the progress page
and the progress report are measured on that client. In each database every page is requested
30 times after a warm-up (the server worker's, ``myomap.server.warm_worker``, then three
requests), in one process through Django's test client, with the framework floor
(``/login/`` for a visitor) measured in the same run; the queries of one more request are
counted. The table gives each page's median and p95 at both sizes, the full size's p95 over the
floor's and over the tenth's, and whether the goals are met: p95 under 100 ms (PDFs under 1 s)
and no more than 1.2 times the tenth's.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from bench.clinic import build_clinic
from bench.demo_clinic import ROOT, measured
from bench.live import fresh_postgres

TITLE = "Pages at scale"
CLIENTS = int(os.environ.get("BENCH_SCALE_CLIENTS", "5000"))
SESSIONS = int(os.environ.get("BENCH_SCALE_SESSIONS", "20"))
RUNS = 30
PAGE_GOAL_MS = 100.0
PDF_GOAL_MS = 1000.0
GROWTH_GOAL = 1.2

MEASURE = """
import json, random, statistics, sys, time as clock
import django
django.setup()
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.clinic import FIRST, LAST, Template, _clone, _ordered_models, _rechain
from myomap.apitokens.models import TokenScope
from myomap.apitokens.services import token_create
from myomap.assessments.models import Assessment
from myomap.clinics.models import User
from myomap.demo import DEMO_SLUG
from myomap.notes.models import SoapNote
from myomap.outcomes.standing import standing_refresh
from myomap.patients.models import Patient
from myomap.plans.models import Plan
from myomap.sessions.models import TreatmentSession

RUNS = int(sys.argv[1])
settings.ALLOWED_HOSTS = ["*"]
sam = User.objects.get(username="sam")
owner = User.objects.get(username="olivia")
clinic = sam.clinic

# One client with 40 sessions, copied from the demo client with the most treatment.
demo = Patient.objects.filter(clinic__slug=DEMO_SLUG).order_by("pk")
richest = max(demo, key=lambda p: TreatmentSession.objects.filter(patient=p).count())
with transaction.atomic():
    person = {"first_name": FIRST[0], "last_name": LAST[0], "preferred_name": "",
              "date_of_birth": richest.date_of_birth, "phone": "0117 496 0040",
              "email": "forty@example.org"}
    big = _clone(Template(richest, _ordered_models()), person, 40, random.Random())
    _rechain([big])
    standing_refresh(Patient.objects.get(pk=big))
assessment = Assessment.objects.filter(patient_id=big).order_by("-pk").first()
plan = Plan.objects.filter(patient_id=big).order_by("-pk").first()
session = TreatmentSession.objects.filter(patient_id=big).order_by("-number").first()
note = SoapNote.objects.filter(patient_id=big, status="signed").order_by("-pk").first()
_, token = token_create(actor=sam, name="bench", scope=TokenScope.READ, days=30)

# As a server worker does before it serves (myomap.server.warm_worker).
from myomap.server import warm_worker
warm_worker(None)
therapist, boss, visitor = Client(), Client(), Client()
therapist.force_login(sam)
boss.force_login(owner)
api = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
PAGES = {
    "Floor: the login page": (visitor, "/login/", {}),
    "Client list": (therapist, reverse("patients:list"), {}),
    "Client list, a search": (therapist, reverse("patients:list") + "?q=" + LAST[1], {}),
    "Client page (40 sessions)": (therapist, reverse("chart:client", args=[big]), {}),
    "Today": (therapist, reverse("appointments:today"), {}),
    "Day calendar": (therapist, reverse("appointments:day"), {}),
    "Assessment": (therapist, reverse("assessments:detail", args=[big, assessment.pk]), {}),
    "Plan": (therapist, reverse("plans:detail", args=[big, plan.pk]), {}),
    "Session summary": (therapist, reverse("sessions:detail", args=[big, session.pk]), {}),
    "Note": (therapist, reverse("notes:detail", args=[big, note.pk]), {}),
    "Progress": (therapist, reverse("outcomes:progress", args=[big]), {}),
    "Outcomes dashboard": (therapist, reverse("outcomes:dashboard"), {}),
    "Audit log, a search": (boss, reverse("audit_log") + "?q=" + LAST[2], {}),
    "API: clients": (visitor, "/api/v1/clients?limit=50", api),
    "API: one client": (visitor, f"/api/v1/clients/{big}", api),
    "API: outcomes": (visitor, f"/api/v1/clients/{big}/outcomes", api),
    "PDF: progress report": (therapist, reverse("outcomes:report", args=[big]), {}),
    "PDF: signed note": (therapist, reverse("notes:pdf", args=[big, note.pk]), {}),
}
result = {}
for name, (client, url, headers) in PAGES.items():
    for _ in range(3):
        status = client.get(url, **headers).status_code
        assert status == 200, (name, url, status)
    times = []
    for _ in range(RUNS):
        start = clock.perf_counter()
        client.get(url, **headers)
        times.append((clock.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, **headers)
    times.sort()
    result[name] = {"p50": statistics.median(times), "p95": times[int(RUNS * 0.95) - 1],
                    "queries": len(queries)}
print(json.dumps({"database": connection.vendor,
                  "clients": Patient.objects.filter(clinic=clinic).count(),
                  "sessions": TreatmentSession.objects.filter(clinic=clinic).count(),
                  "pages": result}))
"""


def _measure_at(database_url: str, var_dir: Path, clients: int) -> dict[str, object]:
    build_clinic(
        clients=clients, sessions_per_client=SESSIONS, database_url=database_url, var_dir=var_dir
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "myomap.settings",
        "DATABASE_URL": database_url,
        "MYOMAP_VAR_DIR": str(var_dir),
        "MYOMAP_PLAIN_STATIC": "1",
    }
    result: dict[str, object] = json.loads(measured(MEASURE, env, str(RUNS)))
    return result


def _one_database(postgres: str | None) -> tuple[dict[str, object], dict[str, object]]:
    """The tenth and the full size, each in a fresh database of its own."""
    sizes = []
    for clients in (max(1, CLIENTS // 10), CLIENTS):
        with tempfile.TemporaryDirectory() as tmp:
            if postgres is None:
                sqlite = f"sqlite:///{Path(tmp) / 'myomap.sqlite3'}"
                sizes.append(_measure_at(sqlite, Path(tmp), clients))
            else:
                with fresh_postgres(postgres) as url:
                    sizes.append(_measure_at(url, Path(tmp), clients))
    return sizes[0], sizes[1]


def _verdict(name: str, p95: float, growth: float) -> str:
    goal = PDF_GOAL_MS if name.startswith("PDF") else PAGE_GOAL_MS
    if name.startswith("Floor"):
        return ""
    misses = []
    if p95 >= goal:
        misses.append(f"p95 ≥ {goal:.0f} ms")
    if growth > GROWTH_GOAL:
        misses.append(f"grows {growth:.2f}×")
    return "met" if not misses else "not met: " + ", ".join(misses)


def table(small: dict[str, Any], large: dict[str, Any]) -> str:
    """One database's Markdown table."""
    pages_small: dict[str, dict[str, float]] = small["pages"]
    pages_large: dict[str, dict[str, float]] = large["pages"]
    floor = pages_large["Floor: the login page"]["p95"]
    rows = []
    for name, big in pages_large.items():
        tenth = pages_small[name]
        growth = big["p95"] / tenth["p95"] if tenth["p95"] else 0.0
        rows.append(
            f"| {name} | {tenth['p50']:.1f} / {tenth['p95']:.1f} | {tenth['queries']:.0f} | "
            f"{big['p50']:.1f} / {big['p95']:.1f} | {big['queries']:.0f} | "
            f"{big['p95'] / floor:.1f}× | {growth:.2f}× | {_verdict(name, big['p95'], growth)} |"
        )
    return (
        f"### {large['database']}: {small['clients']:,} clients and {small['sessions']:,} "
        f"sessions, then {large['clients']:,} and {large['sessions']:,}\n\n"
        "| Page | p50 / p95 ms, a tenth | Queries | p50 / p95 ms, full size | Queries | "
        "p95 ÷ floor | p95 full ÷ tenth | Goal |\n|---|---|---|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n"
    )


def _reachable(url: str) -> None:
    """Refuse at once, before the long SQLite part, a PostgreSQL ``url`` that cannot be used."""
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=10).close()
    except psycopg.Error as exc:
        raise SystemExit(f"bench scale: DATABASE_URL cannot be used: {exc}".strip()) from None


def run() -> str:
    postgres = os.environ.get("DATABASE_URL", "")
    if postgres.startswith("postgres"):
        _reachable(postgres)
    parts = [table(*_one_database(None))]
    if postgres.startswith("postgres"):
        parts.append(table(*_one_database(postgres)))
    return (
        f"The synthetic clinic (`python -m bench clinic`), {SESSIONS} finished sessions per "
        "client, and one client with 40 sessions (the client page, progress and its report "
        f"are that client's). Median and p95 of {RUNS} requests after a warm-up through "
        "Django's test client in one process; queries counted on one more request. Goals: "
        f"p95 under {PAGE_GOAL_MS:.0f} ms (PDFs {PDF_GOAL_MS:.0f} ms) and at most "
        f"{GROWTH_GOAL}× the tenth's p95. Load average at the end: {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} shared cores.\n\n" + "\n".join(parts)
    )
