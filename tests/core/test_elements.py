"""The five elements of pain: rules, evidence, overrides, comparison, and monotony."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myomap_core.elements import (
    AssessmentFacts,
    Element,
    ElementProfile,
    ExamFact,
    PalpationFact,
    compare,
    profile_json,
    rate_elements,
    rating_for,
)
from myomap_core.errors import DomainError
from myomap_core.examination import ResultType, exam_tests
from myomap_core.knowledge import load_knowledge_base
from myomap_core.posture import PostureInput, View, analyse
from myomap_core.pressure import kpa_from

KB = load_knowledge_base()


def palpation(muscle: str = "quadratus_lumborum", **kw: object) -> PalpationFact:
    values: dict[str, object] = {
        "trigger_point": None,
        "side": "left",
        "active": None,
        "taut_band": False,
        "nodule": False,
        "twitch": False,
        "referral_reproduced": False,
        "tenderness": None,
        "ppt_kpa": None,
    }
    values.update(kw)
    return PalpationFact(muscle, **values)  # type: ignore[arg-type]


def rating(facts: AssessmentFacts, element: Element) -> int:
    return rate_elements(facts).rating(element).rating


def test_no_facts_rate_every_element_zero_in_fixed_order() -> None:
    profile = rate_elements(AssessmentFacts())
    assert [r.element for r in profile.ratings] == list(Element)
    assert all(r.rating == 0 and r.evidence == () for r in profile.ratings)


def test_rating_steps() -> None:
    assert [rating_for(w) for w in range(8)] == [0, 1, 1, 2, 2, 2, 3, 3]


def test_an_active_trigger_point_with_twitch_and_referral() -> None:
    facts = AssessmentFacts(
        palpation=(
            palpation(
                trigger_point=KB.muscle("quadratus_lumborum").trigger_points[0].id,
                active=True,
                twitch=True,
                referral_reproduced=True,
            ),
        )
    )
    r = rate_elements(facts).rating(Element.TRIGGER_POINTS)
    assert r.rating == 2  # 2 + 1 + 1
    texts = [e.text for e in r.evidence]
    assert texts[0].startswith("Active trigger point: Quadratus lumborum, left (")
    assert any("twitch" in t for t in texts) and any("Referred pain" in t for t in texts)
    assert rating(facts, Element.ISCHEMIA) == 0


def test_a_latent_trigger_point_alone_rates_one() -> None:
    facts = AssessmentFacts(palpation=(palpation(active=False),))
    assert rating(facts, Element.TRIGGER_POINTS) == 1


def test_ischemia_from_tenderness_taut_band_and_low_ppt() -> None:
    low = kpa_from(5.5, "lb_cm2")  # below the chronic low back pain mean 5.9 lb/cm²
    facts = AssessmentFacts(palpation=(palpation(tenderness=3, taut_band=True, ppt_kpa=low),))
    r = rate_elements(facts).rating(Element.ISCHEMIA)
    assert [e.weight for e in r.evidence] == [2, 1, 2]
    assert r.rating == 2
    assert r.evidence[2].source == "giesbrecht2005"


def test_ppt_between_the_two_means_weighs_one_and_a_normal_ppt_nothing() -> None:
    between = AssessmentFacts(palpation=(palpation(ppt_kpa=kpa_from(7.0, "lb_cm2")),))
    assert [e.weight for e in rate_elements(between).rating(Element.ISCHEMIA).evidence] == [1]
    normal = AssessmentFacts(palpation=(palpation(ppt_kpa=kpa_from(9.0, "lb_cm2")),))
    assert rating(normal, Element.ISCHEMIA) == 0


def test_a_ppt_clearly_lower_than_the_other_side_is_evidence() -> None:
    left = palpation(side="left", ppt_kpa=kpa_from(9.0, "kg_cm2") - 200)
    right = palpation(side="right", ppt_kpa=kpa_from(9.0, "kg_cm2"))
    r = rate_elements(AssessmentFacts(palpation=(left, right))).rating(Element.ISCHEMIA)
    assert [e.source for e in r.evidence] == ["chesterton2007"]
    assert "Quadratus lumborum, left" in r.evidence[0].text


def test_nerve_compression_from_slr_slump_and_the_pain_map() -> None:
    facts = AssessmentFacts(
        exams=(
            ExamFact("straight_leg_raise", "left", 40, True),
            ExamFact("slump_test", "left", None, True),
        ),
        pain_qualities=("tingling", "aching", "Burning"),
        paraesthesia_regions=("calf_left", "arch_left"),
    )
    r = rate_elements(facts).rating(Element.NERVE_COMPRESSION)
    assert r.rating == 3  # 2 + 2 + 1 + 1 + 1
    assert r.evidence[0].text.startswith("Straight leg raise, left, positive, 40°")
    assert any("burning" in e.text for e in r.evidence)
    assert "Left calf" in r.evidence[-1].text


def test_a_negative_slr_is_no_evidence() -> None:
    facts = AssessmentFacts(exams=(ExamFact("straight_leg_raise", "left", 85, False),))
    assert rating(facts, Element.NERVE_COMPRESSION) == 0


def test_biomechanical_dysfunction_from_rom_strength_and_length_tests() -> None:
    facts = AssessmentFacts(
        exams=(
            ExamFact("lumbar_flexion_rom", None, 30, None, painful=True),
            ExamFact("strength_gluteus_medius", "right", 3, None),
            ExamFact("strength_abdominals", None, 4, None),
            ExamFact("thomas_test", "left", None, True),
            ExamFact("hip_flexion_rom", "left", 120, None),
        )
    )
    r = rate_elements(facts).rating(Element.BIOMECHANICAL_DYSFUNCTION)
    weights = {e.text.split(",")[0]: e.weight for e in r.evidence}
    assert weights == {
        "Lumbar flexion": 1,
        "Pain on lumbar flexion": 1,
        "Strength: gluteus medius": 2,
        "Strength: abdominals": 1,
        "Thomas test (hip flexor length)": 1,
    }
    assert r.rating == 3


def test_postural_distortion_from_findings_or_measures() -> None:
    photo = analyse(
        PostureInput(
            view=View.BACK,
            landmarks={"iliac_crest_left": (100.0, 480.0), "iliac_crest_right": (300.0, 500.0)},
        )
    )
    from_findings = rate_elements(AssessmentFacts(posture=photo.findings))
    from_measures = rate_elements(AssessmentFacts(posture=photo.measures))
    for profile in (from_findings, from_measures):
        r = profile.rating(Element.POSTURAL_DISTORTION)
        assert [e.text for e in r.evidence] == ["Left iliac crest high, 5.7°"]
        assert r.evidence[0].weight == 2 and r.rating == 1


def test_an_override_keeps_the_computed_rating_and_needs_a_reason() -> None:
    facts = AssessmentFacts(palpation=(palpation(active=True),))
    profile = rate_elements(facts, {"trigger_points": (3, "Several more points found by hand")})
    r = profile.rating("trigger_points")
    assert (r.rating, r.computed, r.overridden) == (3, 1, True)
    assert r.override_reason == "Several more points found by hand"
    for overrides, field in [
        ({"trigger_points": (3, "  ")}, "overrides.trigger_points.reason"),
        ({"trigger_points": (4, "why")}, "overrides.trigger_points.rating"),
        ({"ischaemia": (1, "why")}, "overrides.ischaemia"),
    ]:
        with pytest.raises(DomainError) as caught:
            rate_elements(facts, overrides)  # type: ignore[arg-type]
        assert caught.value.field == field


def test_compare_lists_the_change_per_element() -> None:
    before = rate_elements(AssessmentFacts(palpation=(palpation(active=True, twitch=True),)))
    after = rate_elements(AssessmentFacts())
    changes = dict(compare(before, after))
    assert changes[Element.TRIGGER_POINTS] == -2
    assert changes[Element.ISCHEMIA] == 0
    assert list(changes) == list(Element)


def test_profile_json() -> None:
    data = profile_json(rate_elements(AssessmentFacts(palpation=(palpation(active=False),))))
    assert data[1]["element"] == "trigger_points" and data[1]["rating"] == 1
    assert data[1]["evidence"] == [
        {"text": "Latent trigger point: Quadratus lumborum, left", "weight": 1, "source": "tss3"}
    ]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"tenderness": 4}, "tenderness"),
        ({"tenderness": True}, "tenderness"),
        ({"ppt_kpa": -3.0}, "ppt_kpa"),
        ({"side": "middle"}, "side"),
        ({"trigger_point": "nowhere"}, "trigger_point"),
        ({"twitch": "yes"}, "twitch"),
    ],
)
def test_bad_palpation_facts_name_the_field(kw: dict[str, object], field: str) -> None:
    with pytest.raises(DomainError) as caught:
        palpation(**kw)
    assert caught.value.field == field


def test_unknown_muscle_and_bad_exam_and_region_are_field_errors() -> None:
    with pytest.raises(DomainError) as caught:
        palpation("quadratus_lumborm")
    assert caught.value.field == "muscle_id" and "quadratus_lumborum" in caught.value.suggestions
    with pytest.raises(DomainError) as caught:
        ExamFact("strength_gluteus_medius", "left", 7, None)
    assert caught.value.field == "value"
    with pytest.raises(DomainError) as caught:
        AssessmentFacts(paraesthesia_regions=("calf",))
    assert caught.value.field == "paraesthesia_regions[0]"


def test_a_profile_must_hold_all_five_elements() -> None:
    profile = rate_elements(AssessmentFacts())
    with pytest.raises(DomainError):
        ElementProfile(profile.ratings[:4])


# --------------------------------------------------------------------------- properties

MUSCLES = ["quadratus_lumborum", "gluteus_medius", "upper_trapezius", "piriformis"]


@st.composite
def palpation_facts(draw: st.DrawFn) -> PalpationFact:
    return palpation(
        draw(st.sampled_from(MUSCLES)),
        side=draw(st.sampled_from([None, "left", "right"])),
        active=draw(st.sampled_from([None, True, False])),
        taut_band=draw(st.booleans()),
        nodule=draw(st.booleans()),
        twitch=draw(st.booleans()),
        referral_reproduced=draw(st.booleans()),
        tenderness=draw(st.sampled_from([None, 0, 1, 2, 3])),
        ppt_kpa=draw(st.one_of(st.none(), st.floats(min_value=50, max_value=1200))),
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
def facts(draw: st.DrawFn) -> AssessmentFacts:
    photo = analyse(
        PostureInput(
            view=View.BACK,
            landmarks={
                "iliac_crest_left": (100.0, 500.0),
                "iliac_crest_right": (300.0, 500.0 + draw(st.floats(-40, 40))),
            },
        )
    )
    return AssessmentFacts(
        palpation=tuple(draw(st.lists(palpation_facts(), max_size=4))),
        exams=tuple(draw(st.lists(exam_facts(), max_size=4))),
        posture=photo.findings if draw(st.booleans()) else (),
        pain_qualities=tuple(draw(st.lists(st.sampled_from(["tingling", "burning", "aching"])))),
        paraesthesia_regions=tuple(
            draw(st.lists(st.sampled_from(["calf_left", "ball_of_foot_right"])))
        ),
    )


def combine(a: AssessmentFacts, b: AssessmentFacts) -> AssessmentFacts:
    return AssessmentFacts(
        palpation=a.palpation + b.palpation,
        exams=a.exams + b.exams,
        posture=a.posture + b.posture,
        pain_qualities=a.pain_qualities + b.pain_qualities,
        paraesthesia_regions=a.paraesthesia_regions + b.paraesthesia_regions,
    )


@settings(max_examples=150, deadline=None)
@given(facts(), facts())
def test_more_evidence_never_lowers_a_rating(a: AssessmentFacts, b: AssessmentFacts) -> None:
    before = rate_elements(a)
    after = rate_elements(combine(a, b))
    for element in Element:
        r = after.rating(element)
        assert 0 <= r.rating <= 3
        assert r.rating >= before.rating(element).rating
        assert r.total_weight >= before.rating(element).total_weight
        assert all(e.weight in (1, 2) for e in r.evidence)
