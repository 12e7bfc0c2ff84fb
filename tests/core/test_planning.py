"""Treatment planning: worked examples, precautions, budget, coverage, step checks and
properties that hold for any findings and precautions (Hypothesis)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from myomap_core import atlas
from myomap_core.elements import AssessmentFacts, Element, ExamFact, PalpationFact, rate_elements
from myomap_core.errors import DomainError
from myomap_core.examination import ResultType, exam_tests
from myomap_core.knowledge import load_knowledge_base
from myomap_core.planning import (
    HOLD_MAX_S,
    HOLD_MIN_S,
    PRESSURE_MAX_KG,
    SESSION_LENGTHS,
    Plan,
    PlanInput,
    Step,
    Technique,
    check_step,
    coverage_of,
    default_step,
    plan_json,
    propose,
    ruled_out_by,
    rules,
    step_budget,
    total_minutes,
)
from myomap_core.posture import PostureInput, View, analyse
from myomap_core.screening import TECHNIQUES, Precautions

KB = load_knowledge_base()

ANTICOAGULANTS = Precautions(
    techniques_not_allowed=(
        "ischemic_compression",
        "deep_pressure",
        "cross_fibre_friction",
        "forceful_stretch",
    ),
    max_pressure_kg=2.0,
)
"""The screening's anticoagulant precaution (screening.toml)."""


