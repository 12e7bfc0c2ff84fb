"""The examination catalogue: required tests, normal values, allowed ranges, abnormal results."""

from __future__ import annotations

import pytest

from myomap_core.elements import Element
from myomap_core.errors import DomainError
from myomap_core.examination import (
    ELEMENT_IDS,
    Category,
    ResultType,
    check_result,
    exam_test,
    exam_tests,
)
from myomap_core.knowledge import load_knowledge_base

REQUIRED = {
    "lumbar_flexion_rom",
    "lumbar_extension_rom",
    "lumbar_side_bending_rom",
    "lumbar_rotation_rom",
    "hip_flexion_rom",
    "hip_extension_rom",
    "hip_abduction_rom",
    "hip_internal_rotation_rom",
    "hip_external_rotation_rom",
    "strength_gluteus_medius",
    "strength_gluteus_maximus",
    "strength_abdominals",
    "strength_hip_flexors",
    "strength_back_extensors",
    "thomas_test",
    "ober_test",
    "piriformis_length",
    "hamstring_90_90",
    "straight_leg_raise",
    "slump_test",
    "fabere",
    "prone_instability",
    "trendelenburg",
}


def test_the_catalogue_holds_every_required_test() -> None:
    assert {t.id for t in exam_tests()} >= REQUIRED
    assert {t.category for t in exam_tests()} == {c.value for c in Category}


def test_every_test_has_its_muscles_sources_and_description() -> None:
    kb = load_knowledge_base()
    for test in exam_tests():
        assert test.source in kb.sources, test.id
        for muscle in test.muscles:
            kb.muscle(muscle)
        assert len(test.how) > 40, test.id
        if test.abnormal_below is not None or test.abnormal_above is not None:
            assert test.limit_source in kb.sources, test.id
        if ResultType(test.result_type).takes_value:
            assert test.minimum is not None and test.maximum is not None


def test_element_ids_match_the_five_elements() -> None:
    assert tuple(e.value for e in Element) == ELEMENT_IDS


@pytest.mark.parametrize(
    ("test_id", "normal"),
    [
        ("hip_flexion_rom", 120),
        ("hip_extension_rom", 30),
        ("hip_abduction_rom", 45),
        ("hip_internal_rotation_rom", 45),
        ("hip_external_rotation_rom", 45),
        ("lumbar_flexion_rom", 60),
        ("strength_gluteus_medius", 5),
    ],
)
def test_normal_values(test_id: str, normal: float) -> None:
    test = exam_test(test_id)
    assert test.normal_value == normal and test.normal


def test_categories_filter_the_catalogue() -> None:
    strength = exam_tests("strength")
    assert len(strength) == 5
    assert all(t.result_type == "grade_0_5" and t.maximum == 5 for t in strength)
    assert {t.id for t in exam_tests("neural_tension")} == {"straight_leg_raise", "slump_test"}


@pytest.mark.parametrize(
    ("test_id", "value", "positive", "field"),
    [
        ("strength_gluteus_medius", 7, None, "value"),
        ("strength_gluteus_medius", -1, None, "value"),
        ("strength_gluteus_medius", 3.5, None, "value"),
        ("strength_gluteus_medius", None, None, "value"),
        ("lumbar_flexion_rom", -10, None, "value"),
        ("hip_flexion_rom", 200, None, "value"),
        ("hip_flexion_rom", float("nan"), None, "value"),
        ("straight_leg_raise", 45, None, "positive"),
        ("straight_leg_raise", 130, True, "value"),
        ("thomas_test", None, None, "positive"),
        ("thomas_test", 12, True, "value"),
        ("nonexistent_test", 1, None, "test_id"),
    ],
)
def test_out_of_range_results_are_field_errors(
    test_id: str, value: float | None, positive: bool | None, field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        check_result(test_id, value, positive)
    assert caught.value.field == field


def test_valid_results_pass() -> None:
    check_result("strength_gluteus_medius", 4, None)
    check_result("straight_leg_raise", 45, True)
    check_result("straight_leg_raise", None, False)
    check_result("thomas_test", None, True)
    check_result("lumbar_side_bending_rom", 0, None)


def test_an_unknown_test_suggests_close_ids() -> None:
    with pytest.raises(DomainError) as caught:
        exam_test("thomas")
    assert "thomas_test" in caught.value.suggestions


@pytest.mark.parametrize(
    ("test_id", "value", "positive", "abnormal"),
    [
        ("lumbar_flexion_rom", 35, None, True),
        ("lumbar_flexion_rom", 50, None, False),
        ("hamstring_90_90", 25, None, True),
        ("hamstring_90_90", 15, None, False),
        ("strength_gluteus_medius", 4, None, True),
        ("strength_gluteus_medius", 5, None, False),
        ("straight_leg_raise", 45, True, True),
        ("straight_leg_raise", 85, False, False),
        ("thomas_test", None, True, True),
        ("thomas_test", None, False, False),
        ("lumbar_rotation_rom", 5, None, None),
    ],
)
def test_abnormal_results(
    test_id: str, value: float | None, positive: bool | None, abnormal: bool | None
) -> None:
    assert exam_test(test_id).abnormal(value, positive) is abnormal


def test_side_bending_implicates_the_other_sides_muscles_and_slr_supports_nerve_compression() -> (
    None
):
    side_bending = exam_test("lumbar_side_bending_rom")
    assert side_bending.muscle_side == "opposite" and "quadratus_lumborum" in side_bending.muscles
    assert exam_test("straight_leg_raise").element == "nerve_compression"
    assert exam_test("thomas_test").element == "biomechanical_dysfunction"
    assert {"iliopsoas", "rectus_femoris"} <= set(exam_test("thomas_test").muscles)
