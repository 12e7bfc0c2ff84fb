"""The demo clinic in a fresh folder, for benchmarks that measure in processes of their own."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MYOMAP = [
    sys.executable,
    "-c",
    "import sys; from myomap.cli import main; sys.exit(main(sys.argv[1:]))",
]
"""The ``myomap`` command, as a fresh process (Django start-up included)."""


@contextmanager
def demo_clinic(*, keep_database_url: bool = False) -> Iterator[tuple[Path, dict[str, str]]]:
    """A temporary var folder with the demo clinic loaded (on SQLite there unless
    ``keep_database_url``): yields the folder and the environment that points at it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "myomap.settings"}
    if not keep_database_url:
        env.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory() as tmp:
        env["MYOMAP_VAR_DIR"] = tmp
        subprocess.run([*MYOMAP, "demo"], check=True, cwd=ROOT, env=env, capture_output=True)
        yield Path(tmp), env


def measured(script: str, env: dict[str, str], *args: str) -> str:
    """The last line a measuring script (run with ``python -c``) prints."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        check=True,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def command_seconds(args: list[str], env: dict[str, str]) -> float:
    """Seconds one ``myomap`` command takes in a fresh process."""
    start = time.perf_counter()
    subprocess.run([*MYOMAP, *args], check=True, cwd=ROOT, env=env, capture_output=True)
    return time.perf_counter() - start