def palpated(
    muscle: str, point: str | None = None, side: str | None = "left", **kw: object
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


BACK_PAIN = AssessmentFacts(
    palpation=(
        palpated(
            "gluteus_minimus", "posterior", tenderness=3, twitch=True, referral_reproduced=True
        ),
        palpated("quadratus_lumborum", active=False),
    ),
    exams=(
        ExamFact("straight_leg_raise", "left", 50, True),
        ExamFact("thomas_test", "right", None, True),
    ),
)
"""Low back and leg pain: an active gluteus minimus point, sciatic signs, short hip flexor."""


def plan_for(
    facts: AssessmentFacts = BACK_PAIN,
    precautions: Precautions | None = None,
    **kw: object,
) -> Plan:
    return propose(PlanInput(facts, None, precautions, **kw))  # type: ignore[arg-type]


def rated(plan: Plan) -> set[Element]:
    return {c.element for c in plan.coverage}


# --------------------------------------------------------------------------- worked examples


def test_active_trigger_point_comes_first_with_its_reason() -> None:
    plan = plan_for()
    first = plan.steps[0]
    assert (first.muscle_id, first.trigger_point, first.side) == (
        "gluteus_minimus",
        "posterior",
        "left",
    )
    assert first.reasons[0].startswith("Active trigger point, tenderness 3/3")
    assert "reproduced the referral" in first.reasons[0]


def test_very_tender_point_gets_positional_release_as_its_one_technique() -> None:
    plan = plan_for()
    on_point = [s.technique for s in plan.steps if s.trigger_point == "posterior"]
    assert on_point == [Technique.POSITIONAL_RELEASE]


def test_one_primary_technique_per_palpated_point_and_no_friction_by_default() -> None:
    facts = AssessmentFacts(
        palpation=(
            palpated("quadratus_lumborum", "superficial_upper"),
            palpated("gluteus_medius", "tp1_posterior", tenderness=1),
            palpated("iliocostalis_lumborum", active=False),
            palpated("piriformis", "lateral", tenderness=3),
        )
    )
    plan = plan_for(facts, session_minutes=90)
    assert len(plan.steps) == 4
    assert {(s.muscle_id, s.side) for s in plan.steps} == {
        (f.muscle_id, f.side) for f in facts.palpation
    }
    assert Technique.CROSS_FIBRE_FRICTION not in {s.technique for s in plan.steps}
    assert all(s.side == "left" for s in plan.steps)
    assert not [i for i in plan.left_out if "ruled out" in i.reason or "no time" in i.reason]


def test_satellites_and_chain_partners_are_suggestions_not_steps() -> None:
    facts = AssessmentFacts(palpation=(palpated("quadratus_lumborum", "superficial_upper"),))
    plan = plan_for(facts)
    assert [s.muscle_id for s in plan.steps] == ["quadratus_lumborum"]
    offered = {s.step.muscle_id for s in plan.suggestions}
    assert offered and "quadratus_lumborum" not in offered
    assert offered <= set(KB.muscle("quadratus_lumborum").satellites) | set(
        KB.muscle("quadratus_lumborum").synergists
    )
    assert all(s.step.side in ("left", None) for s in plan.suggestions)
    for item in plan.suggestions:
        check_step(item.step, None)
        assert item.reason.startswith(("Satellite of", "Chain partner of"))
    assert plan_json(plan)["suggestions"]


def test_compression_carries_the_seed_numbers_and_the_contact() -> None:
    step = next(s for s in plan_for().steps if s.technique is Technique.ISCHEMIC_COMPRESSION)
    assert step.pressure_kg == (3.63, 5.44)
    assert step.pressure_lb == (8.0, 12.0)
    assert step.contact == KB.muscle(step.muscle_id).techniques.ischemic_compression.contact
    assert step.hold_s is not None and HOLD_MIN_S <= step.hold_s <= HOLD_MAX_S
    assert step.repetitions == 2
    shown = next(
        s
        for s in plan_json(plan_for())["steps"]  # type: ignore[attr-defined]
        if s["technique"] == "ischemic_compression"
    )
    assert shown["pressure_kg"] == [3.63, 5.44] and shown["pressure_lb"] == [8.0, 12.0]


def test_sciatic_signs_bring_in_piriformis_with_the_nerve() -> None:
    plan = plan_for()
    piriformis = [s for s in plan.steps if s.muscle_id == "piriformis"]
    assert piriformis and piriformis[0].side == "left"
    assert Element.NERVE_COMPRESSION in piriformis[0].elements
    assert any("can entrap the sciatic nerve" in r for r in piriformis[0].reasons)


def test_satellite_in_the_referral_zone_is_suggested_and_says_why() -> None:
    facts = AssessmentFacts(palpation=(palpated("gluteus_minimus", "posterior"),))
    plan = plan_for(facts)
    assert not any(any(r.startswith("Satellite of") for r in s.reasons) for s in plan.steps)
    satellites = [s for s in plan.suggestions if s.reason.startswith("Satellite of")]
    assert {s.step.muscle_id for s in satellites} <= set(KB.muscle("gluteus_minimus").satellites)
    assert satellites
    reason = satellites[0].reason
    assert "Gluteus minimus" in reason and "referral zone" in reason


def test_short_hip_flexor_gets_a_facilitated_stretch() -> None:
    plan = plan_for()
    stretch = next(s for s in plan.steps if s.technique is Technique.FACILITATED_STRETCH)
    assert stretch.side == "right"
    assert stretch.contract_s == 6 and stretch.repetitions == 3
    assert stretch.position
    assert Element.BIOMECHANICAL_DYSFUNCTION in stretch.elements


def test_anticoagulants_no_compression_yet_every_element_covered_by_positional_release() -> None:
    plan = plan_for(precautions=ANTICOAGULANTS)
    assert plan.steps
    assert {s.technique for s in plan.steps} == {Technique.POSITIONAL_RELEASE}
    assert all(c.covered for c in plan.coverage), plan.coverage
    assert rated(plan) == rated(plan_for())
    # The substitution is said once, in the precautions applied, not once per step.
    assert not any("ruled out" in item.reason for item in plan.left_out)
    applied = next(
        t for t in plan.precautions_applied if t.startswith("Ischaemic compression not allowed")
    )
    assert "changed or left out" in applied


def test_a_cap_of_2_kg_lowers_every_pressure_and_says_so() -> None:
    plan = plan_for(precautions=Precautions(max_pressure_kg=2.0))
    pressed = [s for s in plan.steps if s.pressure_kg is not None]
    assert pressed
    for step in pressed:
        assert step.pressure_kg is not None
        low, high = step.pressure_kg
        assert 0 < low < high <= 2.0
    assert any("2.0 kg (4.4 lb)" in t for t in plan.precautions_applied)


def test_region_to_avoid_moves_the_muscle_to_left_out_with_the_reason() -> None:
    plan = plan_for(precautions=Precautions(regions_to_avoid=("upper_buttock",)))
    assert not any(s.muscle_id == "gluteus_minimus" for s in plan.steps)
    reasons = [i.reason for i in plan.left_out if i.muscle_id == "gluteus_minimus"]
    assert reasons and "region to avoid" in reasons[0] and "upper buttock" in reasons[0].lower()
    assert any(t.startswith("Regions to avoid") for t in plan.precautions_applied)


def test_a_region_on_one_side_spares_the_other_side() -> None:
    facts = AssessmentFacts(palpation=(palpated("gluteus_minimus", "posterior", "right"),))
    plan = plan_for(facts, Precautions(regions_to_avoid=("upper_buttock_left",)))
    assert any(s.muscle_id == "gluteus_minimus" for s in plan.steps)


def test_deep_abdominal_work_keeps_pressure_off_iliopsoas_but_releases_it() -> None:
    facts = AssessmentFacts(palpation=(palpated("iliopsoas", "distal_femoral_triangle"),))
    plan = plan_for(facts, Precautions(techniques_not_allowed=("deep_abdominal_work",)))
    on_psoas = {s.technique for s in plan.steps if s.muscle_id == "iliopsoas"}
    assert on_psoas == {Technique.POSITIONAL_RELEASE}
    other = plan_for(
        AssessmentFacts(palpation=(palpated("gluteus_medius"),)),
        Precautions(techniques_not_allowed=("deep_abdominal_work",)),
    )
    assert Technique.ISCHEMIC_COMPRESSION in {s.technique for s in other.steps}


def test_uncovered_element_has_a_note_that_names_the_precaution() -> None:
    facts = AssessmentFacts(palpation=(palpated("gluteus_minimus", "posterior", active=False),))
    plan = plan_for(facts, Precautions(regions_to_avoid=("upper_buttock",)))
    assert plan.steps == ()
    trigger = next(c for c in plan.coverage if c.element is Element.TRIGGER_POINTS)
    assert not trigger.covered
    assert "precautions rule out" in trigger.note and "upper buttock" in trigger.note.lower()


def test_nerve_signs_without_a_muscle_are_never_silent() -> None:
    plan = plan_for(AssessmentFacts(pain_qualities=("burning",)))
    nerve = next(c for c in plan.coverage if c.element is Element.NERVE_COMPRESSION)
    assert not nerve.covered
    assert "no finding names a muscle" in nerve.note


def test_posture_short_muscle_stretched_and_weak_one_left_for_strengthening() -> None:
    photo = analyse(
        PostureInput(
            view=View.BACK,
            landmarks={"iliac_crest_left": (100.0, 480.0), "iliac_crest_right": (300.0, 500.0)},
        )
    )
    plan = plan_for(AssessmentFacts(posture=photo.findings))
    ql = [s for s in plan.steps if s.muscle_id == "quadratus_lumborum"]
    assert ql and ql[0].technique is Technique.FACILITATED_STRETCH
    assert Element.POSTURAL_DISTORTION in ql[0].elements
    assert all(c.covered for c in plan.coverage)


def test_course_acute_and_chronic() -> None:
    acute = plan_for().course
    chronic = plan_for(chronic=True).course
    assert acute.review_at_session == chronic.review_at_session == 5
    assert chronic.initial_sessions > acute.initial_sessions
    assert chronic.maintenance_every_weeks is not None
    assert acute.maintenance_every_weeks is not None
    assert chronic.maintenance_every_weeks < acute.maintenance_every_weeks
    assert any("3 months" in r for r in chronic.reasons)
    assert any("3-5" in r for r in acute.reasons)


def test_budget_includes_fixed_time_and_the_rest_is_for_next_session() -> None:
    many = AssessmentFacts(
        palpation=tuple(
            palpated(m.id, m.trigger_points[0].id, side, tenderness=3)
            for m in KB.muscles[:12]
            for side in ("left", "right")
        )
    )
    short = plan_for(many, session_minutes=60)
    long = plan_for(many, session_minutes=90)
    assert step_budget(60) == 60 - rules().fixed_minutes
    assert total_minutes(short.steps) <= short.step_budget
    assert total_minutes(long.steps) <= long.step_budget
    assert len(long.steps) > len(short.steps)
    assert any("no time this session" in i.reason for i in short.left_out)


def test_coverage_after_the_therapist_removes_steps() -> None:
    plan = plan_for()
    profile = rate_elements(BACK_PAIN)
    kept = [s for s in plan.steps if Element.NERVE_COMPRESSION not in s.elements]
    coverage = {c.element: c for c in coverage_of(kept, profile)}
    assert not coverage[Element.NERVE_COMPRESSION].covered
    assert "Not addressed" in coverage[Element.NERVE_COMPRESSION].note
    assert coverage_of(plan.steps, None) == ()


def test_plan_json_is_plain_json() -> None:
    data = plan_json(plan_for(precautions=ANTICOAGULANTS, chronic=True))
    again = json.loads(json.dumps(data))
    assert again == data
    assert data["step_budget_minutes"] == 60 - rules().fixed_minutes
    assert set(data["fixed_minutes"]) == {"check_in", "warm_up", "closing"}  # type: ignore[arg-type]


# --------------------------------------------------------------------------- bad input


def compression(**kw: object) -> Step:
    values: dict[str, object] = {
        "pressure_kg": (3.6, 5.4),
        "contact": "thumb",
        "hold_s": 60,
        "repetitions": 2,
    }
    values.update(kw)
    return Step(
        "gluteus_medius",
        None,
        "left",
        Technique.ISCHEMIC_COMPRESSION,
        **values,  # type: ignore[arg-type]
    )


def refused(step: Step, precautions: Precautions | None = None) -> DomainError:
    with pytest.raises(DomainError) as error:
        check_step(step, precautions)
    return error.value


def test_hold_of_120_s_refused_naming_hold_s() -> None:
    error = refused(compression(hold_s=120))
    assert error.field == "hold_s" and "90" in error.message
    assert refused(Step("piriformis", None, None, "positional_release", hold_s=120)).field == (
        "hold_s"
    )


def test_compression_hold_below_30_s_refused() -> None:
    error = refused(compression(hold_s=20))
    assert error.field == "hold_s" and "30" in error.message


def test_pressure_over_the_cap_refused_with_the_cap_in_kg_and_lb() -> None:
    error = refused(compression(), Precautions(max_pressure_kg=2.0))
    assert error.field == "pressure_kg"
    assert "2.0 kg (4.4 lb)" in error.message


def test_pressure_above_12_lb_refused() -> None:
    error = refused(compression(pressure_kg=(4.0, 6.0)))
    assert error.field == "pressure_kg" and "12 lb" in error.message


def test_technique_ruled_out_refused() -> None:
    error = refused(compression(), ANTICOAGULANTS)
    assert error.field == "technique" and "ischaemic compression" in error.message


def test_region_to_avoid_refused() -> None:
    step = compression()
    area = KB.muscle("gluteus_medius").trigger_points[0].area
    error = refused(step, Precautions(regions_to_avoid=(area,)))
    assert error.field == "muscle_id" and "region to avoid" in error.message


def test_a_safe_step_passes() -> None:
    check_step(compression(), Precautions(max_pressure_kg=6.0))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"muscle_id": "gluteus_maxim"}, "muscle_id"),
        ({"trigger_point": "nowhere"}, "trigger_point"),
        ({"side": "up"}, "side"),
        ({"technique": "cupping"}, "technique"),
        ({"repetitions": 11}, "repetitions"),
        ({"repetitions": 0}, "repetitions"),
        ({"hold_s": None}, "hold_s"),
        ({"pressure_kg": (5.0, 4.0)}, "pressure_kg"),
        ({"pressure_kg": None}, "pressure_kg"),
        ({"contact": "foot"}, "contact"),
        ({"elements": ("pain",)}, "elements[0]"),
        ({"hold_s": 600}, "hold_s"),
    ],
)
def test_step_refuses_values_outside_absolute_ranges(change: dict[str, object], field: str) -> None:
    with pytest.raises(DomainError) as error:
        dataclasses.replace(compression(), **change)  # type: ignore[arg-type]
    assert error.value.field == field


