"""Treatment planning: proposals, precautions, budget, coverage and step checks."""

from __future__ import annotations

import pytest

from myomap_core.elements import AssessmentFacts, ExamFact, PalpationFact
from myomap_core.errors import DomainError
from myomap_core.planning import (
    PlanInput,
    Step,
    Technique,
    check_step,
    plan_json,
    propose,
    total_minutes,
)
from myomap_core.screening import Precautions

ANTICOAGULANTS = Precautions(
    techniques_not_allowed=(
        "ischemic_compression",
        "deep_pressure",
        "cross_fibre_friction",
        "forceful_stretch",
    ),
    max_pressure_kg=2.0,
)


def palpated(
    muscle: str, point: str | None, side: str | None = "left", **kw: object
) -> PalpationFact:
    values: dict[str, object] = {
        "active": True,
        "taut_band": True,
        "nodule": True,
        "twitch": False,
        "referral_reproduced": False,
        "tenderness": 2,
        "ppt_kpa": None,
    }
    values.update(kw)
    return PalpationFact(muscle, point, side, **values)  # type: ignore[arg-type]


FACTS = AssessmentFacts(
    palpation=(
        palpated(
            "gluteus_minimus", "posterior", tenderness=3, twitch=True, referral_reproduced=True
        ),
        palpated("quadratus_lumborum", None, active=False),
    ),
    exams=(
        ExamFact("straight_leg_raise", "left", 50, True),
        ExamFact("thomas_test", "right", None, True),
    ),
)


def test_plan_addresses_every_element_within_budget() -> None:
    plan = propose(PlanInput(FACTS, None, None))
    assert plan.steps
    assert all(c.covered for c in plan.coverage)
    assert total_minutes(plan.steps) <= plan.step_budget
    for step in plan.steps:
        check_step(step, None)
    data = plan_json(plan)
    assert data["steps"]


def test_anticoagulants_get_no_compression_and_still_full_coverage() -> None:
    plan = propose(PlanInput(FACTS, None, ANTICOAGULANTS))
    assert all(s.technique is Technique.POSITIONAL_RELEASE for s in plan.steps)
    assert all(c.covered for c in plan.coverage)
    assert any("Ischemic compression ruled out" in item.reason for item in plan.left_out)


def test_hold_of_120_s_is_refused_naming_hold_s() -> None:
    step = Step("piriformis", None, "left", Technique.POSITIONAL_RELEASE, hold_s=120)
    with pytest.raises(DomainError) as error:
        check_step(step, None)
    assert error.value.field == "hold_s"
