"""The live treatment session: its events, the discomfort guard and what the log adds up to.

Events come from the session guide, each with an id chosen by the browser, so a send that
is repeated (after a lost connection) is recognised and stored once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from myomap_core.planning import DISCOMFORT_MAX

DISCOMFORT_SCALE: Final = (0, 10)
"""The session discomfort scale; stored apart from the NPRS pain score (CLINICAL.md §1)."""

__all__ = ["DISCOMFORT_MAX", "DISCOMFORT_SCALE", "EventKind"]


class EventKind(StrEnum):
    """What happened during a session, as the guide records it."""

    PAIN_BEFORE = "pain_before"
    STEP_STARTED = "step_started"
    TIMER_STARTED = "timer_started"
    TIMER_STOPPED = "timer_stopped"
    TIMER_DONE = "timer_done"
    DISCOMFORT = "discomfort"
    RELEASED = "released"
    TWITCH = "twitch"
    REFERRAL_REPRODUCED = "referral_reproduced"
    SKIPPED = "skipped"
    STEP_DONE = "step_done"
    NOTE = "note"
    PAIN_AFTER = "pain_after"
    FINISHED = "finished"