def test_unknown_muscle_suggests_close_ids() -> None:
    with pytest.raises(DomainError) as error:
        Step("piriformus", None, None, Technique.POSITIONAL_RELEASE, hold_s=90)
    assert "piriformis" in error.value.suggestions


def test_stretch_takes_no_pressure() -> None:
    with pytest.raises(DomainError) as error:
        Step(
            "iliopsoas",
            None,
            None,
            Technique.FACILITATED_STRETCH,
            contract_s=6,
            pressure_kg=(1.0, 2.0),
        )
    assert error.value.field == "pressure_kg"


@pytest.mark.parametrize("minutes", [0, 20, 50, 61, 120, True, "60"])
def test_session_minutes_must_be_one_of_the_lengths(minutes: object) -> None:
    with pytest.raises(DomainError) as error:
        PlanInput(BACK_PAIN, None, None, session_minutes=minutes)  # type: ignore[arg-type]
    assert error.value.field == "session_minutes"
    assert "30, 45, 60, 75 or 90" in error.value.message


@pytest.mark.parametrize("minutes", SESSION_LENGTHS)
def test_every_session_length_keeps_its_budget(minutes: int) -> None:
    plan = plan_for(session_minutes=minutes)
    assert plan.session_minutes == minutes
    assert total_minutes(plan.steps) <= step_budget(minutes)
    assert plan.steps


