from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class ResponseIn(Schema):
    instrument: str = Field(max_length=20, description="nprs, odi, rmdq, startback or psfs")
    answers: dict[str, Any] = Field(
        description="item id -> answer; leave a skipped item out (never send 0 for it)"
    )
    session_number: int | None = Field(
        None, ge=0, le=500, description="treatment sessions completed; default previous + 1"
    )


class ResponseOut(Schema):
    id: int
    instrument: str
    score: float
    display: str
    band: str | None
    band_label: str | None
    answered: int
    skipped: list[str]
    subscores: dict[str, float]
    session_number: int
    taken_at: datetime
    filled_by_client: bool
    answers: dict[str, Any]


class ChangeOut(Schema):
    instrument: str
    baseline: float
    now: float
    points: float
    percent: float | None
    important: bool
    worse: bool
    level: str
    reliable: bool
    caveat: str | None
    explanation: str


class StatusOut(Schema):
    status: str
    label: str
    explanation: str
    flag: str | None
    sessions: int
    reassess_in_weeks: int | None
    next_step: str
    changes: list[ChangeOut]


class OutcomesOut(Schema):
    status: StatusOut | None
    responses: list[ResponseOut]
