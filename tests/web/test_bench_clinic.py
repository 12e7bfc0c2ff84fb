"""The synthetic clinic generator makes a clinic whose records hold together."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bench.clinic import build_clinic
from myomap.common import search

REPO = Path(__file__).resolve().parents[2]


def client_keys(
    first: str, last: str, preferred: str, email: str, phone: str, born: str
) -> set[str]:
    return search.client_keys(
        names=(first, last, preferred),
        email=email,
        phone_digits=phone,
        born=date.fromisoformat(born),
    )


def test_a_small_synthetic_clinic_is_complete_and_its_notes_verify(tmp_path):  # type: ignore[no-untyped-def]
    url = build_clinic(clients=16, sessions_per_client=8, seed=7, var_dir=tmp_path)
    database = tmp_path / "myomap.sqlite3"
    assert url == f"sqlite:///{database}"
    with sqlite3.connect(database) as db:
        demo = db.execute("select id from clinics_clinic where slug='harbour-street'").fetchone()[0]
        patients = [
            pk
            for (pk,) in db.execute(
                "select id from patients_patient where clinic_id=? order by id", (demo,)
            )
        ]
        assert len(patients) == 16
        # Every copied link has a shared row of its own, and no shared row is left without
        # what it opens (a home program link is copied with each copy of its session).
        details = [
            f"select private_id from {table}"
            for table in ("intake_intakelink", "aftercare_homeprogramlink",
                          "outcomes_questionnairelink", "treatment_sessions_checkinlink",
                          "appointments_appointmentlink")
        ]  # fmt: skip
        linked = [pk for (pk,) in db.execute(" union all ".join(details))]
        shared = [pk for (pk,) in db.execute("select id from common_privatelink")]
        assert sorted(linked) == sorted(shared)
        # Every client has the standing registering gives, the never measured too.
        standings = db.execute(
            "select p.id, s.active, s.last_taken is null, s.due_at = p.created_at "
            "from patients_patient p left join outcomes_progressstanding s on s.patient_id = p.id"
        ).fetchall()
        assert all(active == 1 for _, active, _, _ in standings)
        assert all(same for _, _, never, same in standings if never)
        # Every client screened carries their first screening's time, the copies too.
        marks = db.execute(
            "select p.first_screened_at, min(s.created_at) from patients_patient p "
            "left join screening_screening s on s.patient_id = p.id group by p.id"
        ).fetchall()
        assert all(mark == first for mark, first in marks)
        assert sum(first is not None for _, first in marks) > 12
        copies = patients[12:]  # after the twelve service-made clients
        for pk in copies:
            numbers = [
                n
                for (n,) in db.execute(
                    "select number from treatment_sessions_treatmentsession "
                    "where patient_id=? order by number",
                    (pk,),
                )
            ]
            assert numbers == list(range(1, 9))
            events = db.execute(
                "select count(*) from treatment_sessions_sessionevent e join "
                "treatment_sessions_treatmentsession s on e.session_id=s.id where s.patient_id=?",
                (pk,),
            ).fetchone()[0]
            assert events > 0
            assert (
                db.execute(
                    "select count(*) from intake_intake where patient_id=?", (pk,)
                ).fetchone()[0]
                == 1
            )
        names = db.execute(
            "select first_name, last_name, date_of_birth from patients_patient where id in "
            f"({','.join('?' * len(copies))}) order by id",
            copies,
        ).fetchall()
        # Each copy is found by its own name, not by its template's.
        for pk, (first, last, _born) in zip(copies, names, strict=True):
            keys = {
                k
                for (k,) in db.execute(
                    "select key from patients_patientsearchkey where patient_id=?", (pk,)
                )
            }
            assert {search.fold(first), search.fold(last)} <= keys
            assert keys == client_keys(
                *db.execute(
                    "select first_name, last_name, preferred_name, email, phone_digits, "
                    "date_of_birth from patients_patient where id=?",
                    (pk,),
                ).fetchone()
            )
    assert len(set(names)) == len(names)
    env = {**os.environ, "DATABASE_URL": url, "MYOMAP_VAR_DIR": str(tmp_path)}
    env["PYTHONPATH"] = str(REPO)
    checked = subprocess.run(
        [sys.executable, "-m", "myomap.cli", "verify-notes"],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "match their hashes" in checked.stdout


def test_on_postgresql_the_clinic_is_vacuumed_and_analysed_before_it_is_measured(tmp_path):  # type: ignore[no-untyped-def]
    """Pages at scale are not measured while autovacuum works through the bulk copies."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("PostgreSQL's statistics")
    import psycopg

    from bench.clinic import MAY_CHECKPOINT
    from bench.live import fresh_postgres

    with psycopg.connect(url) as db:
        may_checkpoint = db.execute(MAY_CHECKPOINT).fetchone()
        requested = db.execute("select checkpoints_req from pg_stat_bgwriter").fetchone()
    with fresh_postgres(url) as fresh:
        build_clinic(clients=2, sessions_per_client=1, seed=7, database_url=fresh, var_dir=tmp_path)
        with psycopg.connect(fresh) as db:
            settled = db.execute(
                "select relname, last_vacuum is not null and last_analyze is not null "
                "from pg_stat_user_tables where relname in "
                "('patients_patient', 'treatment_sessions_sessionevent', 'common_auditevent')"
            ).fetchall()
            written = db.execute("select checkpoints_req from pg_stat_bgwriter").fetchone()
    assert sorted(settled) == [
        ("common_auditevent", True),
        ("patients_patient", True),
        ("treatment_sessions_sessionevent", True),
    ]
    if may_checkpoint == (True,):  # a role in pg_checkpoint: the pages were written out too
        assert written is not None and requested is not None and written[0] > requested[0]
