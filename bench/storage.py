"""Storage per treatment session, by table.

Two synthetic clinics of the same clients (bench/clinic.py), one with more sessions per client
than the other, each in a fresh SQLite file: what a session adds is the difference in bytes
(table and its indexes, from SQLite's ``dbstat``) and rows, divided by the difference in
sessions. The tables that do not grow with sessions show no difference.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections import defaultdict
from pathlib import Path

from bench.clinic import build_clinic

TITLE = "Storage per session"
CLIENTS = int(os.environ.get("BENCH_STORAGE_CLIENTS", "200"))
FEW, MANY = 2, 6
"""Sessions per client in the smaller and the larger clinic."""


def _audit_per_session(database: Path) -> tuple[float, float]:
    """Audit rows and bytes per session of the service-made sample (the demo clinic's clients:
    the generator's copies leave the audit trail with it)."""
    with sqlite3.connect(database) as db:
        (clinic,) = db.execute(
            "select id from clinics_clinic where slug = 'harbour-street'"
        ).fetchone()
        (sessions,) = db.execute(
            "select count(*) from treatment_sessions_treatmentsession where clinic_id = ?",
            (clinic,),
        ).fetchone()
        (rows,) = db.execute(
            "select count(*) from common_auditevent where clinic_id = ?", (clinic,)
        ).fetchone()
        (all_rows,) = db.execute("select count(*) from common_auditevent").fetchone()
        (size,) = db.execute(
            "select sum(pgsize) from dbstat where name in (select name from sqlite_master "
            "where tbl_name = 'common_auditevent')"
        ).fetchone()
    return rows / sessions, size / all_rows * rows / sessions


def _sizes(database: Path) -> tuple[dict[str, int], dict[str, int], int]:
    """Bytes (table and its indexes) and rows per table, and the treatment sessions."""
    with sqlite3.connect(database) as db:
        owner = dict(db.execute("select name, tbl_name from sqlite_master where tbl_name != ''"))
        size: dict[str, int] = defaultdict(int)
        for name, pages in db.execute("select name, sum(pgsize) from dbstat group by name"):
            size[owner.get(name, name)] += int(pages)
        tables = [t for (t,) in db.execute("select name from sqlite_master where type='table'")]
        rows = {t: int(db.execute(f'select count(*) from "{t}"').fetchone()[0]) for t in tables}
        sessions = rows.get("treatment_sessions_treatmentsession", 0)
    return dict(size), rows, sessions


def run() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        measured = []
        for per_client in (FEW, MANY):
            var = Path(tmp) / f"s{per_client}"
            var.mkdir()
            build_clinic(clients=CLIENTS, sessions_per_client=per_client, var_dir=var)
            with sqlite3.connect(var / "myomap.sqlite3") as db:
                db.execute("vacuum")
            measured.append(_sizes(var / "myomap.sqlite3"))
            if per_client == FEW:
                audit_rows, audit_bytes = _audit_per_session(var / "myomap.sqlite3")
    (size_a, rows_a, sessions_a), (size_b, rows_b, sessions_b) = measured
    added = sessions_b - sessions_a
    grown = sorted(
        (
            (size_b.get(t, 0) - size_a.get(t, 0)) / added,
            (rows_b.get(t, 0) - rows_a.get(t, 0)) / added,
            t,
        )
        for t in set(size_a) | set(size_b)
        if size_b.get(t, 0) - size_a.get(t, 0) > 0
    )[::-1]
    total = sum(b for b, _, _ in grown)
    lines = [
        f"Two synthetic clinics of {CLIENTS:,} clients (`python -m bench clinic`), with {FEW} and "
        f"{MANY} sessions per client ({sessions_a:,} and {sessions_b:,} treatment sessions), "
        "SQLite after `VACUUM`; bytes per table with its indexes from SQLite's `dbstat`. A "
        f"session adds the difference divided by the {added:,} sessions more: **{total / 1024:.1f} "
        "KiB per session** in all (each session of the generator is a copy of one of the demo's "
        "visits: its steps, every tap of the guide, its check-in and its signed note; the "
        "aftercare sheets and the home program's ticks of some; not the audit trail, which "
        "stays with the service-made sample).",
        "",
        "| Table | Bytes per session | Rows per session |",
        "|---|---|---|",
    ]
    lines += [f"| `{t}` | {b:,.0f} | {r:.1f} |" for b, r, t in grown if b >= 64]
    small = [t for b, _, t in grown if b < 64]
    if small:
        lines += ["", f"Under 64 bytes per session: {', '.join(f'`{t}`' for t in sorted(small))}."]
    lines += [
        "",
        "The audit trail, on the demo clinic's clients made through the services: "
        f"{audit_rows:.1f} rows and about {audit_bytes / 1024:.1f} KiB per session (their whole "
        "record: intake, screening, assessment, plan, the session's taps in batches, the note, "
        "questionnaires).",
        "",
        f"Database files: {sum(size_a.values()) / 1e6:.1f} MB and "
        f"{sum(size_b.values()) / 1e6:.1f} MB.",
    ]
    return "\n".join(lines) + "\n"
