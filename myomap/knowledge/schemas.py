from __future__ import annotations

from typing import Literal

from ninja import Field, Schema


class PainRegionIn(Schema):
    region: str = Field(min_length=1, max_length=100, description="Region id or name")
    intensity: int | None = Field(None, ge=0, le=10)


class ReferralIn(Schema):
    regions: list[str | PainRegionIn] = Field(
        min_length=1,
        max_length=200,
        description='Region ids or free-text names ("left SI joint"), or {"region", "intensity"}',
    )
    side: Literal["left", "right"] | None = Field(
        None, description="Side for names given without one"
    )
    top: int = Field(10, ge=1, le=100)