# --------------------------------------------------------------------------- properties

MUSCLES = [
    "quadratus_lumborum",
    "gluteus_medius",
    "gluteus_minimus",
    "piriformis",
    "iliopsoas",
    "rectus_abdominis",
    "upper_trapezius",
    "scalenes",
    "gastrocnemius",
    "iliocostalis_lumborum",
]
AREAS = sorted({p.area for m in MUSCLES for p in KB.muscle(m).trigger_points})
REGIONS = sorted({r for a in AREAS for r in atlas.region_ids_for_area(a)})


@st.composite
def palpation_facts(draw: st.DrawFn) -> PalpationFact:
    muscle = KB.muscle(draw(st.sampled_from(MUSCLES)))
    return PalpationFact(
        muscle.id,
        draw(st.sampled_from([None, *(p.id for p in muscle.trigger_points)])),
        draw(st.sampled_from([None, "left", "right"])),
        draw(st.sampled_from([None, True, False])),
        draw(st.booleans()),
        draw(st.booleans()),
        draw(st.booleans()),
        draw(st.booleans()),
        draw(st.sampled_from([None, 0, 1, 2, 3])),
        draw(st.one_of(st.none(), st.floats(min_value=50, max_value=1200))),
    )


@st.composite
def exam_facts(draw: st.DrawFn) -> ExamFact:
    test = draw(st.sampled_from(exam_tests()))
    kind = ResultType(test.result_type)
    value = None
    positive = None
    if kind.takes_value:
        assert test.minimum is not None and test.maximum is not None
        if kind is ResultType.GRADE_0_5:
            value = float(draw(st.integers(0, 5)))
        else:
            value = draw(st.floats(test.minimum, test.maximum))
    if kind.takes_positive:
        positive = draw(st.booleans())
    return ExamFact(
        test.id,
        draw(st.sampled_from([None, "left", "right"])),
        value,
        positive,
        painful=draw(st.booleans()),
    )


