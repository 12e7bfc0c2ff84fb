"""Demo plans: an active plan for Maria Lopez, James O'Connor (cleared by his physician) and
David Kim, whose anticoagulant shows the precautions at work (no ischaemic compression,
lighter pressure). David has no assessment in the assessments demo; a short one for his heel
pain is recorded here first, through the assessment services.

``load_demo(clinic)`` is idempotent: a client who has a plan already is left alone.
"""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from myomap.assessments.models import Assessment
from myomap.assessments.selectors import assessments_of
from myomap.assessments.services import (
    assessment_start,
    palpation_finding_add,
    palpation_ppt_save,
    palpation_tap,
)
from myomap.clinics.models import Clinic, User
from myomap.common.audit import Origin
from myomap.patients.models import Patient
from myomap.plans.models import Plan
from myomap.plans.services import plan_propose
from myomap.screening.gate import TreatmentBlocked, treatment_gate

ORIGIN = Origin(path="(demo loader)")

PLANNED = (("Maria", "Lopez", "sam"), ("James", "O'Connor", "alex"), ("David", "Kim", "sam"))


def _client(clinic: Clinic, first: str, last: str) -> Patient | None:
    return Patient.objects.filter(clinic=clinic, first_name=first, last_name=last).first()


def _therapist(clinic: Clinic, username: str) -> User | None:
    return User.objects.filter(clinic=clinic, username=username).first()


def _palpate(
    actor: User,
    assessment: Assessment,
    muscle: str,
    point: str,
    taps: tuple[str, ...],
    ppt_kg_cm2: float | None = None,
) -> None:
    finding = palpation_finding_add(
        actor=actor,
        assessment=assessment,
        muscle_id=muscle,
        trigger_point=point,
        side="right",
        origin=ORIGIN,
    )
    for tap in taps:
        palpation_tap(actor=actor, finding=finding, tap=tap, origin=ORIGIN)
    if ppt_kg_cm2 is not None:
        palpation_ppt_save(
            actor=actor, finding=finding, value=ppt_kg_cm2, unit="kg_cm2", origin=ORIGIN
        )


def _david_assessment(clinic: Clinic, sam: User) -> None:
    """Heel pain on the right: the calf and the sole."""
    david = _client(clinic, "David", "Kim")
    if david is None or assessments_of(david).exists() or not treatment_gate(david).allowed:
        return
    visit = assessment_start(actor=sam, patient=david, origin=ORIGIN)
    _palpate(
        sam, visit, "soleus", "distal",
        ("active:1", "taut_band", "nodule", "referral_reproduced", "region:heel_right",
         "tenderness:3"),
        ppt_kg_cm2=2.6,
    )  # fmt: skip
    _palpate(
        sam, visit, "quadratus_plantae", "heel_attachment",
        ("active:1", "taut_band", "tenderness:3"),
    )  # fmt: skip
    _palpate(
        sam, visit, "gastrocnemius", "medial_head_belly",
        ("active:0", "taut_band", "twitch", "tenderness:2"),
    )  # fmt: skip


def load_demo(clinic: Clinic) -> bool:
    """Add the demo plans; returns True when something was created."""
    sam = _therapist(clinic, "sam")
    if sam is None:
        return False
    _david_assessment(clinic, sam)
    created = False
    for first, last, username in PLANNED:
        patient = _client(clinic, first, last)
        actor = _therapist(clinic, username) or sam
        if patient is None or Plan.objects.filter(patient=patient).exists():
            continue
        if not assessments_of(patient).exists():
            continue
        # Maria's course began after her first assessment; the others' plans are new.
        first_visit = assessments_of(patient).last() if first == "Maria" else None
        try:
            plan = plan_propose(actor=actor, patient=patient, assessment=first_visit, origin=ORIGIN)
        except TreatmentBlocked:
            continue
        if first_visit is not None:
            began = timezone.make_aware(datetime.combine(first_visit.visit_date, time(17)))
            Plan.objects.filter(pk=plan.pk).update(created_at=began, updated_at=began)
        created = True
    return created
