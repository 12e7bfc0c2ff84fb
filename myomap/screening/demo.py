"""Demo screening: the demo clients' health-check answers, their screenings and one clearance.

The demo intakes are completed without health checks; here the therapist goes through them
with each client (as the "edit and re-screen" page does), which screens the client again.
Idempotent: a clinic whose clients already have edited health checks is left as it is.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from myomap.clinics.models import Clinic
from myomap.common.audit import Origin
from myomap.intake.models import Intake, IntakeStatus
from myomap.screening.forms import answered_no_but
from myomap.screening.models import Screening, ScreeningTrigger
from myomap.screening.services import clearance_record, screening_answers_edit

ORIGIN = Origin(path="(demo loader)")

# Answers other than "no", by client (last name). Every other question without a
# follow-up parent is answered "no"; follow-ups are answered only where given here.
ANSWERS: dict[str, dict[str, str]] = {
    "Lopez": {
        "back_pain_over_3_months": "yes",
        "back_pain_start_age": "44",
        "wakes_second_half_night": "no",
        "buttock_pain": "yes",
        "better_with_movement": "yes",
        "nsaid_relief": "no",
        "family_spa": "no",
        "arthritis": "no",
        "enthesitis": "no",
        "psoriasis": "no",
    },
    "O'Connor": {
        "pain_spreads_limb": "yes",
        "numbness": "yes",
        "disc_suspected": "yes",
    },
    "Becker": {"numbness": "yes"},
    "Kim": {"anticoagulant": "yes"},
    "Miller": {
        "pain_spreads_limb": "yes",
        "night_pain": "yes",
        "saddle_numbness": "yes",
        "bladder_change": "yes",
        "both_legs_weak": "yes",
        "walking_difficulty": "yes",
    },
    "Novak": {"osteoporosis": "yes", "osteoporosis_severe": "no"},
}

# (last name, physician, days ago, note): a referral the physician has already cleared.
CLEARED = (
    (
        "O'Connor",
        "Dr Helen Shaw",
        5,
        "Examined: L5/S1 disc bulge with mild S1 irritation, no motor loss. Happy for "
        "neuromuscular therapy of the buttock and leg; no forceful stretching of the leg "
        "for six weeks. Review if weakness or numbness spreads.",
    ),
)


@transaction.atomic
def load_demo(clinic: Clinic) -> None:
    """Screen the demo clinic's clients from their health-check answers."""
    if Screening.objects.filter(clinic=clinic).exclude(trigger=ScreeningTrigger.INTAKE).exists():
        return
    intakes = (
        Intake.objects.filter(clinic=clinic, status=IntakeStatus.SUBMITTED)
        .select_related("patient", "created_by")
        .order_by("patient__last_name", "-submitted_at")
    )
    screened: dict[str, Screening] = {}
    for intake in intakes:
        patient = intake.patient
        if patient.last_name in screened or intake.created_by is None:
            continue
        data = answered_no_but(ANSWERS.get(patient.last_name, {}), patient.sex)
        screened[patient.last_name] = screening_answers_edit(
            actor=intake.created_by, intake=intake, data=data, origin=ORIGIN
        )
    for last_name, physician, days_ago, note in CLEARED:
        screening = screened.get(last_name)
        if screening is None or not screening.requires_clearance:
            continue
        assert screening.created_by is not None
        clearance_record(
            actor=screening.created_by,
            screening=screening,
            cleared_by=physician,
            cleared_on=timezone.localdate() - timedelta(days=days_ago),
            note=note,
            attested=True,
            origin=ORIGIN,
        )
