"""The body atlas: contract coverage, chart geometry, mirror convention and free-text lookup."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from myomap_core import atlas
from myomap_core.atlas import CONTRACT_AREAS, VIEWBOX, Side, View
from myomap_core.errors import DomainError, KnowledgeBaseError

ALL_REGIONS = atlas.regions()
SIDED_SYNONYMS = [(a.id, s) for a in atlas.areas() if a.sided for s in a.synonyms]


def _points(path: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


# --- coverage of the contract -------------------------------------------------------------


@pytest.mark.parametrize("view", atlas.DRAWN_VIEWS)
def test_each_view_offers_enough_regions_to_chart(view: View) -> None:
    assert len(atlas.regions(view)) >= 45


def test_region_counts_match_the_contract() -> None:
    assert len(atlas.regions(View.FRONT)) == 6 + 2 * 38
    assert len(atlas.regions(View.BACK)) == 5 + 2 * 29
    assert len(atlas.regions(View.LISTED)) == 5 + 2 * 3


def test_listed_places_are_marked_from_a_list_not_drawn() -> None:
    mouth = atlas.region("inside_mouth_right")
    assert mouth.view is View.LISTED and mouth.path == "" and mouth.label == "Right mouth, inside"
    assert atlas.resolve_region("inside of the right mouth") == ("inside_mouth_right",)
    assert atlas.resolve_region("behind the left eye") == ("behind_eye_left",)
    assert atlas.resolve_region("testicle") == ("genitals",)
    assert atlas.resolve_region("pelvic floor") == ("pelvic_floor",)
    assert atlas.resolve_region("deep in the pelvis") == ("deep_pelvis",)


@pytest.mark.parametrize("view", list(View))
def test_every_contract_area_is_present_with_its_view_and_sidedness(view: View) -> None:
    midline, sided = CONTRACT_AREAS[view]
    for area_id in midline:
        assert atlas.area(area_id).view is view
        assert atlas.region_ids_for_area(area_id) == (area_id,)
    for area_id in sided:
        assert atlas.area(area_id).sided
        assert atlas.region_ids_for_area(area_id) == (f"{area_id}_left", f"{area_id}_right")
    assert {a.id for a in atlas.areas() if a.view is view} == set(midline) | set(sided)


def test_region_ids_are_unique_and_order_is_stable() -> None:
    ids = [r.id for r in ALL_REGIONS]
    assert len(ids) == len(set(ids))
    assert [r.id for r in atlas.regions()] == ids
    assert ids.index("sacroiliac_left") + 1 == ids.index("sacroiliac_right")


def test_regions_carry_side_labels_and_codes() -> None:
    left = atlas.region("sacroiliac_left")
    assert left.label == "Left sacroiliac joint"
    assert left.side is Side.LEFT and left.view is View.BACK
    assert left.snomed is not None and left.snomed.code == "39723000"
    assert atlas.region("lumbar_paraspinal_right").snomed is not None
    assert atlas.region("coccyx").side is Side.MIDLINE
    assert atlas.region("lateral_hip_right").label == "Right outer hip"


def test_neighbours_stay_on_the_same_side_or_the_midline() -> None:
    left = atlas.region("sacroiliac_left")
    assert "sacrum" in left.neighbours
    assert "upper_buttock_left" in left.neighbours
    assert not any(n.endswith("_right") for n in left.neighbours)
    assert {"sacroiliac_left", "sacroiliac_right"} <= set(atlas.region("sacrum").neighbours)
    for r in ALL_REGIONS:
        for n in r.neighbours:
            assert r.id in atlas.region(n).neighbours, (r.id, n)


def test_mirror_side() -> None:
    assert atlas.mirror_side(Side.LEFT) is Side.RIGHT
    assert atlas.mirror_side(Side.RIGHT) is Side.LEFT
    assert atlas.mirror_side(Side.MIDLINE) is Side.MIDLINE


# --- geometry -----------------------------------------------------------------------------


def test_geometry_lies_inside_the_chart() -> None:
    x0, y0, width, height = VIEWBOX
    assert (x0, y0, width, height) == (0, 0, 200, 440)
    for view in atlas.DRAWN_VIEWS:
        assert _points(atlas.outline(view))
    for r in ALL_REGIONS:
        if not r.view.drawn:
            continue
        points = _points(r.path)
        assert len(points) >= 3, r.id
        assert all(0 <= x <= 200 and 0 <= y <= 440 for x, y in points), r.id
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        assert min(xs) <= r.centre[0] <= max(xs) and min(ys) <= r.centre[1] <= max(ys), r.id


@pytest.mark.parametrize(
    ("view", "left_is_right_of_midline"), [(View.FRONT, True), (View.BACK, False)]
)
def test_mirror_convention(view: View, left_is_right_of_midline: bool) -> None:
    """Front: the client faces the viewer, so their left is drawn on the viewer's right."""
    for r in atlas.regions(view):
        if r.side is Side.MIDLINE:
            continue
        sign = 1 if (r.side is Side.LEFT) == left_is_right_of_midline else -1
        assert sign * (r.centre[0] - 100) > 0, r.id
        assert all(sign * (x - 100) >= -0.01 for x, _ in _points(r.path)), r.id
        other = atlas.region(f"{r.area}_{atlas.mirror_side(r.side)}")
        assert other.centre == pytest.approx((200 - r.centre[0], r.centre[1]))
        mirrored = sorted((round(200 - x, 1), y) for x, y in _points(other.path))
        assert mirrored == sorted((round(x, 1), y) for x, y in _points(r.path))


