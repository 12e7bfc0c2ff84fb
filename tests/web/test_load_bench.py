"""The load test of bench/load.py runs against a live `myomap serve`: a short run, no timing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.live import LOGIN
from bench.load import GROUPS, load_run

REPO = Path(__file__).resolve().parents[2]


def test_a_short_load_run_exercises_every_group_without_an_error() -> None:
    result = load_run(users=3, seconds=6, wait_s=(0.0, 0.2), cover=True)
    assert result.database == "SQLite"
    assert result.errors == []
    assert len(result.times[LOGIN]) == 3 * 2  # each user's login page and login
    missing = [group for group in GROUPS if not result.times.get(group)]
    assert missing == []
    table = result.table()
    assert all(f"| {group} |" in table for group in GROUPS)
    assert "| **All pages** |" in table


def test_a_load_run_out_of_bounds_is_refused_naming_the_option() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "load", "--users", "500", "--seconds", "5"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "--users must be 1 to 200 (got 500)" in done.stderr
