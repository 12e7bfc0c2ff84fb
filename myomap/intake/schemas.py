"""Pain maps through the API."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class PainMarkOut(Schema):
    region_id: str
    label: str
    intensity: int
    quality: str


class PainMapOut(Schema):
    id: int
    recorded_at: datetime
    source: str
    marks: list[PainMarkOut]