def test_landmarks_sit_where_the_body_has_them() -> None:
    def y(region_id: str) -> float:
        return atlas.region(region_id).centre[1]

    assert y("vertex") < y("forehead") < y("throat") < y("sternum") < y("navel") < y("pubis")
    assert y("anterior_thigh_left") < y("anterior_knee_left") < y("shin_left") < y("toes_left")
    assert y("occiput_left") < y("scapula_left") < y("lumbar_paraspinal_left") < y("sacrum")
    assert (
        y("posterior_thigh_left")
        < y("popliteal_left")
        < y("calf_left")
        < y("heel_left")
        < y("arch_left")
        < y("ball_of_foot_left")
    )
    # palms forward: the thumb lies lateral to the fingers on both views
    assert atlas.region("thumb_left").centre[0] > atlas.region("fingers_left").centre[0]


# --- free-text lookup ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("left SI joint", ("sacroiliac_left",)),
        ("SI joint", ("sacroiliac_left", "sacroiliac_right")),
        ("tailbone", ("coccyx",)),
        ("right outer hip", ("lateral_hip_right",)),
        ("  RIGHT   Outer-Hip. ", ("lateral_hip_right",)),
        ("L sacroiliac", ("sacroiliac_left",)),
        ("rt hamstrings", ("posterior_thigh_right",)),
        ("Lt. tennis elbow", ("lateral_elbow_left",)),
        ("left-sided low back", ("lumbar_paraspinal_left",)),
        ("lower back, right side", ("lumbar_paraspinal_right",)),
        ("bilateral calf", ("calf_left", "calf_right")),
        ("both heels", ("heel_left", "heel_right")),
        ("sacroiliac_left", ("sacroiliac_left",)),
        ("Left sacroiliac joint", ("sacroiliac_left",)),
        ("left tailbone", ("coccyx",)),
        ("jaw joint", ("tmj_left", "tmj_right")),
        ("R angle of the jaw", ("jaw_right",)),
        ("left molars", ("teeth_left",)),
        (
            "bottom of the foot",
            ("arch_left", "arch_right", "ball_of_foot_left", "ball_of_foot_right"),
        ),
        ("front of the lower leg", ("shin_left", "shin_right")),
        ("golfer's elbow", ("medial_elbow_left", "medial_elbow_right")),
        ("belly button", ("navel",)),
        ("L spine", ("lumbar_spine",)),
    ],
)
def test_resolve_region(text: str, expected: tuple[str, ...]) -> None:
    assert atlas.resolve_region(text) == expected


def test_unknown_text_suggests_three_close_names() -> None:
    with pytest.raises(DomainError) as caught:
        atlas.resolve_region("left elbo")
    error = caught.value
    assert error.field == "region"
    assert error.value == "left elbo"
    assert len(error.suggestions) == 3
    assert all("elbow" in s.lower() for s in error.suggestions)
    assert all(s in str(error) for s in error.suggestions)


def test_unknown_region_id_suggests_three_close_ids() -> None:
    with pytest.raises(DomainError) as caught:
        atlas.region("sacroilac_left")
    assert caught.value.field == "region"
    assert caught.value.suggestions[0] == "sacroiliac_left"
    assert len(caught.value.suggestions) == 3
    with pytest.raises(DomainError):
        atlas.area("elbow")


