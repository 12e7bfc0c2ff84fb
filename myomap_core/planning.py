"""Treatment planning: from screening and assessment to a course of care and session steps.

The seeds' numbers are the safe ranges: ischemic compression of 8–12 lb (3.6–5.4 kg) held
30–90 s, discomfort never above 5 of 10, sessions of 60–90 minutes, significant relief
expected within 3–5 sessions.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

HOLD_MIN_S: Final = 30
HOLD_MAX_S: Final = 90
"""Ischemic compression hold, seconds (seed 001)."""

PRESSURE_MIN_LB: Final = 8.0
PRESSURE_MAX_LB: Final = 12.0
"""Ischemic compression pressure, pounds-force (seed 001; CLINICAL.md §6)."""

SESSION_MIN_MINUTES: Final = 60
SESSION_MAX_MINUTES: Final = 90
"""Length of a session (seed 001)."""

DISCOMFORT_MAX: Final = 5
"""Discomfort on the 0–10 session scale must never go above this (seed 001)."""


class Technique(StrEnum):
    """The hands-on techniques a plan step can use."""

    ISCHEMIC_COMPRESSION = "ischemic_compression"
    POSITIONAL_RELEASE = "positional_release"
    CROSS_FIBRE_FRICTION = "cross_fibre_friction"
    FACILITATED_STRETCH = "facilitated_stretch"

    @property
    def label(self) -> str:
        return self.value.replace("cross_fibre", "cross-fibre").replace("_", " ").capitalize()
