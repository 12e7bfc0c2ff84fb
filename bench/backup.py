"""Backup and restore of a clinic: time and archive size.

The clinic is the demo clinic plus 5,000 synthetic clients (name, birth date, contact,
physician) and one audit row each, in a fresh SQLite database of its own. Each step runs as
the ``myomap`` command in a fresh process, as a user would run it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TITLE = "Backup and restore"
CLIENTS = 5000
ROOT = Path(__file__).resolve().parent.parent

FILL = f"""
import django, random
from datetime import date, timedelta
django.setup()
from myomap.clinics.models import Clinic
from myomap.common.models import AuditEvent
from myomap.patients.models import Patient
clinic = Clinic.objects.get(slug="harbour-street")
rng = random.Random(20261204)
people = [
    Patient(
        clinic=clinic, first_name=f"Client{{i}}", last_name=rng.choice(["Shaw", "Patel", "Jones"]),
        date_of_birth=date(1950, 1, 1) + timedelta(days=rng.randrange(20000)),
        phone=f"0117 496 {{i:04d}}", email=f"client{{i}}@example.org",
        address=f"{{i}} Long Road\\nBristol", physician_name="Dr Helen Shaw",
    )
    for i in range({CLIENTS})
]
Patient.objects.bulk_create(people, batch_size=1000)
AuditEvent.objects.bulk_create(
    [AuditEvent(clinic=clinic, actor_label="bench", action="create", object_type="Patient",
                summary=f"Client{{i}} added") for i in range({CLIENTS})], batch_size=1000)
"""


def _run(args: list[str], var: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        args, check=True, cwd=ROOT, env={**env, "MYOMAP_VAR_DIR": str(var)}, capture_output=True
    )
    return time.perf_counter() - start


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
        _run([*myomap, "demo"], source, env)
        _run([sys.executable, "-c", FILL], source, env)
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
        archive_mb = archive.stat().st_size / 1e6
    return (
        f"The demo clinic plus {CLIENTS:,} synthetic clients (SQLite, {database_mb:.1f} MB "
        "database file), each step a fresh `myomap` process (Django start-up and the scrypt "
        "key derivation included). Load average of the machine at the end of the run: "
        f"{load:.1f} (other work shared the {os.cpu_count()} cores; on an idle machine the "
        "times are lower).\n\n"
        "| Measure | Result |\n|---|---|\n"
        f"| `myomap backup` (snapshot, dump, compress, encrypt) | {backup_s:.1f} s |\n"
        f"| Archive size | {archive_mb:.1f} MB |\n"
        f"| `myomap backup --verify` (decrypt, every checksum) | {verify_s:.1f} s |\n"
        f"| `myomap restore` onto a fresh SQLite database | {restore_s:.1f} s |\n"
    )
