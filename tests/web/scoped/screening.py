"""A screening that asks for a referral, and a clearance with a document.

Also answers that lead to a given decision, found from the rules themselves so the tests
follow the rules data rather than copying it.
"""

from __future__ import annotations

import functools
import itertools
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from myomap.screening.forms import age_on, answered_no_but
from myomap.screening.services import clearance_record, screening_answers_save
from myomap_core.screening import AnswerType, Decision, ScreeningInput, questions, screen

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


AGE = age_on(date(1980, 3, 14), date.today())  # the tests' client, Maria Lopez


def _decision(yes: tuple[str, ...], age: int, sex: str) -> Decision:
    data = ScreeningInput(age=age, sex=sex, answers=dict.fromkeys(yes, True))
    return screen(data).decision


@functools.cache
def answers_with(
    decision: Decision, *, must: str = "", age: int = AGE, sex: str = "female"
) -> dict[str, str]:
    """Form answers (question id -> "yes") giving ``decision``: one yes, else two of a group.

    ``must`` names a question that has to be among them (e.g. "saddle_numbness").
    """
    booleans = [q for q in questions() if q.type == AnswerType.BOOLEAN and not q.follow_up_of]
    ids = [q.id for q in booleans]
    singles = [(i,) for i in ids]
    pairs = [
        (a.id, b.id)
        for a, b in itertools.combinations(booleans, 2)
        if a.pathology == b.pathology or must in (a.id, b.id)
    ]
    for yes in singles + pairs:
        if must and must not in yes:
            continue
        if _decision(yes, age, sex) == decision:
            return dict.fromkeys(yes, "yes")
    raise AssertionError(f"no one or two yes answers give {decision}")


def emergency_answers() -> dict[str, str]:
    return answers_with(Decision.EMERGENCY, must="saddle_numbness")


def referral_answers() -> dict[str, str]:
    """Answers asking for a referral short of an emergency."""
    for decision in (
        Decision.REFER_BEFORE_TREATMENT,
        Decision.SAME_DAY_REFERRAL,
        Decision.URGENT_REFERRAL,
    ):
        try:
            return answers_with(decision)
        except AssertionError:
            continue
    raise AssertionError("no answers give a referral short of an emergency")


def screen_client(therapist: Any, patient: Any, yes: dict[str, str] | None = None) -> Any:
    """Go through every health check with the client: "no" but for ``yes``; store and screen."""
    return screening_answers_save(
        actor=therapist, patient=patient, data=answered_no_but(yes or {}, patient.sex)
    )


def make(therapist: Any, patient: Any) -> dict[str, object]:
    screening = screen_client(therapist, patient, referral_answers())
    clearance = clearance_record(
        actor=therapist,
        screening=screening,
        cleared_by="Dr Amir Khan",
        cleared_on=date.today(),
        note="Seen in A&E; MRI clear.",
        document=SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf"),
    )
    return {"screening_id": screening.pk, "clearance_id": clearance.pk}
