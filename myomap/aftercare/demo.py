"""Demo records for the aftercare app."""

from __future__ import annotations

from myomap.clinics.models import Clinic


def load_demo(clinic: Clinic) -> bool:
    return False
