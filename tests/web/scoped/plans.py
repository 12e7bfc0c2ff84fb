"""A treatment plan with one step (the client needs an assessment to plan from)."""

from __future__ import annotations

from typing import Any

from myomap.assessments.services import assessment_start, palpation_finding_add, palpation_tap
from myomap.plans.services import plan_propose, plan_step_add


def make(therapist: Any, patient: Any) -> dict[str, object]:
    assessment = assessment_start(actor=therapist, patient=patient)
    finding = palpation_finding_add(
        actor=therapist,
        assessment=assessment,
        muscle_id="piriformis",
        trigger_point="lateral",
        side="right",
    )
    palpation_tap(actor=therapist, finding=finding, tap="active:1")
    plan = plan_propose(actor=therapist, patient=patient, assessment=assessment)
    step = plan_step_add(
        actor=therapist,
        plan=plan,
        data={"muscle_id": "gluteus_medius", "technique": "ischemic_compression"},
    )
    return {"plan_id": plan.pk, "plan_step_id": step.pk}
