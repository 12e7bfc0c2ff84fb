"""Pressure pain thresholds: unit conversion, reference values and real change.

Stored in kPa with the probe area (CLINICAL.md §6, DFNS protocol with a 1 cm² probe).
Pressure units (``kpa``, ``kg_cm2``, ``lb_cm2``) do not depend on the probe; force
readings (``kg``, ``lb``: what many algometers display) are divided by the probe area.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Final

from myomap_core.errors import DomainError

KPA_PER_KGF_CM2: Final = 98.07
"""1 kgf/cm² = 98.07 kPa (CLINICAL.md §6)."""

KGF_PER_LBF: Final = 0.4536
"""1 lbf = 0.4536 kgf (CLINICAL.md §6)."""

MAX_KPA: Final = 2500.0
"""Above any algometer reading on the body (25 kgf/cm²); a larger value is a typing error
[ours]."""

REAL_CHANGE_KG_CM2: Final = 1.8
"""A PPT change at least this large (kg/cm²) exceeds measurement error between raters.
Chesterton 2007 puts it at about 1.5–1.8 kg/cm²; we take the upper end so a change called
real is real for any rater (source ``chesterton2007``)."""

REAL_CHANGE_KPA: Final = REAL_CHANGE_KG_CM2 * KPA_PER_KGF_CM2

# Giesbrecht & Battié 2005: women with chronic low back pain vs pain-free women (lb/cm²).
LUMBAR_CLBP_LB_CM2: Final = 5.9
LUMBAR_PAIN_FREE_LB_CM2: Final = 8.0
OTHER_SITES_CLBP_LB_CM2: Final = 5.1
OTHER_SITES_PAIN_FREE_LB_CM2: Final = 6.1
PPT_REFERENCE_SOURCE: Final = "giesbrecht2005"


class PressureUnit(StrEnum):
    """Units a therapist enters a pressure pain threshold in."""

    KPA = "kpa"
    KG_CM2 = "kg_cm2"
    LB_CM2 = "lb_cm2"
    KG = "kg"
    LB = "lb"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_force(self) -> bool:
        """A force reading: divided by the probe area to give pressure."""
        return self in (PressureUnit.KG, PressureUnit.LB)


_LABELS: Final = {
    PressureUnit.KPA: "kPa",
    PressureUnit.KG_CM2: "kg/cm²",
    PressureUnit.LB_CM2: "lb/cm²",
    PressureUnit.KG: "kg",
    PressureUnit.LB: "lb",
}

_KPA_PER: Final = {
    PressureUnit.KPA: 1.0,
    PressureUnit.KG_CM2: KPA_PER_KGF_CM2,
    PressureUnit.LB_CM2: KGF_PER_LBF * KPA_PER_KGF_CM2,
    PressureUnit.KG: KPA_PER_KGF_CM2,
    PressureUnit.LB: KGF_PER_LBF * KPA_PER_KGF_CM2,
}


def _unit(unit: str) -> PressureUnit:
    try:
        return PressureUnit(unit)
    except ValueError:
        raise DomainError(
            "unknown pressure unit",
            field="unit",
            value=unit,
            suggestions=[u.value for u in PressureUnit],
        ) from None


def _probe(probe_cm2: float) -> float:
    if (
        isinstance(probe_cm2, bool)
        or not isinstance(probe_cm2, int | float)
        or not math.isfinite(probe_cm2)
        or probe_cm2 <= 0
        or probe_cm2 > 10
    ):
        raise DomainError(
            "probe area must be above 0 and at most 10 cm²", field="probe_cm2", value=probe_cm2
        )
    return float(probe_cm2)


def kpa_from(value: float, unit: str, probe_cm2: float = 1.0) -> float:
    """The pressure in kPa for a reading in ``unit`` taken with a probe of ``probe_cm2``."""
    parsed = _unit(unit)
    area = _probe(probe_cm2)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DomainError("must be a number", field="value", value=value)
    if value < 0:
        raise DomainError("cannot be negative", field="value", value=value)
    kpa = value * _KPA_PER[parsed] / (area if parsed.is_force else 1.0)
    if kpa > MAX_KPA:
        raise DomainError(
            f"above {to_unit(MAX_KPA, parsed, area):.1f} {parsed.label}, beyond any algometer "
            "reading on the body",
            field="value",
            value=value,
        )
    return kpa


def to_unit(kpa: float, unit: str, probe_cm2: float = 1.0) -> float:
    """A pressure in kPa shown in ``unit`` (a force unit gives the reading on that probe)."""
    parsed = _unit(unit)
    area = _probe(probe_cm2)
    return kpa / _KPA_PER[parsed] * (area if parsed.is_force else 1.0)


def ppt_change_is_real(before_kpa: float, after_kpa: float) -> bool:
    """Whether a PPT change is larger than measurement error (≥ 1.8 kg/cm², Chesterton 2007)."""
    return abs(after_kpa - before_kpa) >= REAL_CHANGE_KPA - 1e-9


LUMBAR_MUSCLES: Final = frozenset(
    {"quadratus_lumborum", "iliocostalis_lumborum", "longissimus_thoracis", "multifidus"}
)
"""Muscles palpated over the lumbar spine, compared with the lumbar reference values."""


def ppt_reference_kpa(muscle_id: str) -> tuple[float, float]:
    """(chronic low back pain mean, pain-free mean) in kPa for a site (Giesbrecht 2005).

    Lumbar muscles use the lumbar sites' means (5.9 vs 8.0 lb/cm²); every other muscle uses
    the means of the sites away from the lumbar spine (5.1 vs 6.1 lb/cm²) [ours: thresholds
    vary by site, Fischer 1987; these are the nearest published pair].
    """
    low, normal = (
        (LUMBAR_CLBP_LB_CM2, LUMBAR_PAIN_FREE_LB_CM2)
        if muscle_id in LUMBAR_MUSCLES
        else (OTHER_SITES_CLBP_LB_CM2, OTHER_SITES_PAIN_FREE_LB_CM2)
    )
    return kpa_from(low, "lb_cm2"), kpa_from(normal, "lb_cm2")
