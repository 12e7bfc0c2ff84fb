"""Posture geometry against hand-computed vectors, the left/right and facing conventions,
warnings, findings and muscle hypotheses.

Pixel coordinates, y down: "higher" is a smaller y. On a FRONT photo the client's left is
on the image's right; on a BACK photo it is on the image's left.
"""

from __future__ import annotations

import math

import pytest

from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.posture import (
    CAVEAT,
    Landmark,
    PostureAnalysis,
    PostureInput,
    View,
    analyse,
    analysis_json,
    finding_rules,
    landmarks_for,
    parse_posture_input,
)

ROOT3 = math.sqrt(3)


def run(view: str, scale: float | None = None, **points: tuple[float, float]) -> PostureAnalysis:
    data: dict[str, object] = {"view": view, "landmarks": {k: list(v) for k, v in points.items()}}
    if scale is not None:
        data["scale_mm_per_px"] = scale
    return analyse(parse_posture_input(data))


def codes(a: PostureAnalysis) -> list[str]:
    return [w.code for w in a.warnings]


# --------------------------------------------------------------------------- front / back


def test_level_shoulders_are_reported_level_with_no_finding() -> None:
    a = run("front", acromion_left=(300, 200), acromion_right=(100, 200))
    tilt = a.measure("shoulder_tilt")
    assert (tilt.value, tilt.unit, tilt.direction) == (0.0, "°", "level")
    assert a.measure("shoulder_height_difference").value == 0.0
    assert a.findings == () and a.warnings == ()


def test_front_view_left_shoulder_high_by_atan_10_over_200() -> None:
    # dx = 200 px, the left acromion 10 px higher: atan(10/200) = 2.862°
    a = run("front", scale=0.5, acromion_left=(300, 190), acromion_right=(100, 200))
    tilt = a.measure("shoulder_tilt")
    assert tilt.value == 2.9 and tilt.direction == "left high"
    height = a.measure("shoulder_height_difference")
    assert (height.value, height.unit) == (5.0, "mm")  # 10 px × 0.5 mm/px
    assert tilt.segment == ("acromion_left", "acromion_right")
    [finding] = a.findings
    assert finding.text == "Left shoulder high, 2.9° (5 mm)"
    assert {(h.muscle_id, h.side) for h in finding.hypotheses} == {
        ("upper_trapezius", "left"),
        ("levator_scapulae", "left"),
    }


def test_the_same_pixels_mean_opposite_sides_on_front_and_back_photos() -> None:
    # The point on the image's left is 10 px higher in both photos.
    front = run("front", acromion_right=(100, 190), acromion_left=(300, 200))
    back = run("back", acromion_left=(100, 190), acromion_right=(300, 200))
    assert front.measure("shoulder_tilt").direction == "right high"
    assert back.measure("shoulder_tilt").direction == "left high"
    assert front.warnings == () and back.warnings == ()


def test_front_pelvic_obliquity_from_asis_right_high_atan_0_1() -> None:
    # dx 200, right ASIS 20 px higher: atan(0.1) = 5.711°, past the 4° marked threshold
    a = run("front", asis_left=(300, 520), asis_right=(100, 500))
    m = a.measure("pelvic_obliquity")
    assert (m.value, m.direction) == (5.7, "right high")
    assert "ASIS" in m.label
    assert a.measure("pelvic_height_difference").unit == "px"
    [finding] = a.findings
    assert finding.text == "Right ASIS high, 5.7°" and finding.marked
    assert [(h.muscle_id, h.side, h.state) for h in finding.hypotheses] == [
        ("quadratus_lumborum", "right", "short/tight")
    ]


def test_back_view_iliac_crest_thirty_degrees_warns_implausible() -> None:
    # dx = 100·√3, dy = 100: atan(1/√3) = 30° exactly
    a = run("back", iliac_crest_left=(0, 600), iliac_crest_right=(100 * ROOT3, 500))
    m = a.measure("pelvic_obliquity")
    assert (m.value, m.direction) == (30.0, "right high")
    assert "implausible_value" in codes(a)


def test_back_view_uses_psis_when_iliac_crests_are_missing() -> None:
    a = run("back", scale=1.0, psis_left=(200, 600), psis_right=(400, 612))
    m = a.measure("pelvic_obliquity")
    assert "PSIS" in m.label and m.direction == "left high"
    assert m.value == pytest.approx(math.degrees(math.atan(12 / 200)), abs=0.05)  # 3.4°
    assert a.findings[0].text == "Left PSIS high, 3.4° (12 mm)"


