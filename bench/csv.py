"""CSV import of a client list: 5,000 rows previewed (``--dry-run``) and imported.

The rows are generated from a seed in the shape of a practice system's export (quoted
addresses with commas and line breaks, day/month dates, a few duplicates and bad rows), and
imported into the demo clinic in a fresh SQLite database, each step a fresh ``myomap``
process as a user would run it.
"""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.clinic import FIRST, LAST

TITLE = "CSV import of clients"
ROWS = 5000
ROOT = Path(__file__).resolve().parent.parent


def write_export(path: Path, rows: int = ROWS, seed: int = 20261204) -> int:
    """A Cliniko-style export of ``rows`` clients; returns how many rows are bad on purpose."""
    rng = random.Random(seed)
    bad = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(
            ["Patient ID", "First Name", "Last Name", "Date of Birth", "Sex", "Mobile",
             "Email", "Address 1", "City", "Post Code", "Occupation"]
        )  # fmt: skip
        for i in range(rows):
            born = date(1940, 1, 1) + timedelta(days=rng.randrange(29_000))
            dob = f"{born.day:02d}/{born.month:02d}/{born.year}"
            if i % 500 == 499:
                dob, bad = "31/02/1980", bad + 1
            out.writerow(
                [
                    f'="{1558354464010667075 + i}"',
                    rng.choice(FIRST),
                    f"{rng.choice(LAST)}-{i}",
                    dob,
                    rng.choice(["Female", "Male", ""]),
                    f"0117 496 {i:04d}",
                    f"client{i}@example.org",
                    f"Flat {i % 9 + 1}, {i} Long Road\nRear entrance",
                    "Bristol",
                    "BS1 4RN",
                    rng.choice(["Nurse", "Teacher", "Courier", ""]),
                ]
            )
    return bad


def _run(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, cwd=ROOT, env=env, capture_output=True)
    return time.perf_counter() - start


def run() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "myomap.settings",
            "MYOMAP_VAR_DIR": str(base),
        }
        env.pop("DATABASE_URL", None)
        myomap = [sys.executable, "-m", "myomap.cli"]
        _run([*myomap, "demo"], env)
        export = base / "Patients-export.csv"
        bad = write_export(export)
        size_kb = export.stat().st_size / 1024
        command = [*myomap, "import", "clients", str(export), "--clinic", "harbour-street"]
        dry_s = _run([*command, "--dry-run"], env)
        import_s = _run(command, env)
        load = os.getloadavg()[0]
    return (
        f"{ROWS:,} rows ({size_kb:.0f} KB, UTF-8, quoted two-line addresses, day/month dates, "
        f"{bad} impossible dates) into the demo clinic on SQLite. Each step is a fresh "
        "`myomap` process (Django start-up included). Load average of the machine at the "
        f"end: {load:.1f} on {os.cpu_count()} cores (other work shared them).\n\n"
        "| Measure | Result |\n|---|---|\n"
        f"| `myomap import clients FILE --dry-run` (read, check every row, duplicates) "
        f"| {dry_s:.1f} s |\n"
        f"| `myomap import clients FILE` (the same, then {ROWS - bad:,} clients written with "
        f"their audit rows in one transaction) | {import_s:.1f} s |\n"
    )