@st.composite
def assessment_facts(draw: st.DrawFn) -> AssessmentFacts:
    posture = ()
    if draw(st.booleans()):
        posture = analyse(
            PostureInput(
                view=View.BACK,
                landmarks={
                    "iliac_crest_left": (100.0, 500.0),
                    "iliac_crest_right": (300.0, 500.0 + draw(st.floats(-40, 40))),
                    "acromion_left": (90.0, 200.0),
                    "acromion_right": (310.0, 200.0 + draw(st.floats(-30, 30))),
                },
            )
        ).findings
    return AssessmentFacts(
        palpation=tuple(draw(st.lists(palpation_facts(), max_size=6))),
        exams=tuple(draw(st.lists(exam_facts(), max_size=4))),
        posture=posture,
        pain_qualities=tuple(draw(st.lists(st.sampled_from(["tingling", "burning", "aching"])))),
        paraesthesia_regions=tuple(
            draw(
                st.lists(st.sampled_from(["calf_left", "arch_right", "palm_left", "occiput_right"]))
            )
        ),
    )


precautions_strategy = st.one_of(
    st.none(),
    st.builds(
        Precautions,
        techniques_not_allowed=st.lists(st.sampled_from(sorted(TECHNIQUES)), unique=True).map(
            tuple
        ),
        max_pressure_kg=st.one_of(st.none(), st.floats(min_value=0.5, max_value=8.0)),
        regions_to_avoid=st.lists(st.sampled_from(AREAS + REGIONS), max_size=3, unique=True).map(
            tuple
        ),
    ),
)