def test_small_pelvic_tilt_below_two_degrees_is_measured_but_not_a_finding() -> None:
    # atan(5/200) = 1.43°
    a = run("back", iliac_crest_left=(100, 500), iliac_crest_right=(300, 505))
    assert a.measure("pelvic_obliquity").value == 1.4
    assert a.findings == ()


def test_a_measure_without_its_landmarks_names_what_it_needs() -> None:
    a = run("front", acromion_left=(300, 200), acromion_right=(100, 200))
    m = a.measure("pelvic_obliquity")
    assert not m.measurable and m.value is None
    assert m.needs == ("asis_left", "asis_right")
    assert "asis_left" in m.interpretation


@pytest.mark.parametrize(
    ("view", "left_x", "right_x"),
    [("front", 100, 300), ("back", 300, 100)],
)
def test_left_and_right_swapped_is_an_implausible_order(
    view: str, left_x: float, right_x: float
) -> None:
    a = run(view, acromion_left=(left_x, 200), acromion_right=(right_x, 200))
    [warning] = a.warnings
    assert warning.code == "implausible_order"
    assert warning.landmarks == ("acromion_left", "acromion_right")


def test_shoulder_below_the_pelvis_is_an_implausible_order() -> None:
    a = run(
        "front",
        acromion_left=(300, 600),
        acromion_right=(100, 600),
        asis_left=(280, 500),
        asis_right=(120, 500),
    )
    assert any(
        w.code == "implausible_order" and w.landmarks == ("acromion_left", "asis_left")
        for w in a.warnings
    )


def test_points_outside_the_image_and_duplicates_are_named() -> None:
    data = PostureInput(
        view=View.BACK,
        landmarks={
            "acromion_left": (100.0, 200.0),
            "acromion_right": (900.0, 200.0),
            "psis_left": (150.0, 600.0),
            "psis_right": (150.5, 600.5),
        },
        image_size=(800, 1000),
    )
    a = analyse(data)
    outside = [w for w in a.warnings if w.code == "outside_image"]
    assert [w.landmarks for w in outside] == [("acromion_right",)]
    duplicate = [w for w in a.warnings if w.code == "duplicate_position"]
    assert [w.landmarks for w in duplicate] == [("psis_left", "psis_right")]


def test_negative_coordinates_are_outside_even_without_an_image_size() -> None:
    a = run("back", acromion_left=(-5, 200), acromion_right=(300, 200))
    assert "outside_image" in codes(a)


def test_a_landmark_from_another_view_is_flagged() -> None:
    a = run("front", tragus=(100, 50), acromion_left=(300, 200), acromion_right=(100, 200))
    assert [w.landmarks for w in a.warnings if w.code == "not_used_in_view"] == [("tragus",)]


def test_two_points_on_one_vertical_line_cannot_give_a_tilt() -> None:
    a = run("back", acromion_left=(200, 190), acromion_right=(200, 200))
    assert not a.measure("shoulder_tilt").measurable
    assert "degenerate_line" in codes(a)


# --------------------------------------------------------------------------- side view


def test_craniovertebral_angle_45_degrees_facing_right() -> None:
    # C7 at (200, 300), tragus 100 px forward and 100 px up: 45°
    a = run("side", c7=(200, 300), tragus=(300, 200))
    m = a.measure("craniovertebral_angle")
    assert (m.value, m.direction) == (45.0, "forward")
    assert a.facing == "right" and a.facing_inferred
    assert m.segment == ("c7", "tragus")
    [finding] = a.findings
    assert finding.finding_id == "forward_head" and not finding.marked
    assert {h.muscle_id for h in finding.hypotheses} >= {
        "sternocleidomastoid",
        "suboccipitals",
        "upper_trapezius",
    }
    assert any("deep neck flexors" in n for n in finding.notes)


def test_craniovertebral_angle_is_the_same_facing_left() -> None:
    # Mirror image: tragus 100·√3 px forward (to the image's left) and 100 px up: 30°
    a = run("side", c7=(500, 300), tragus=(500 - 100 * ROOT3, 200))
    assert a.facing == "left"
    assert a.measure("craniovertebral_angle").value == 30.0
    assert a.findings[0].marked  # below the 44° neck-pain mean


def test_craniovertebral_angle_60_degrees_is_upright_without_a_finding() -> None:
    a = run("side", c7=(0, 173.2051), tragus=(100, 0))
    m = a.measure("craniovertebral_angle")
    assert (m.value, m.direction) == (60.0, "upright")
    assert a.findings == ()


