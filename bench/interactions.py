"""Interactions needed to document a standard follow-up session, counted in a real browser.

Runs the browser journey ``tests/browser/test_treatment_journey.py::test_a_follow_up_session_
of_six_trigger_points`` (headless Debian Chromium), which counts every press (click, tap) and
keystroke that reaches the pages from opening the session to the signed note.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

TITLE = "Interactions to document a follow-up session"
GOAL = 25
TEST = "tests/browser/test_treatment_journey.py::test_a_follow_up_session_of_six_trigger_points"


def measure() -> dict[str, object]:
    """Run the journey once and return what it counted."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "interactions.json"
        env = {**os.environ, "MYOMAP_INTERACTIONS_OUT": str(out), "MYOMAP_REQUIRE_BROWSER": "1"}
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", TEST],
            check=True,
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
        )
        found: dict[str, object] = json.loads(out.read_text("utf-8"))
        return found


def run() -> str:
    found = measure()
    total = int(str(found["total"]))
    steps = found.get("steps", [])
    met = "met" if total <= GOAL else "NOT met"
    lines = [
        "A follow-up session of six trigger points, from the client page's “Start session” to "
        "the signed SOAP note, in headless Chromium on a tablet viewport. Counted in the page: "
        "every pointer press (click or tap) and every keystroke.",
        "",
        "| Measure | Result | Goal |",
        "|---|---|---|",
        f"| Presses (clicks, taps) | {found['presses']} |  |",
        f"| Keystrokes | {found['keystrokes']} |  |",
        f"| Total interactions | {total} | ≤ {GOAL} ({met}) |",
    ]
    if isinstance(steps, list) and steps:
        lines += ["", "Where they go:", ""]
        lines += [f"- {step}" for step in steps]
    return "\n".join(lines)
