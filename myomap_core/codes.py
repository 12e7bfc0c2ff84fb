"""Clinical code systems and coded values, with every system URI defined once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

SNOMED_CT: Final = "http://snomed.info/sct"
LOINC: Final = "http://loinc.org"
ICD10_CM: Final = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM: Final = "http://unitsofmeasure.org"
# Local code system for concepts with no standard code (e.g. RMDQ, see CLINICAL.md §3).
MYOMAP: Final = "https://myomap.org/fhir/CodeSystem/myomap"

KNOWN_SYSTEMS: Final = frozenset({SNOMED_CT, LOINC, ICD10_CM, UCUM, MYOMAP})


@dataclass(frozen=True, slots=True)
class Coding:
    """One code from one code system, with its human-readable display."""

    system: str
    code: str
    display: str

    def __post_init__(self) -> None:
        if self.system not in KNOWN_SYSTEMS:
            raise ValueError(f"system: unknown code system {self.system!r}")
        if not self.code.strip():
            raise ValueError("code: must not be empty")


def snomed(code: str, display: str) -> Coding:
    """A SNOMED CT coding."""
    return Coding(SNOMED_CT, code, display)
