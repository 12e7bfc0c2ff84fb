"""The load test: virtual therapists against ``myomap serve`` on the demo clinic.

``python -m bench load [--users 50] [--seconds 120]`` starts ``myomap serve`` (bench/live.py)
on a free loopback port with a fresh var dir on SQLite, and again on a fresh PostgreSQL
database when ``DATABASE_URL`` is set, then runs Locust headless (bench/load_users.py, a
process of its own) against it. It reports the errors and, per group of requests, p50, p95 and
p99 and their ratio to the framework's floor: ``/login/`` for a visitor, measured in the same
run. ``make bench`` runs it with the defaults (``BENCH_LOAD_USERS``, ``BENCH_LOAD_SECONDS``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.live import FLOOR, ROOT, LiveServer, fresh_postgres, load_average, percentile

TITLE = "Load test"
USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "120"))
MAX_USERS = 200
MAX_SECONDS = 900
PAGES = (
    "Today",
    "Client list",
    "Client page",
    "Assessment",
    "Plan",
    "Note",
    "Progress",
    "Dashboard",
)
API = ("API referral", "API outcomes")
GROUPS = (*PAGES, *API, FLOOR)
"""Every group a run must exercise."""


@dataclass
class LoadResult:
    """One run: each group's response times (ms) and every error."""

    database: str
    users: int
    seconds: int
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    load: str = ""

    def requests(self) -> int:
        return sum(len(ms) for ms in self.times.values())

    def row(self, name: str, ms: list[float]) -> str:
        if not ms:
            return f"| {name} | 0 | – | – | – | – |"
        floor = self.times.get(FLOOR, [])
        f50, f95 = percentile(floor, 0.5), percentile(floor, 0.95)
        p50, p95, p99 = (percentile(ms, share) for share in (0.5, 0.95, 0.99))
        ratio = f"{p50 / f50:.1f}× / {p95 / f95:.1f}×" if f50 and f95 else "–"
        return f"| {name} | {len(ms):,} | {p50:.0f} | {p95:.0f} | {p99:.0f} | {ratio} |"

    def table(self) -> str:
        pages = [ms for name in PAGES for ms in self.times.get(name, [])]
        lines = [
            "| Group | Requests | p50 ms | p95 ms | p99 ms | p50 / p95 × floor |",
            "|---|---|---|---|---|---|",
            *(self.row(name, self.times.get(name, [])) for name in GROUPS),
            self.row("**All pages**", pages),
        ]
        return "\n".join(lines)


def load_run(
    *,
    users: int,
    seconds: int,
    database_url: str | None = None,
    wait_s: tuple[float, float] = (1.0, 3.0),
    cover: bool = False,
) -> LoadResult:
    """Serve the demo clinic on a fresh database and run ``users`` therapists for ``seconds``,
    each waiting ``wait_s`` between requests (``cover``: each visits every group once first)."""
    if not (1 <= users <= MAX_USERS and 1 <= seconds <= MAX_SECONDS):
        raise ValueError(f"users 1 to {MAX_USERS} and seconds 1 to {MAX_SECONDS}")
    result = LoadResult("PostgreSQL" if database_url else "SQLite", users, seconds)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        with LiveServer(base / "var", database_url=database_url) as server:
            assert server.targets is not None
            targets, out = base / "targets.json", base / "results.json"
            targets.write_text(json.dumps(server.targets.__dict__))
            started = time.monotonic()
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.load_users",
                    str(targets),
                    server.url,
                    str(users),
                    str(seconds),
                    str(out),
                    *(str(w) for w in wait_s),
                    *(["cover"] if cover else []),
                ],
                cwd=ROOT,
                env={**server.env, "PYTHONPATH": str(ROOT)},
                capture_output=True,
                timeout=seconds + 300,
                check=False,
            )
            if done.returncode != 0 or not out.exists():
                raise RuntimeError(f"the load test failed:\n{done.stderr.decode()[-3000:]}")
            result.load = load_average()
            result.seconds = round(time.monotonic() - started)
            recorded = json.loads(out.read_text())
            result.times = {name: entry["ms"] for name, entry in recorded.items()}
            result.errors = [e for entry in recorded.values() for e in entry["errors"]]
    return result


def report(results: list[LoadResult]) -> str:
    """The Markdown section: how it was run, then one table per database."""
    parts = [
        f"`myomap serve` (gunicorn, default workers and threads, the task worker beside it) on "
        f"the demo clinic, fresh database; Locust in its own process on the same "
        f"{os.cpu_count()} cores, each virtual user a therapist logged in as `sam` who waits "
        "1–3 s between requests and picks, by weight: Today 4, client list 3, client page 5, "
        "assessment 3, plan 3, note 3, progress 3, outcomes dashboard 1, `POST "
        "/api/v1/referral` 1 and `GET /api/v1/clients/{id}/outcomes` 1 (Bearer token), and 2 "
        f"visits to `/login/` without a session (the floor: the framework, the middleware and "
        "one template, no record read). Ratios are each group's p50 and p95 divided by the "
        "floor's in the same run. PostgreSQL runs when `DATABASE_URL` names a server: a fresh "
        "database is made beside it and dropped afterwards. A short run: `python -m bench "
        "load --users 5 --seconds 10` (printed, not written here). These machines are "
        "shared: the load average is stated, and times on an idle machine are lower."
    ]
    for result in results:
        parts.append(
            f"### {result.database}: {result.users} users, {result.seconds} s\n\n"
            f"{result.requests():,} requests, **{len(result.errors)} errors**; load average "
            f"at the end: {result.load}.\n\n{result.table()}"
        )
        if result.errors:
            parts.append(
                "Errors (first 10):\n\n" + "\n".join(f"- `{e}`" for e in result.errors[:10])
            )
    return "\n\n".join(parts)


def run(users: int = USERS, seconds: int = SECONDS) -> str:
    results = [load_run(users=users, seconds=seconds)]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        with fresh_postgres(url) as fresh:
            results.append(load_run(users=users, seconds=seconds, database_url=fresh))
    return report(results)


def main(argv: list[str]) -> int:
    """``python -m bench load --users N --seconds N``: a run of chosen size, printed only."""
    parser = argparse.ArgumentParser(prog="python -m bench load")
    parser.add_argument("--users", type=int, default=USERS, help=f"1 to {MAX_USERS}")
    parser.add_argument("--seconds", type=int, default=SECONDS, help=f"1 to {MAX_SECONDS}")
    args = parser.parse_args(argv)
    if not (1 <= args.users <= MAX_USERS and 1 <= args.seconds <= MAX_SECONDS):
        print(
            f"bench load: --users must be 1 to {MAX_USERS} (got {args.users}) and --seconds "
            f"1 to {MAX_SECONDS} (got {args.seconds})",
            file=sys.stderr,
        )
        return 2
    print(run(args.users, args.seconds))
    return 0
