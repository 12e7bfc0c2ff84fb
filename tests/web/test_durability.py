"""Nothing acknowledged is lost when the server is killed mid-write.

`myomap serve` runs on SQLite in a fresh folder; a writer registers clients through the API as
fast as the server answers; the whole process group (gunicorn's master, its workers and the task
worker) is killed with SIGKILL while writes are in flight, three times. Every client the server
answered 201 for must be in the database afterwards, and the database must pass SQLite's
integrity check.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.web.test_serve import REPO, _free_port, _get, _wait_for

ROUNDS = 3
WRITES_BEFORE_KILL = 25
"""The kill comes once this many writes of the round were acknowledged (more are in flight)."""

SETUP = """
import os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myomap.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from myomap.apitokens.services import token_create
from myomap.clinics.models import Clinic, Role, User
clinic = Clinic.objects.create(name="Durability clinic", slug="durability")
owner = User.objects.create_user(
    username="owner", password="a long enough password 2026", clinic=clinic, role=Role.OWNER
)
print(token_create(actor=owner, name="durability", scope="write", days=30)[1])
"""


class Writer(threading.Thread):
    """Registers clients one after another until stopped; remembers what was acknowledged."""

    def __init__(self, base: str, token: str, round_: int) -> None:
        super().__init__(daemon=True)
        self.base, self.token, self.round = base, token, round_
        self.acknowledged: list[tuple[int, str]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            last_name = f"Round{self.round}Write{n}"
            body = json.dumps(
                {"first_name": "Durable", "last_name": last_name, "date_of_birth": "1980-01-01"}
            ).encode()
            request = urllib.request.Request(
                f"{self.base}/api/v1/clients",
                data=body,
                method="POST",
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    if response.status == 201:
                        self.acknowledged.append((json.load(response)["id"], last_name))
            except (urllib.error.URLError, http.client.HTTPException, OSError):
                # The server is gone: whatever was in flight, even a 201 whose body was cut
                # off (IncompleteRead), was never acknowledged with its id.
                return


def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "myomap.cli", "serve", "--port", str(port), "--workers", "2"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so one kill reaches every process
        )


@pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGKILL are POSIX")
def test_no_acknowledged_write_is_lost_when_the_server_is_killed(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"MYOMAP_VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(REPO)}
    token = subprocess.run(
        [sys.executable, "-c", SETUP], cwd=REPO, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    log = tmp_path / "serve.log"
    acknowledged: list[tuple[int, str]] = []
    for round_ in range(1, ROUNDS + 1):
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = _serve(env, port, log)
        try:
            _wait_for(lambda: _get(f"{base}/healthz")[0] == 200, 120, "the server")  # noqa: B023
            writer = Writer(base, token, round_)
            writer.start()
            _wait_for(
                lambda: len(writer.acknowledged) >= WRITES_BEFORE_KILL,  # noqa: B023
                120,
                "writes to be acknowledged",
            )
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
            writer.stop.set()
            writer.join(timeout=30)
            assert not writer.is_alive()
            acknowledged += writer.acknowledged
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        time.sleep(0.5)  # the killed processes' sockets and locks are released
    with sqlite3.connect(tmp_path / "var" / "myomap.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = dict(db.execute("SELECT id, last_name FROM patients_patient").fetchall())
    lost = [(pk, name) for pk, name in acknowledged if stored.get(pk) != name]
    assert len(acknowledged) >= ROUNDS * WRITES_BEFORE_KILL
    assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged writes lost: {lost[:5]}"
