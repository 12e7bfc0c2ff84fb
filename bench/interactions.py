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
GOAL = 20
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
        "A follow-up session of six trigger points with the plan exactly as proposed, from the "
        "client page's “Start session”, including the check-in, to the signed SOAP note, in "
        "headless Chromium on a tablet viewport (the browser journey "
        f"`{TEST}`). Counted in the page: every pointer press (click or tap) and every "
        "keystroke.",
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
    lines += [
        "",
        "How a step takes two taps: the step's first discomfort reading is the moment pressure "
        "is on, so it starts the hold timer (logged as a timer start, as the timer button "
        "does); the outcome tap ends a running hold (logged as the timer stop with the seconds "
        "held) and moves on to the next step, whose timer is not started. Back corrects a "
        "mistaken outcome; the timer button, Skip, Next and the other findings stay. The note "
        "states the holds and outcomes the log shows.",
    ]
    return "\n".join(lines)
