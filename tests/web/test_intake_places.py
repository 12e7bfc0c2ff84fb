"""Places the client named in their own words: offered on the body map, and listed for the
clinician when the map leaves them out."""

from __future__ import annotations

import html

from django.urls import reverse
from django.utils import timezone

from myomap.intake.models import Intake, IntakeStatus
from myomap.intake.services import intake_start, pain_map_save_for_intake
from myomap_core.pain import PainMark, PainQuality

COMPLAINT = {
    "main_complaint": "Pain in my left lower back and buttock",
    "complaint_history": "Now it goes down the back of my thigh when I sit.",
}


def _intake(therapist, patient, *, submitted: bool) -> Intake:  # type: ignore[no-untyped-def]
    intake = intake_start(actor=therapist, patient=patient)
    intake.answers = {"complaint": dict(COMPLAINT)}
    intake.save(update_fields=["answers"])
    pain_map_save_for_intake(
        intake=intake,
        marks=(PainMark("lumbar_paraspinal_left", 6, PainQuality.ACHING),),
        actor=therapist,
    )
    if submitted:
        Intake.objects.filter(pk=intake.pk).update(
            status=IntakeStatus.SUBMITTED, submitted_at=timezone.now()
        )
    return intake


def _buttons(page: str) -> dict[str, str]:
    """Marking buttons on the page: the words -> the regions they mark."""
    import re

    found = re.findall(r'data-mark-regions="([^"]+)"[^>]*>Mark “([^”]+)”', page)
    return {html.unescape(words): regions for regions, words in found}


def test_the_body_map_offers_the_places_named_in_the_complaint(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    intake = _intake(therapist, patient, submitted=False)
    url = reverse("intake:section", args=[patient.pk, intake.pk, "bodymap"])
    page = therapist_client.get(url).content.decode()
    assert _buttons(page) == {
        "left lower back": "lumbar_paraspinal_left",
        "buttock": "upper_buttock_left lower_buttock_left",
        "back of my thigh": "posterior_thigh_left posterior_thigh_right",  # a new sentence
    }
    assert "In the client&#x27;s words:" in page or "In the client's words:" in page
    # Already on the map: shown as pressed.
    assert 'data-mark-regions="lumbar_paraspinal_left" aria-pressed="true"' in page


def test_the_clinician_sees_what_was_named_but_not_marked(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    intake = _intake(therapist, patient, submitted=True)
    page = therapist_client.get(reverse("intake:detail", args=[patient.pk, intake.pk]))
    assert page.status_code == 200
    box = page.content.decode().split('id="unmarked-places"')[1].split("</div>")[0]
    assert "“buttock”" in box and "“back of my thigh”" in box
    assert "lower back" not in box  # it is on the map
    # A new pain map offers the same places to mark.
    new_map = therapist_client.get(reverse("intake:pain_map_new", args=[patient.pk]))
    assert set(_buttons(new_map.content.decode())) == {
        "left lower back",
        "buttock",
        "back of my thigh",
    }


def test_nothing_is_offered_when_the_words_name_no_place(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    intake = intake_start(actor=therapist, patient=patient)
    intake.answers = {"complaint": {"main_complaint": "It hurts when I sit"}}
    intake.save(update_fields=["answers"])
    page = therapist_client.get(
        reverse("intake:section", args=[patient.pk, intake.pk, "bodymap"])
    ).content.decode()
    assert "data-mark-regions" not in page
