"""Reads of a client's intake that other pages need."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from myomap.bodymap import region_label
from myomap.common.read_once import shared_read
from myomap.intake.models import Intake, PainMap
from myomap.patients.models import Patient
from myomap_core.places import places_in


def latest_submitted_intake(patient: Patient) -> Intake | None:
    """The client's most recently submitted intake, if any."""
    return (
        Intake.objects.filter(patient=patient, submitted_at__isnull=False)
        .order_by("-submitted_at", "-id")
        .first()
    )


def pain_map_with_marks(pain_map_id: int) -> PainMap:
    """A pain map with its marks, read once per page however many panels show it."""
    return shared_read(
        ("intake.pain_map_with_marks", pain_map_id),
        lambda: PainMap.objects.prefetch_related("marks").get(pk=pain_map_id),
    )


def worse_with(intake: Intake | None) -> str:
    """What the client said makes the pain worse ("" when not answered)."""
    if intake is None:
        return ""
    return str(intake.answers.get("complaint", {}).get("worse_with") or "")


@dataclass(frozen=True)
class PlaceNamed:
    """A place the client named in their own words, with the regions it reads as."""

    words: str
    regions: tuple[str, ...]
    labels: str
    marked: bool
    """Every one of its regions is marked on the pain map."""


PLACE_ANSWERS = ("main_complaint", "complaint_history")
"""The complaint answers in which a client says where it hurts."""


def places_named(intake: Intake | None, marked: Iterable[str] = ()) -> list[PlaceNamed]:
    """Places named in the client's description of the complaint, in the order written."""
    if intake is None:
        return []
    answers = intake.answers.get("complaint", {})
    text = "\n".join(str(answers.get(key) or "") for key in PLACE_ANSWERS)
    on_map = set(marked)
    return [
        PlaceNamed(
            words=place.words,
            regions=place.regions,
            labels=", ".join(region_label(r) for r in place.regions),
            marked=set(place.regions) <= on_map,
        )
        for place in places_in(text)
    ]
