"""`myomap serve`: the production server and the task worker, started as a user would."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOKEN = "k3Qm9TzVbY0sEcReT-ToKeN-abcdef123456"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def _wait_for(condition, timeout_s: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (OSError, sqlite3.Error):
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _booked_tasks(database: Path) -> list[str]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT task_path FROM django_tasks_database_dbtaskresult").fetchall()
    return [row[0] for row in rows]


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on POSIX systems")
def test_serve_runs_gunicorn_with_the_worker_and_stops_gracefully(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "serve.log"
    # The default: SQLite in a fresh var/ folder, whatever database the suite runs on.
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"MYOMAP_VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(REPO)}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "myomap.cli", "serve", "--port", str(port), "--workers", "2"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(lambda: _get(f"{base}/healthz")[0] == 200, 120, "the server")
            assert _get(f"{base}/healthz")[1]["Server"] == "gunicorn"
            assert _get(f"{base}/static/myomap/myomap.css")[0] == 200  # WhiteNoise
            assert _get(f"{base}/i/{TOKEN}/")[0] == 404
            database = tmp_path / "var" / "myomap.sqlite3"
            assert (tmp_path / "var").stat().st_mode & 0o777 == 0o700
            assert database.stat().st_mode & 0o777 == 0o600
            assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o777 == 0o600
            headers = _get(f"{base}/login/")[1]
            assert "script-src 'self'" in headers["Content-Security-Policy"]
            assert "no-store" in headers["Cache-Control"]
            _wait_for(
                lambda: "myomap.notes.tasks.verify_note_chains" in _booked_tasks(database),
                60,
                "the task worker to book the nightly check",
            )
            server.send_signal(signal.SIGTERM)
            assert server.wait(timeout=60) == 0
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
    output = log.read_text()
    assert "Using worker: gthread" in output
    assert "Shutting down: Master" in output
    assert "shutting down gracefully" in output  # the task worker finished too
    assert '"GET /i/<link>/ HTTP/1.1" 404' in output
    assert TOKEN not in output  # neither the access log nor Django's "Not Found" line


def test_idle_connections_outlive_a_pause_between_clicks() -> None:
    """A browser or proxy reusing a connection after a pause is never reset mid-request."""
    from myomap.server import MyomapServer, ServerOptions

    server = MyomapServer(ServerOptions(host="127.0.0.1", port=_free_port(), workers=2))
    assert server.cfg.keepalive == 75


def test_each_worker_draws_a_document_before_it_serves() -> None:
    """The first report a therapist prints does not pay the renderer's start-up: every worker
    draws a page with the print stylesheet, a table and a chart before it takes requests."""
    from myomap.server import MyomapServer, ServerOptions, warm_worker

    server = MyomapServer(ServerOptions(host="127.0.0.1", port=_free_port(), workers=2))
    assert server.cfg.post_worker_init is warm_worker
    from myomap.reports.pdf import warm_up
    from tests.pdftext import pdf_text

    assert "Myomap" in pdf_text(warm_up())


def test_a_worker_loads_every_page_before_it_serves(tmp_path: Path) -> None:
    """The first request of a worker does not pay for importing the pages' code: the warm-up
    loads the URL map, in a fresh process as a server worker would. What start-up made is
    then frozen out of the garbage collector's full collections."""
    script = (
        "import sys, django; django.setup()\n"
        "from myomap.server import warm_worker\n"
        "assert 'myomap.outcomes.views' not in sys.modules\n"
        "warm_worker(None)\n"
        "import gc\n"
        "print('myomap.outcomes.views' in sys.modules, 'myomap.chart.views' in sys.modules,"
        " gc.get_freeze_count() > 10_000)\n"
    )
    env = {
        **os.environ,
        "MYOMAP_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "myomap.settings",
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True"]