@given(st.sampled_from(ALL_REGIONS))
def test_a_region_is_found_by_its_label_and_its_id(region: atlas.Region) -> None:
    assert atlas.resolve_region(region.label) == (region.id,)
    assert atlas.resolve_region(region.id) == (region.id,)
    assert atlas.resolve_region(region.id.upper().replace("_", " ")) == (region.id,)


@given(st.sampled_from(SIDED_SYNONYMS))
def test_left_before_any_synonym_gives_the_left_region(item: tuple[str, str]) -> None:
    area_id, synonym = item
    assert atlas.resolve_region("left " + synonym) == (f"{area_id}_left",)
    assert atlas.resolve_region(synonym + " (right)") == (f"{area_id}_right",)
    assert atlas.resolve_region(synonym.upper()) == (f"{area_id}_left", f"{area_id}_right")


# --- validation of the data file ----------------------------------------------------------


def _data() -> dict[str, object]:
    import tomllib
    from importlib import resources

    text = resources.files("myomap_core").joinpath("knowledge", "data", "regions.toml")
    return tomllib.loads(text.read_text("utf-8"))


def _areas(data: dict[str, object]) -> list[dict[str, object]]:
    raw = data["area"]
    assert isinstance(raw, list)
    return raw


def test_the_data_file_as_shipped_is_valid() -> None:
    built = atlas._build(_data())
    assert len(built.regions) == len(ALL_REGIONS)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda a: a[0].update(id="nose"), "nose.id"),
        (lambda a: a.pop(), ".id"),
        (lambda a: a[0].update(view="back"), "vertex.view"),
        (lambda a: a[0].update(sided=True), "vertex.sided"),
        (lambda a: a[0].update(neighbours=["nowhere"]), "vertex.neighbours"),
        (lambda a: a[0].update(path=""), "vertex.path"),
        (lambda a: a[0].update(path="M10,10 A5,5 0 0 1 20,20 Z"), "vertex.path"),
        (lambda a: a[0].update(centre=[250, 10]), "vertex.centre"),
        (lambda a: a[1].update(synonyms=["crown"]), "forehead.synonyms"),
        (lambda a: a[1].update(synonyms=["brow", "brow"]), "forehead.synonyms"),
    ],
)
def test_loader_rejects_bad_data_naming_file_record_and_field(change: object, field: str) -> None:
    data = _data()
    assert callable(change)
    change(_areas(data))
    with pytest.raises(KnowledgeBaseError) as caught:
        atlas._build(data)
    assert caught.value.field.startswith("regions.toml: ")
    assert field in caught.value.field


def test_every_name_resolves_to_its_own_area_with_and_without_a_side() -> None:
    for a in atlas.areas():
        for name in (a.id, a.label, *a.synonyms):
            assert atlas.resolve_region(name) == atlas.region_ids_for_area(a.id), name
            expected = (f"{a.id}_right",) if a.sided else (a.id,)
            assert atlas.resolve_region(f"Right {name}") == expected, name


def test_umbrella_words_name_every_area_they_cover() -> None:
    assert atlas.resolve_region("left buttock") == ("upper_buttock_left", "lower_buttock_left")
    assert set(atlas.resolve_region("Buttocks")) == {
        "upper_buttock_left",
        "upper_buttock_right",
        "lower_buttock_left",
        "lower_buttock_right",
    }
    assert atlas.resolve_region("right knee") == (
        "anterior_knee_right",
        "medial_knee_right",
        "lateral_knee_right",
        "popliteal_right",
    )
    assert "cervical_spine" in atlas.resolve_region("left neck")


def test_loader_refuses_an_umbrella_word_pointing_to_a_missing_area() -> None:
    data = _data()
    groups = data["group"]
    assert isinstance(groups, list)
    foot = next(g for g in groups if g["names"] == ["foot"])
    foot["areas"] = [*foot["areas"], "sole"]  # the area split into the arch and the ball
    with pytest.raises(KnowledgeBaseError) as caught:
        atlas._build(data)
    assert caught.value.field.startswith("regions.toml: ")
    assert "areas" in caught.value.field and caught.value.value == "sole"


def test_a_retired_region_id_is_refused_not_guessed() -> None:
    with pytest.raises(DomainError) as caught:
        atlas.region("sole_left")
    assert caught.value.field == "region"
