"""The first printed report a fresh web process draws, with and without the worker's warm-up.

Each measurement is a new Python process on the demo clinic (SQLite): Django set up, then,
when warmed, ``myomap.server.warm_worker`` as the server's ``post_worker_init`` runs it (the
URL map loaded, one document drawn), then the progress report of one client through the test
client, timed. The reports kept by content are removed before each, so every draw is a real
one. Median of 5 per case.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TITLE = "First printed report of a process"
ROOT = Path(__file__).resolve().parent.parent
RUNS = 5

CHILD = """
import json, sys, time
import django
django.setup()
import shutil
from pathlib import Path
from django.conf import settings
from django.test import Client
from django.urls import reverse
from myomap.clinics.models import User
from myomap.outcomes.models import OutcomeResponse
if sys.argv[1] == "warm":
    from myomap.server import warm_worker
    t = time.perf_counter(); warm_worker(None); warm = time.perf_counter() - t
else:
    warm = 0.0
from myomap.outcomes.views import REPORT_FOLDER
shutil.rmtree(Path(settings.VAR_DIR) / REPORT_FOLDER, ignore_errors=True)
user = User.objects.get(username="sam")
client = Client()
client.force_login(user)
patient = OutcomeResponse.objects.filter(patient__clinic=user.clinic).values_list(
    "patient_id", flat=True).order_by("patient_id").first()
start = time.perf_counter()
response = client.get(reverse("outcomes:report", args=[patient]))
first = time.perf_counter() - start
assert response.status_code == 200 and response.content.startswith(b"%PDF")
print(json.dumps({"warm": warm, "first": first}))
"""


def _draw(case: str, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, case], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp)
        env = {**os.environ, "MYOMAP_VAR_DIR": str(var), "MYOMAP_PLAIN_STATIC": "1",
               "DATABASE_URL": f"sqlite:///{var / 'demo.sqlite3'}",
               "DJANGO_SETTINGS_MODULE": "myomap.settings", "PYTHONPATH": str(ROOT)}  # fmt: skip
        subprocess.run([sys.executable, "-m", "myomap.cli", "demo"], cwd=ROOT, env=env,
                       check=True, capture_output=True)  # fmt: skip
        cold = [_draw("cold", env)["first"] for _ in range(RUNS)]
        warmed = [_draw("warm", env) for _ in range(RUNS)]
    cold_ms = statistics.median(cold) * 1000
    first_ms = statistics.median(w["first"] for w in warmed) * 1000
    warm_ms = statistics.median(w["warm"] for w in warmed) * 1000
    return (
        "Command: `.venv/bin/python -m bench first_draw`. Demo clinic on SQLite, a fresh process "
        f"per draw, the reports kept by content removed, median of {RUNS}.\n\n"
        "| Process | First progress report, ms |\n|---|---|\n"
        f"| Not warmed | {cold_ms:.0f} |\n"
        f"| Warmed by the server before serving (the warm-up itself: {warm_ms:.0f} ms) "
        f"| {first_ms:.0f} |\n\n"
        "Before they take requests (`post_worker_init`), the server's workers load the URL map "
        "(which imports every page's code) and draw a small page with the print stylesheet, a "
        "table and a chart, so the first report a therapist asks for pays neither. Goal: under "
        "1,000 ms.\n"
    )