inputs = st.builds(
    PlanInput,
    facts=assessment_facts(),
    profile=st.none(),
    precautions=precautions_strategy,
    chronic=st.booleans(),
    session_minutes=st.sampled_from([60, 75, 90]),
)

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(inputs)
def test_precautions_are_always_honoured(data: PlanInput) -> None:
    plan = propose(data)
    cap = data.precautions.max_pressure_kg if data.precautions else None
    for step in plan.steps:
        check_step(step, data.precautions)  # hold, pressure, technique, region, cap
        assert not ruled_out_by(
            step.technique, step.muscle_id, step.trigger_point, data.precautions
        )
        if step.pressure_kg is not None:
            low, high = step.pressure_kg
            assert 0 < low < high <= PRESSURE_MAX_KG
            assert cap is None or high <= cap
        assert step.reasons


@PROPERTY
@given(inputs)
def test_time_budget_is_respected(data: PlanInput) -> None:
    plan = propose(data)
    assert total_minutes(plan.steps) <= step_budget(data.session_minutes)
    assert plan.session_minutes == data.session_minutes


@PROPERTY
@given(inputs)
def test_every_element_found_is_covered_unless_a_precaution_prevents_it(data: PlanInput) -> None:
    plan = propose(data)
    profile = rate_elements(data.facts)
    found = {r.element for r in profile.ratings if r.rating >= 1}
    assert rated(plan) == found
    free = propose(dataclasses.replace(data, precautions=None))
    free_coverage = {c.element: c for c in free.coverage}
    for item in plan.coverage:
        assert item.covered == bool(item.step_indexes)
        for index in item.step_indexes:
            assert item.element in plan.steps[index].elements
        if item.covered:
            continue
        assert item.note.startswith("Not covered")
        if free_coverage[item.element].covered:
            # Only the precautions stand in the way, and the note says so.
            assert "precautions rule out" in item.note
        else:
            assert "no finding names a muscle" in free_coverage[item.element].note
    for item in free.coverage:
        if not item.covered:
            assert "no finding names a muscle" in item.note


@PROPERTY
@given(inputs)
def test_proposals_are_deterministic(data: PlanInput) -> None:
    first, second = propose(data), propose(data)
    assert first == second
    assert plan_json(first) == plan_json(second)


def test_default_step_matches_the_proposal_and_honours_the_cap() -> None:
    plan = plan_for(precautions=Precautions(max_pressure_kg=3.0))
    step = next(s for s in plan.steps if s.technique is Technique.ISCHEMIC_COMPRESSION)
    again = default_step(
        step.muscle_id,
        step.trigger_point,
        step.side,
        step.technique,
        Precautions(max_pressure_kg=3.0),
        elements=step.elements,
        reasons=step.reasons,
    )
    assert again == step
    stretch = default_step("iliopsoas", None, "left", "facilitated_stretch", elements=["ischemia"])
    assert stretch is not None and stretch.elements == ()


def _sides_found(facts: AssessmentFacts) -> set[str | None]:
    return {f.side for f in facts.palpation}


@PROPERTY
@given(
    st.lists(palpation_facts(), min_size=1, max_size=6),
    precautions_strategy,
    st.sampled_from(SESSION_LENGTHS),
)
def test_never_a_step_on_a_side_with_no_finding(
    palpation: list[PalpationFact], precautions: Precautions | None, minutes: int
) -> None:
    facts = AssessmentFacts(palpation=tuple(palpation))
    plan = propose(PlanInput(facts, None, precautions, session_minutes=minutes))
    found = {(f.muscle_id, f.side) for f in palpation}
    for step in plan.steps:
        assert (step.muscle_id, step.side) in found
    # One primary technique per palpated point: never two steps on one point.
    points = [(s.muscle_id, s.trigger_point, s.side) for s in plan.steps]
    assert len(points) == len(set(points))
    assert total_minutes(plan.steps) <= step_budget(minutes)
    for item in plan.suggestions:
        assert (item.step.muscle_id, item.step.side) not in {
            (s.muscle_id, s.side) for s in plan.steps
        }
        check_step(item.step, precautions)
