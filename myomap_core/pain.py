"""Pain marks on the body chart: a region, an intensity 0–10 and a quality."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from myomap_core import atlas
from myomap_core.errors import DomainError

INTENSITY_MIN = 0
INTENSITY_MAX = 10


class PainQuality(StrEnum):
    """How the pain feels, in the client's words."""

    ACHING = "aching"
    SHARP = "sharp"
    BURNING = "burning"
    TINGLING = "tingling"
    STABBING = "stabbing"
    THROBBING = "throbbing"

    @property
    def label(self) -> str:
        return "Tingling or numbness" if self is PainQuality.TINGLING else self.value.capitalize()


@dataclass(frozen=True, slots=True)
class PainMark:
    """One marked region. ``region_id`` is an atlas region id."""

    region_id: str
    intensity: int
    quality: PainQuality

    def __post_init__(self) -> None:
        atlas.region(self.region_id)  # raises DomainError naming close ids
        if isinstance(self.intensity, bool) or not isinstance(self.intensity, int):
            raise DomainError(
                "intensity must be a whole number",
                field=f"{self.region_id}.intensity",
                value=self.intensity,
            )
        if not INTENSITY_MIN <= self.intensity <= INTENSITY_MAX:
            raise DomainError(
                f"intensity must be between {INTENSITY_MIN} and {INTENSITY_MAX}",
                field=f"{self.region_id}.intensity",
                value=self.intensity,
            )
        if not isinstance(self.quality, PainQuality):
            raise DomainError(
                "unknown pain quality",
                field=f"{self.region_id}.quality",
                value=self.quality,
                suggestions=[q.value for q in PainQuality],
            )


def pain_marks(raw: Iterable[tuple[str, int, str]]) -> tuple[PainMark, ...]:
    """Validate (region, intensity, quality) triples; a region may appear once."""
    marks: list[PainMark] = []
    seen: set[str] = set()
    for region_id, intensity, quality in raw:
        if region_id in seen:
            raise DomainError("region marked twice", field=region_id, value=region_id)
        seen.add(region_id)
        try:
            parsed_quality = PainQuality(quality)
        except ValueError:
            raise DomainError(
                "unknown pain quality",
                field=f"{region_id}.quality",
                value=quality,
                suggestions=[q.value for q in PainQuality],
            ) from None
        marks.append(PainMark(region_id, intensity, parsed_quality))
    return tuple(sorted(marks, key=lambda m: m.region_id))
