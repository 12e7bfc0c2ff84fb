"""``POST /api/v1/referral``: the referral inference, same JSON as ``myomap refer --json``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from myomap.knowledge.schemas import PainRegionIn, ReferralIn
from myomap_core.errors import DomainError
from myomap_core.referral import PainInput, infer_sources
from myomap_core.referral_json import resolve_regions, result_json

router = Router(tags=["knowledge"])


@router.post("/referral", response=dict[str, Any])
def referral(request: HttpRequest, payload: ReferralIn) -> dict[str, Any]:
    """Rank the muscles most likely to refer pain to the given regions."""
    pain: dict[str, int | None] = {}
    for index, item in enumerate(payload.regions):
        text, intensity = (
            (item.region, item.intensity) if isinstance(item, PainRegionIn) else (item, None)
        )
        try:
            ids = resolve_regions([text], payload.side)
        except DomainError as error:
            raise DomainError(
                error.message, field=f"regions[{index}]", value=text, suggestions=error.suggestions
            ) from None
        for region_id in ids:
            pain[region_id] = intensity
    result = infer_sources([PainInput(r, i) for r, i in pain.items()], top=payload.top)
    return result_json(result)