def test_given_facing_wins_and_an_ear_behind_c7_is_implausible() -> None:
    data = PostureInput(
        view=View.SIDE,
        landmarks={"c7": (200.0, 300.0), "tragus": (100.0, 200.0)},
        facing="right",
    )
    a = analyse(data)
    assert a.facing == "right" and not a.facing_inferred
    assert a.measure("craniovertebral_angle").value == 135.0
    assert "implausible_value" in codes(a)


def test_anterior_pelvic_tilt_from_asis_and_psis() -> None:
    # ASIS 100 px in front of PSIS and 100·tan(20°) px lower: 20° anterior
    drop = 100 * math.tan(math.radians(20))
    a = run("side", psis=(300, 500), asis=(400, 500 + drop))
    m = a.measure("anterior_pelvic_tilt")
    assert (m.value, m.direction) == (20.0, "anterior")
    assert a.facing == "right"
    [finding] = a.findings
    assert finding.finding_id == "anterior_pelvic_tilt_increased"
    states = {(h.muscle_id, h.state) for h in finding.hypotheses}
    assert {
        ("iliopsoas", "short/tight"),
        ("rectus_femoris", "short/tight"),
        ("gluteus_maximus", "weak/long"),
        ("rectus_abdominis", "weak/long"),
    } <= states


def test_typical_tilt_is_not_a_finding_and_posterior_tilt_is() -> None:
    # atan(20/100) = 11.31°, within 13 ± 5
    typical = run("side", psis=(300, 500), asis=(400, 520))
    assert typical.measure("anterior_pelvic_tilt").value == 11.3
    assert typical.findings == ()
    # ASIS 10 px higher than PSIS facing left: atan(-10/100) = -5.71°, posterior
    posterior = run("side", psis=(500, 500), asis=(400, 490))
    m = posterior.measure("anterior_pelvic_tilt")
    assert (m.value, m.direction) == (-5.7, "posterior")
    assert posterior.facing == "left"
    assert posterior.findings[0].finding_id == "anterior_pelvic_tilt_reduced"
    assert posterior.findings[0].marked


def test_side_view_accepts_the_visible_sides_named_points() -> None:
    a = run("side", psis_left=(300, 500), asis_left=(400, 520))
    assert a.measure("anterior_pelvic_tilt").value == 11.3
    assert "not_used_in_view" not in codes(a)


def test_facing_given_against_the_pelvis_is_an_implausible_order() -> None:
    data = PostureInput(
        view=View.SIDE,
        landmarks={"psis": (300.0, 500.0), "asis": (400.0, 520.0)},
        facing="left",
    )
    assert "implausible_order" in codes(analyse(data))


def test_plumb_line_offsets_in_mm_forward_of_the_malleolus() -> None:
    a = run(
        "side",
        scale=0.5,
        psis=(150, 500),
        asis=(250, 520),
        tragus=(290, 100),
        greater_trochanter=(330, 560),
        lateral_knee=(196, 800),
        lateral_malleolus=(200, 1000),
    )
    tragus = a.measure("plumb_line_tragus")
    assert (tragus.value, tragus.unit, tragus.direction) == (45.0, "mm", "anterior")
    hip = a.measure("plumb_line_greater_trochanter")
    assert (hip.value, hip.direction) == (65.0, "anterior")
    knee = a.measure("plumb_line_lateral_knee")
    assert (knee.value, knee.direction) == (-2.0, "posterior")
    assert not a.measure("plumb_line_acromion").measurable
    ids = {f.finding_id: f for f in a.findings}
    assert ids["head_forward_of_plumb_line"].text == "Ear (tragus) 45 mm in front of the plumb line"
    assert ids["pelvis_forward_of_plumb_line"].marked


def test_plumb_line_facing_left_mirrors_and_without_scale_is_in_pixels() -> None:
    a = run(
        "side", psis=(850, 500), asis=(750, 520), tragus=(740, 100), lateral_malleolus=(800, 1000)
    )
    m = a.measure("plumb_line_tragus")
    assert (m.value, m.unit, m.direction) == (60.0, "px", "anterior")
    assert not any(f.measure_id.startswith("plumb_line") for f in a.findings)  # mm only


def test_plumb_line_without_a_known_facing_has_no_direction() -> None:
    a = run("side", greater_trochanter=(230, 560), lateral_malleolus=(200, 1000))
    assert a.facing is None
    m = a.measure("plumb_line_greater_trochanter")
    assert (m.value, m.direction) == (30.0, None)
    assert "unknown" in m.interpretation


# --------------------------------------------------------------------------- every measure


