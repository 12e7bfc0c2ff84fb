"""An intake, a private link and a pain map."""

from __future__ import annotations

from typing import Any

from myomap.intake.services import intake_link_create, intake_start, pain_map_record
from myomap_core.pain import pain_marks


def make(therapist: Any, patient: Any) -> dict[str, object]:
    intake = intake_start(actor=therapist, patient=patient)
    link, _ = intake_link_create(actor=therapist, patient=patient)
    pain_map_record(actor=therapist, patient=patient, marks=pain_marks([("sacrum", 4, "aching")]))
    return {"intake_id": intake.pk, "link_id": link.pk, "slug": "complaint"}
