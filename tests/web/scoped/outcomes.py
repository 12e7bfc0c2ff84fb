"""A scored outcome response and a private questionnaire link."""

from __future__ import annotations

from typing import Any

from myomap.outcomes.services import link_create, response_record


def make(therapist: Any, patient: Any) -> dict[str, object]:
    response = response_record(
        actor=therapist, patient=patient, instrument="nprs", answers={"pain": 6}
    )
    link, _ = link_create(actor=therapist, patient=patient, instruments=["odi"])
    return {"response_id": response.pk, "questionnaire_link_id": link.pk}
