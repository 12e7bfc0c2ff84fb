"""Run the benchmarks and write their results to docs/benchmarks.md.

Usage: ``python -m bench [NAME ...]`` (``make bench`` runs all); ``python -m bench clinic ...``
generates a synthetic clinic (bench/clinic.py); ``python -m bench load --users N --seconds N``
runs a load test of chosen size and prints it (bench/load.py). Each benchmark module
offers ``TITLE`` and ``run() -> str`` (its Markdown body); the file keeps one section per
benchmark, so running one benchmark leaves the others' last results in place.
"""

from __future__ import annotations

import importlib
import os
import platform
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

BENCHMARKS = (
    "knowledge",
    "interactions",
    "language",
    "backup",
    "csv",
    "slots",
    "calendar",
    "fhir",
    "record",
    "first_draw",
    "load",
    "uploads",
    "storage",
    "scale",
)
OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\nWritten by `make bench` (`.venv/bin/python -m bench`); do not edit by hand.\n"
)


def machine() -> str:
    """One line describing where the numbers were measured."""
    return (
        f"{os.cpu_count()} cores, {platform.machine()}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    return {part.split("\n", 1)[0].strip(): "## " + part.rstrip() + "\n" for part in parts}


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(
            f"bench: unknown benchmark {unknown[0]!r}; one of {', '.join(BENCHMARKS)}",
            file=sys.stderr,
        )
        return 2
    sections = _sections(OUTPUT.read_text("utf-8")) if OUTPUT.exists() else {}
    for name in names or BENCHMARKS:
        module = importlib.import_module(f"bench.{name}")
        print(f"bench: running {name} ...", file=sys.stderr)
        body = module.run()
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        sections[module.TITLE] = (
            f"## {module.TITLE}\n\n"
            f"Machine: {machine()}. Measured {stamp} with "
            f"`.venv/bin/python -m bench {name}`.\n\n{body.strip()}\n"
        )
        print(sections[module.TITLE])
    ordered = [sections.pop(importlib.import_module(f"bench.{n}").TITLE, "") for n in BENCHMARKS]
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(
        HEADER + "\n" + "\n".join(s for s in [*ordered, *sections.values()] if s), "utf-8"
    )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["clinic"]:
        from bench.clinic import main as clinic_main

        sys.exit(clinic_main(sys.argv[2:]))
    if sys.argv[1:2] == ["load"] and sys.argv[2:3] and sys.argv[2].startswith("-"):
        from bench.load import main as load_main

        sys.exit(load_main(sys.argv[2:]))
    sys.exit(main(sys.argv[1:]))
