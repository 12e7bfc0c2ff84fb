"""Backup and restore of a clinic: time and archive size.

The clinic is the synthetic clinic of bench/clinic.py (5,000 clients, each a copy of one of
the demo clinic's service-made records with its intake, health checks, assessment, plan,
sessions with their taps, signed notes, outcomes and audit trail) in a fresh SQLite database.
Each step runs as the ``myomap`` command in a fresh process, as a user would run it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.clinic import build_clinic

TITLE = "Backup and restore"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "5000"))
SESSIONS_PER_CLIENT = int(os.environ.get("BENCH_SESSIONS_PER_CLIENT", "2"))
"""The clinic's size; ``BENCH_CLIENTS`` and ``BENCH_SESSIONS_PER_CLIENT`` change it."""
ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], var: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        args, check=True, cwd=ROOT, env={**env, "MYOMAP_VAR_DIR": str(var)}, capture_output=True
    )
    return time.perf_counter() - start


def _rows(database: Path) -> int:
    """Rows in every table of the SQLite file."""
    import sqlite3

    with sqlite3.connect(database) as db:
        tables = [t for (t,) in db.execute("select name from sqlite_master where type='table'")]
        return sum(db.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables)


def run() -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "myomap.settings"}
    env.pop("DATABASE_URL", None)
    myomap = [
        sys.executable,
        "-c",
        "import sys; from myomap.cli import main; sys.exit(main(sys.argv[1:]))",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        source, target = base / "source", base / "target"
        source.mkdir()
        target.mkdir()
        phrase = base / "phrase"
        phrase.write_text("benchmark passphrase\n")
        started = time.perf_counter()
        build_clinic(clients=CLIENTS, sessions_per_client=SESSIONS_PER_CLIENT, var_dir=source)
        generate_s = time.perf_counter() - started
        archive = base / "clinic.myomap-backup"
        backup_s = _run(
            [*myomap, "backup", "--to", str(archive), "--passphrase-file", str(phrase)],
            source,
            env,
        )
        verify_s = _run(
            [*myomap, "backup", "--verify", str(archive), "--passphrase-file", str(phrase)],
            source,
            env,
        )
        restore_s = _run(
            [*myomap, "restore", str(archive), "--passphrase-file", str(phrase)], target, env
        )
        load = os.getloadavg()[0]
        database_mb = (source / "myomap.sqlite3").stat().st_size / 1e6
        rows = _rows(source / "myomap.sqlite3")
        archive_mb = archive.stat().st_size / 1e6
    return (
        f"The synthetic clinic of {CLIENTS:,} clients with {SESSIONS_PER_CLIENT} sessions each "
        f"(`python -m bench clinic --clients {CLIENTS} --sessions-per-client "
        f"{SESSIONS_PER_CLIENT}`; generated in {generate_s:.0f} s; SQLite, "
        f"{database_mb:.1f} MB database file, {rows:,} rows), each step a fresh `myomap` process "
        "(Django start-up and the scrypt key derivation included). Load average of the "
        "machine at the end of the run: "
        f"{load:.1f} (other work shared the {os.cpu_count()} cores; on an idle machine the "
        "times are lower).\n\n"
        "| Measure | Result |\n|---|---|\n"
        f"| `myomap backup` (snapshot, dump, compress, encrypt) | {backup_s:.1f} s |\n"
        f"| Archive size | {archive_mb:.1f} MB |\n"
        f"| `myomap backup --verify` (decrypt, every checksum) | {verify_s:.1f} s |\n"
        f"| `myomap restore` onto a fresh SQLite database | {restore_s:.1f} s |\n"
    )
