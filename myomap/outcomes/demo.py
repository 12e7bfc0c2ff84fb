"""Outcome histories for the demo clinic's clients, through the same services as the pages.

- Maria Lopez: improving session after session, now ready for maintenance.
- Hannah Schmidt: no important change by session 5 (review the plan or refer).
- James O'Connor: worse than at baseline (alert).
- Sofia Rossi: on track, but her last questionnaire is over four weeks old (due).

``load_demo(clinic)`` is idempotent: it does nothing when the clinic has responses already.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from myomap.clinics.models import Clinic, Role, User
from myomap.common.audit import Origin
from myomap.outcomes.models import OutcomeResponse
from myomap.outcomes.services import response_record
from myomap.patients.models import Patient

ORIGIN = Origin(path="(demo loader)")
ODI_SECTIONS = (
    "pain_intensity",
    "personal_care",
    "lifting",
    "walking",
    "sitting",
    "standing",
    "sleeping",
    "sex_life",
    "social_life",
    "travelling",
)


def odi(*values: int | None) -> dict[str, Any]:
    """Ten section values in form order; None = the client left the section out."""
    return {s: v for s, v in zip(ODI_SECTIONS, values, strict=True) if v is not None}


def psfs(*ratings: tuple[str, int]) -> dict[str, Any]:
    return {
        f"activity_{n}": {"activity": name, "rating": rating}
        for n, (name, rating) in enumerate(ratings, start=1)
    }


def startback(*answers: int) -> dict[str, Any]:
    return {f"q{n}": a for n, a in enumerate(answers, start=1)}


# (first name, last name) -> [(days ago, sessions completed, instrument, answers)]
HISTORIES: dict[tuple[str, str], list[tuple[int, int, str, dict[str, Any]]]] = {
    ("Maria", "Lopez"): [
        (49, 0, "nprs", {"pain": 7}),
        (49, 0, "odi", odi(3, 1, 2, 1, 3, 2, 2, None, 2, 1)),  # 17/45: 37.8 %
        (49, 0, "startback", startback(1, 0, 0, 1, 0, 1, 0, 1, 2)),
        (
            49,
            0,
            "psfs",
            psfs(("Sitting through a working day", 3), ("Yoga class", 2), ("School run", 5)),
        ),
        (35, 2, "nprs", {"pain": 5}),
        (35, 2, "odi", odi(2, 1, 2, 1, 2, 1, 1, None, 1, 1)),  # 12/45: 26.7 %
        (21, 4, "nprs", {"pain": 3}),
        (21, 4, "odi", odi(1, 0, 1, 0, 2, 1, 1, None, 1, 0)),  # 7/45: 15.6 %
        (
            21,
            4,
            "psfs",
            psfs(("Sitting through a working day", 7), ("Yoga class", 6), ("School run", 8)),
        ),
        (7, 6, "nprs", {"pain": 2}),
        (7, 6, "odi", odi(1, 0, 1, 0, 1, 0, 1, None, 0, 0)),  # 4/45: 8.9 %
        (
            7,
            6,
            "psfs",
            psfs(("Sitting through a working day", 8), ("Yoga class", 8), ("School run", 9)),
        ),
    ],
    ("Hannah", "Schmidt"): [
        (38, 0, "nprs", {"pain": 7}),
        (38, 0, "odi", odi(3, 1, 3, 2, 2, 3, 2, 2, 2, 1)),  # 21/50: 42 %
        (38, 0, "rmdq", {f"q{n}": True for n in (2, 3, 5, 7, 9, 11, 13, 15, 16, 18, 19, 21)}),
        (38, 0, "startback", startback(1, 0, 1, 1, 1, 0, 1, 0, 2)),
        (24, 2, "nprs", {"pain": 7}),
        (17, 3, "odi", odi(3, 1, 3, 2, 2, 2, 2, 2, 2, 1)),  # 20/50: 40 %
        (10, 4, "nprs", {"pain": 6}),
        (3, 5, "nprs", {"pain": 6}),
        (3, 5, "odi", odi(3, 1, 2, 2, 2, 2, 2, 2, 2, 1)),  # 19/50: 38 %
        (3, 5, "rmdq", {f"q{n}": True for n in (2, 3, 5, 7, 9, 11, 13, 15, 16, 18, 21)}),
    ],
    ("James", "O'Connor"): [
        (20, 0, "nprs", {"pain": 5}),
        (20, 0, "odi", odi(2, 1, 2, 1, 2, 1, 1, 1, 2, 2)),  # 15/50: 30 %
        (13, 1, "nprs", {"pain": 6}),
        (6, 2, "nprs", {"pain": 8}),
        (6, 2, "odi", odi(4, 2, 3, 3, 3, 2, 2, 1, 2, 2)),  # 24/50: 48 %
    ],
    ("Sofia", "Rossi"): [
        (52, 0, "nprs", {"pain": 6}),
        (52, 0, "psfs", psfs(("Climbing", 2), ("A full day at the screen", 4))),
        (38, 2, "nprs", {"pain": 4}),
        (38, 2, "psfs", psfs(("Climbing", 4), ("A full day at the screen", 6))),
    ],
}


@transaction.atomic
def load_demo(clinic: Clinic) -> bool:
    """Add the outcome histories; returns True when something was created."""
    if OutcomeResponse.objects.filter(clinic=clinic).exists():
        return False
    therapist = (
        User.objects.filter(clinic=clinic, role=Role.THERAPIST).order_by("id").first()
        or User.objects.filter(clinic=clinic, role=Role.OWNER).order_by("id").first()
    )
    created = False
    now = timezone.now()
    for (first, last), rows in HISTORIES.items():
        patient = Patient.objects.filter(clinic=clinic, first_name=first, last_name=last).first()
        if patient is None or patient.is_archived:
            continue
        for days_ago, session, instrument, answers in rows:
            response_record(
                actor=therapist,
                patient=patient,
                instrument=instrument,
                answers=answers,
                session_number=session,
                taken_at=now - timedelta(days=days_ago, hours=-10 + session),
                origin=ORIGIN,
            )
            created = True
    return created