def test_every_measure_carries_reference_caveat_and_source() -> None:
    kb = load_knowledge_base()
    for view in View:
        for m in analyse(PostureInput(view=view, landmarks={})).measures:
            assert m.caveat == CAVEAT and "0.11°" in m.caveat and "1.8 mm" in m.caveat
            assert m.reference and m.source in kb.sources
            assert not m.measurable and m.needs


def test_reference_values_follow_the_clinical_standards() -> None:
    side = analyse(PostureInput(view=View.SIDE, landmarks={}))
    assert "44° ± 4" in side.measure("craniovertebral_angle").reference
    assert "51° ± 2" in side.measure("craniovertebral_angle").reference
    assert "13° ± 5°" in side.measure("anterior_pelvic_tilt").reference
    assert "11°" in side.measure("anterior_pelvic_tilt").reference
    front = analyse(PostureInput(view=View.FRONT, landmarks={}))
    assert "No validated normal range" in front.measure("pelvic_obliquity").reference


def test_finding_rules_cite_known_sources_and_mark_our_thresholds() -> None:
    kb = load_knowledge_base()
    rules = finding_rules()
    assert {r.measure for r in rules} >= {
        "shoulder_tilt",
        "pelvic_obliquity",
        "anterior_pelvic_tilt",
        "craniovertebral_angle",
    }
    for rule in rules:
        assert rule.source in kb.sources and rule.note
        for muscle, _side, _state, reason, source in rule.hypotheses:
            kb.muscle(muscle)
            assert reason and source in kb.sources
    ours = {r.id for r in rules if kb.sources[r.source].ours}
    assert {"shoulder_high_side", "pelvis_high_side"} <= ours


def test_landmark_labels_and_views() -> None:
    assert Landmark.TRAGUS.views == (View.SIDE,)
    assert Landmark.ASIS_LEFT.label == "ASIS, left"
    assert Landmark.PSIS_RIGHT in landmarks_for(View.BACK)
    assert Landmark.ASIS in landmarks_for(View.SIDE)
    assert Landmark.ASIS_LEFT not in landmarks_for(View.SIDE)


def test_analysis_json_lists_measures_warnings_findings_with_muscle_names() -> None:
    a = run("back", iliac_crest_left=(100, 488), iliac_crest_right=(300, 500))
    data = analysis_json(a)
    assert data["view"] == "back"
    measures = data["measures"]
    assert isinstance(measures, list)
    assert {"id", "value", "unit", "direction", "reference", "interpretation", "caveat"} <= set(
        measures[0]
    )
    findings = data["findings"]
    assert isinstance(findings, list)
    assert findings[0]["hypotheses"][0]["muscle"] == "Quadratus lumborum"


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"landmarks": {}}, "view"),
        ({"view": "top", "landmarks": {}}, "view"),
        ({"view": "front", "landmarks": {"asis_lft": [1, 2]}}, "landmarks.asis_lft"),
        ({"view": "front", "landmarks": {"asis_left": [1]}}, "landmarks.asis_left"),
        ({"view": "front", "landmarks": {"asis_left": ["a", 2]}}, "landmarks.asis_left"),
        ({"view": "front", "landmarks": {"asis_left": [1, True]}}, "landmarks.asis_left"),
        ({"view": "front", "landmarks": [], "x": 1}, "x"),
        ({"view": "front", "landmarks": []}, "landmarks"),
        ({"view": "front", "landmarks": {}, "scale_mm_per_px": -1}, "scale_mm_per_px"),
        ({"view": "front", "landmarks": {}, "scale_mm_per_px": "0.5"}, "scale_mm_per_px"),
        ({"view": "front", "landmarks": {}, "image_size": [0, 10]}, "image_size"),
        ({"view": "front", "landmarks": {}, "facing": "left"}, "facing"),
        ({"view": "side", "landmarks": {}, "facing": "up"}, "facing"),
    ],
)
def test_bad_input_names_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_posture_input(data)
    assert caught.value.field == field


def test_an_unknown_landmark_suggests_the_close_names() -> None:
    with pytest.raises(DomainError) as caught:
        parse_posture_input({"view": "front", "landmarks": {"illiac_crest_left": [1, 2]}})
    assert caught.value.suggestions[0] == "iliac_crest_left"


def test_landmarks_given_as_json_lists_are_accepted() -> None:
    data = PostureInput(
        view=View.FRONT,
        landmarks={"acromion_left": [300, 190], "acromion_right": [100, 200]},  # type: ignore[dict-item]
    )
    assert data.landmarks["acromion_left"] == (300.0, 190.0)
    assert analyse(data).measure("shoulder_tilt").value == 2.9
