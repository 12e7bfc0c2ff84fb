"""UBERON and FMA classes of the atlas areas: the data as shipped and the loader's checks."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Callable
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from myomap_core import atlas
from myomap_core.anatomy_codes import Match, OntologyTerm, parse_anatomy_codes
from myomap_core.errors import DomainError, KnowledgeBaseError
from myomap_core.knowledge import load_knowledge_base

Areas = list[dict[str, object]]


def _data() -> dict[str, object]:
    text = resources.files("myomap_core").joinpath("knowledge", "data", "regions.toml")
    return tomllib.loads(text.read_text("utf-8"))


def _area(areas: Areas, area_id: str) -> dict[str, object]:
    return next(a for a in areas if a["id"] == area_id)


# --- the data as shipped ------------------------------------------------------------------


def test_eighty_areas_carry_codes_and_six_have_none() -> None:
    coded = [a for a in atlas.areas() if a.anatomy is not None]
    assert len(coded) == 80
    assert Counter(a.anatomy.match for a in coded if a.anatomy) == {
        Match.EXACT: 25,
        Match.BROADER: 55,
    }
    uncoded = {a.id for a in atlas.areas() if a.anatomy is None}
    assert uncoded == {
        "suprascapular", "scapula", "posterior_axilla", "flank", "genitals", "anus_rectum",
    }  # fmt: skip


def test_every_code_has_its_pattern_and_a_label() -> None:
    for a in atlas.areas():
        if a.anatomy is None:
            continue
        assert a.anatomy.uberon is not None and a.anatomy.fma is not None, a.id
        assert re.fullmatch(r"UBERON:\d{7}", a.anatomy.uberon.id), a.id
        assert re.fullmatch(r"FMA:\d+", a.anatomy.fma.id), a.id
        assert a.anatomy.uberon.label.strip() and a.anatomy.fma.label.strip(), a.id


def test_an_uberon_id_names_one_area_unless_the_match_is_broader() -> None:
    owners: dict[str, set[str]] = {}
    for a in atlas.areas():
        if a.anatomy is not None and a.anatomy.uberon is not None:
            owners.setdefault(a.anatomy.uberon.id, set()).add(a.id)
    for uberon_id, area_ids in owners.items():
        if len(area_ids) > 1:
            matches = {atlas.area(i).anatomy.match for i in area_ids if atlas.area(i).anatomy}
            assert matches == {Match.BROADER}, (uberon_id, area_ids)


def test_one_class_means_one_fma_class_everywhere() -> None:
    fma_of: dict[str, str] = {}
    for a in atlas.areas():
        if a.anatomy is not None and a.anatomy.uberon and a.anatomy.fma:
            known = fma_of.setdefault(a.anatomy.uberon.id, a.anatomy.fma.id)
            assert known == a.anatomy.fma.id, a.id


def test_both_sides_of_an_area_carry_its_codes() -> None:
    low_back = atlas.area("lumbar_paraspinal").anatomy
    assert low_back is not None and low_back.match is Match.EXACT
    assert low_back.uberon == OntologyTerm("UBERON:0005462", "lower back")
    assert low_back.fma == OntologyTerm("FMA:61681", "lower back")
    for region_id in atlas.region_ids_for_area("lumbar_paraspinal"):
        assert atlas.region(region_id).anatomy == low_back
    thigh = atlas.region("anterior_thigh_left").anatomy
    assert thigh is not None and thigh.match is Match.BROADER
    assert thigh.uberon == OntologyTerm("UBERON:0000376", "hindlimb stylopod")


def test_the_codes_name_their_source_and_its_licence() -> None:
    source = load_knowledge_base().sources["uberon"]
    assert "CC BY 3.0" in source.label and "uberon-bridge-to-fma" in source.citation
    header = resources.files("myomap_core").joinpath("knowledge", "data", "regions.toml")
    assert "(source key uberon, CC BY 3.0)" in " ".join(
        line.lstrip("# ") for line in header.read_text("utf-8").splitlines()
    )


# --- the loader refuses a bad record ------------------------------------------------------


def _set(area_id: str, **values: object) -> Callable[[Areas], None]:
    return lambda areas: _area(areas, area_id).update(values)


def _drop(area_id: str, key: str) -> Callable[[Areas], None]:
    return lambda areas: _area(areas, area_id).pop(key)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_set("coccyx", uberon={"id": "UBERON:135", "label": "coccyx"}), "coccyx.uberon"),
        (_set("coccyx", uberon={"id": "uberon:0001350", "label": "coccyx"}), "coccyx.uberon"),
        (_set("coccyx", uberon={"id": "UBERON:0001350", "label": " "}), "coccyx.uberon"),
        (_set("coccyx", uberon={"id": "UBERON:0001350"}), "coccyx.uberon"),
        (_set("coccyx", uberon="UBERON:0001350"), "coccyx.uberon"),
        (_set("coccyx", fma={"id": "FMA:x20229", "label": "coccyx"}), "coccyx.fma"),
        (_set("coccyx", fma={"id": "FMA:", "label": "coccyx"}), "coccyx.fma"),
        (_set("coccyx", fma={"id": "FMA:20229", "label": ""}), "coccyx.fma"),
        (_set("coccyx", match="close"), "coccyx.match"),
        (_drop("coccyx", "match"), "coccyx.match"),
        (_set("scapula", match="exact"), "scapula.match"),
        (
            _set("flank", uberon={"id": "UBERON:0005462", "label": "lower back"}, match="exact"),
            "flank.match",
        ),
        (
            _set("genitals", fma={"id": "FMA:61681", "label": "lower back"}, match="exact"),
            "genitals.match",
        ),
    ],
)
def test_loader_refuses_a_bad_code_naming_file_record_and_field(
    change: Callable[[Areas], None], field: str
) -> None:
    data = _data()
    areas = data["area"]
    assert isinstance(areas, list)
    change(areas)
    with pytest.raises(KnowledgeBaseError) as caught:
        atlas._build(data)
    assert caught.value.field == f"regions.toml: {field}"


def test_a_misspelt_key_is_refused_not_ignored() -> None:
    data = _data()
    areas = data["area"]
    assert isinstance(areas, list)
    _area(areas, "flank").update(ubron={"id": "UBERON:0000180", "label": "flank"})
    with pytest.raises(KnowledgeBaseError) as caught:
        atlas._build(data)
    assert caught.value.field == "regions.toml: flank.ubron"
    assert "uberon" in caught.value.suggestions


def test_a_broader_class_may_be_shared() -> None:
    data = _data()
    areas = data["area"]
    assert isinstance(areas, list)
    _area(areas, "scapula").update(
        uberon={"id": "UBERON:0008231", "label": "dorsal thoracic segment of trunk"},
        fma={"id": "FMA:24217", "label": "dorsal thoracic segment of trunk"},
        match="broader",
    )
    built = atlas._build(data)
    shared = {a.id for a in built.areas if a.anatomy and a.anatomy.fma == OntologyTerm(
        "FMA:24217", "dorsal thoracic segment of trunk")}  # fmt: skip
    assert shared == {"mid_back", "medial_scapular", "scapula"}


# --- the parser's rule, for any identifier ------------------------------------------------


@given(digits=st.text("0123456789", min_size=7, max_size=7), label=st.text(min_size=1))
def test_any_seven_digit_uberon_id_with_a_label_is_taken(digits: str, label: str) -> None:
    raw = {"uberon": {"id": f"UBERON:{digits}", "label": label}, "match": "broader"}
    if not label.strip():
        with pytest.raises(DomainError):
            parse_anatomy_codes(raw)
        return
    codes = parse_anatomy_codes(raw)
    assert codes is not None and codes.uberon == OntologyTerm(f"UBERON:{digits}", label)
    assert codes.fma is None and codes.match is Match.BROADER


@given(term_id=st.text(max_size=14))
def test_an_id_off_the_pattern_is_refused(term_id: str) -> None:
    raw = {"uberon": {"id": term_id, "label": "x"}, "match": "exact"}
    if re.fullmatch(r"UBERON:\d{7}", term_id):
        assert parse_anatomy_codes(raw) is not None
        return
    with pytest.raises(DomainError) as caught:
        parse_anatomy_codes(raw)
    assert caught.value.field == "uberon"


def test_an_area_without_codes_parses_to_none() -> None:
    assert parse_anatomy_codes({"id": "flank"}) is None
