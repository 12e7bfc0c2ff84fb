"""`myomap serve` on the demo clinic, started for a benchmark as a user would start it.

``LiveServer(var_dir, database_url=None)`` loads the demo clinic into a fresh database
(SQLite in ``var_dir`` unless a PostgreSQL ``database_url`` is given), gives the demo therapist
a read-and-write API token, collects the pages of the clinic's records to visit, then serves
with ``myomap serve`` on a free loopback port until the ``with`` block ends (SIGTERM, then a
kill after 60 s). ``fresh_postgres(url)`` makes an empty database beside the one ``url`` names
and drops it afterwards.
"""

from __future__ import annotations

import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
THERAPIST = "sam"
"""The demo therapist whose working day the load test plays."""
START_TIMEOUT_S = 180
FLOOR = "Floor: /login/"
"""The load test's group for the framework's floor: the login page, without a session."""
LOGIN = "Log in"
"""The load test's group for each virtual user's login."""


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Targets:
    """What a benchmark may visit: the therapist's login, token and record pages."""

    username: str
    password: str
    token: str
    pages: dict[str, list[str]]
    api: dict[str, list[str]]
    photo_uploads: list[str]


def targets_main() -> None:
    """In a Django process: print the demo clinic's targets as JSON (run by ``LiveServer``)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myomap.settings")
    import django

    django.setup()
    from django.urls import reverse

    from myomap.apitokens.models import TokenScope
    from myomap.apitokens.services import token_create
    from myomap.assessments.models import Assessment
    from myomap.clinics.models import User
    from myomap.demo import DEMO_PASSWORD
    from myomap.notes.models import SoapNote
    from myomap.patients.models import Patient
    from myomap.plans.models import Plan

    user = User.objects.get(username=THERAPIST)
    clinic = user.clinic
    patients = list(
        Patient.objects.filter(clinic=clinic, archived_at__isnull=True).values_list("pk", flat=True)
    )
    assessments = list(Assessment.objects.filter(clinic=clinic).values_list("patient_id", "pk"))
    plans = list(Plan.objects.filter(clinic=clinic).values_list("patient_id", "pk"))
    notes = list(SoapNote.objects.filter(clinic=clinic).values_list("patient_id", "pk"))
    _, token = token_create(actor=user, name="load test", scope=TokenScope.WRITE, days=30)
    targets = Targets(
        username=THERAPIST,
        password=DEMO_PASSWORD,
        token=token,
        pages={
            "Today": [reverse("appointments:today")],
            "Client list": [reverse("patients:list")],
            "Client page": [reverse("chart:client", args=[p]) for p in patients],
            "Assessment": [reverse("assessments:detail", args=a) for a in assessments],
            "Plan": [reverse("plans:detail", args=p) for p in plans],
            "Note": [reverse("notes:detail", args=n) for n in notes],
            "Progress": [reverse("outcomes:progress", args=[p]) for p in patients],
            "Dashboard": [reverse("outcomes:dashboard")],
        },
        api={
            "API referral": ["/api/v1/referral"],
            "API outcomes": [f"/api/v1/clients/{p}/outcomes" for p in patients],
        },
        photo_uploads=[reverse("assessments:photo_upload", args=a) for a in assessments],
    )
    empty = [name for name, urls in {**targets.pages, **targets.api}.items() if not urls]
    if empty:
        raise SystemExit(f"the demo clinic has nothing to visit for {', '.join(empty)}")
    print(json.dumps(targets.__dict__))


class LiveServer:
    """``myomap serve`` on the demo clinic; a context manager."""

    def __init__(
        self,
        var_dir: Path,
        *,
        database_url: str | None = None,
        workers: int | None = None,
        log: Path | None = None,
    ) -> None:
        self.var_dir = var_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.log = log or var_dir.parent / f"serve-{self.port}.log"
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env |= {
            "MYOMAP_VAR_DIR": str(var_dir),
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "myomap.settings",
        }
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.process: subprocess.Popen[bytes] | None = None
        self.targets: Targets | None = None

    def _python(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=self.env, capture_output=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr.decode()[-3000:]}")
        return done.stdout.decode()

    def __enter__(self) -> LiveServer:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self._python("-m", "myomap.cli", "demo")
        out = self._python("-c", "from bench.live import targets_main; targets_main()")
        self.targets = Targets(**json.loads(out.strip().splitlines()[-1]))
        command = [sys.executable, "-m", "myomap.cli", "serve", "--port", str(self.port)]
        if self.workers:
            command += ["--workers", str(self.workers)]
        with self.log.open("wb") as out_file:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out_file, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"myomap serve exited; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return self
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.5)
        self.__exit__(None, None, None)
        raise RuntimeError(f"myomap serve did not answer within {START_TIMEOUT_S} s")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def fresh_postgres(url: str) -> Iterator[str]:
    """An empty PostgreSQL database beside the one ``url`` names; dropped afterwards."""
    import psycopg

    base, _, _ = url.rpartition("/")
    name = f"myomap_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        _drop(url, name)


def _drop(url: str, name: str) -> None:
    """Drop the benchmark's database. FORCE ends its sessions; a session a plain role may not
    end (an autovacuum worker after a bulk load) is waited for instead. A database that will
    not go is named on stderr, so the measurements already taken are still written."""
    import psycopg

    for attempt in range(30):
        try:
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            time.sleep(min(10, 1 + attempt))
    print(f"bench: could not drop the database {name}; drop it by hand", file=sys.stderr)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` from 0 to 1) of ``values``; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages, as ``uptime`` prints them."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())
