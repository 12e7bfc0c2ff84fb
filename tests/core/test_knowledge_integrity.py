"""The knowledge base loads, every cross-reference resolves and every record names a source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from myomap_core import atlas
from myomap_core.errors import DomainError, KnowledgeBaseError
from myomap_core.knowledge import KnowledgeBase, load_knowledge_base
from myomap_core.knowledge.records import TRAVELL_SIMONS, Contact, IschemicCompression

DATA = Path(__file__).parents[2] / "myomap_core" / "knowledge" / "data"
EXPECTED_MUSCLES = 80


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def test_the_knowledge_base_holds_at_least_80_muscles(kb: KnowledgeBase) -> None:
    count = len(kb.muscles)
    assert count >= EXPECTED_MUSCLES, f"the knowledge base holds {count} muscles so far"


def test_every_cross_reference_resolves(kb: KnowledgeBase) -> None:
    ids = {m.id for m in kb.muscles}
    areas = {str(getattr(a, "id", a)) for a in atlas.areas()}
    for m in kb.muscles:
        assert set(m.synergists + m.antagonists + m.satellites) <= ids, m.id
        assert set(m.chains) <= set(kb.chains), m.id
        assert set(m.conditions + m.mimics) <= set(kb.conditions), m.id
        for point in m.trigger_points:
            assert point.area in areas, f"{m.id}.{point.id}"
            assert {z.area for z in point.zones} <= areas, f"{m.id}.{point.id}"
            assert point.essential, f"{m.id}.{point.id} has no essential zone"


def test_every_record_names_a_known_source(kb: KnowledgeBase) -> None:
    for m in kb.muscles:
        assert {s.ref for s in m.sources} <= set(kb.sources), m.id
        assert any(s.ref in TRAVELL_SIMONS and s.locates for s in m.sources), m.id
        for point in m.trigger_points:
            assert point.source.ref in kb.sources, f"{m.id}.{point.id}"
    for record in (*kb.chains.values(), *kb.conditions.values()):
        assert record.source.ref in kb.sources, record.id
    assert kb.sources["ours"].ours


def test_muscles_are_found_by_id_name_or_alias_in_any_case(kb: KnowledgeBase) -> None:
    for m in kb.muscles:
        assert kb.find_muscle(m.id) is m
        assert kb.find_muscle(m.name.upper()) is m
        for alias in m.aliases:
            sharing = [o.name for o in kb.muscles if alias.lower() in map(str.lower, o.aliases)]
            if len(sharing) == 1:
                assert kb.find_muscle(f"  {alias.lower()} ") is m
            else:
                with pytest.raises(DomainError) as caught:
                    kb.find_muscle(alias)
                assert set(caught.value.suggestions) == set(sharing)


def test_an_unknown_muscle_names_the_closest(kb: KnowledgeBase) -> None:
    with pytest.raises(DomainError) as caught:
        kb.find_muscle("glutues medius")
    assert caught.value.field == "muscle"
    assert len(caught.value.suggestions) == 3


def test_related_muscles_exist_and_are_listed_once(kb: KnowledgeBase) -> None:
    for m in kb.muscles:
        related = kb.related(m.id)
        ids = [r.muscle_id for r in related]
        assert len(ids) == len(set(ids)), m.id
        assert m.id not in ids
        assert set(m.satellites) <= set(ids)
        for r in related:
            kb.muscle(r.muscle_id)


def test_chains_list_their_members(kb: KnowledgeBase) -> None:
    for chain_id in kb.chains:
        for m in kb.muscles_in_chain(chain_id):
            assert chain_id in m.chains


def test_compression_pressure_is_shown_in_kilograms_too() -> None:
    compression = IschemicCompression((8, 12), (30, 90), Contact.THUMB)
    assert compression.pressure_kg == (3.6, 5.4)
    with pytest.raises(DomainError) as caught:
        IschemicCompression((8, 12), (20, 90), Contact.THUMB)
    assert caught.value.field == "hold_s"


def _copy_data(tmp_path: Path) -> Path:
    for file in DATA.glob("*.toml"):
        shutil.copy(file, tmp_path / file.name)
    return tmp_path


def test_a_misspelt_area_is_reported_with_file_record_field_and_suggestions(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    muscle = kb.muscles[0]
    file = next(
        f for f in DATA.glob("muscles_*.toml") if f'id = "{muscle.id}"' in f.read_text("utf-8")
    )
    data = _copy_data(tmp_path)
    text = (data / file.name).read_text("utf-8")
    area = muscle.trigger_points[0].essential[0].area
    start = text.index(f'id = "{muscle.id}"')
    zone = text.index(f'area = "{area}"', text.index("essential", start))
    broken = text[:zone] + f'area = "{area}x"' + text[zone + len(f'area = "{area}"') :]
    (data / file.name).write_text(broken, "utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(data)
    message = str(caught.value)
    assert message.startswith(f"{file.name}: {muscle.id}.trigger_points[")
    assert f"unknown area '{area}x'" in message
    assert area in caught.value.suggestions


def test_an_unknown_related_muscle_is_reported(tmp_path: Path) -> None:
    (tmp_path / "muscles_test.toml").write_text(
        _minimal_muscle('synergists = ["gluteus_maxiumus"]'), "utf-8"
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(tmp_path)
    assert str(caught.value).startswith(
        "muscles_test.toml: piriformis.synergists[0]: unknown muscle 'gluteus_maxiumus'"
    )


def test_a_muscle_without_a_travell_simons_chapter_is_refused(tmp_path: Path) -> None:
    (tmp_path / "muscles_test.toml").write_text(
        _minimal_muscle("").replace('{ ref = "ts2", chapter = "10" }, ', ""), "utf-8"
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(tmp_path)
    assert "muscles_test.toml: piriformis.sources" in str(caught.value)
    assert "Travell & Simons" in str(caught.value)


def test_a_muscle_cited_by_the_pages_of_its_pain_pattern_loads(tmp_path: Path) -> None:
    (tmp_path / "muscles_test.toml").write_text(
        _minimal_muscle("").replace('chapter = "10"', 'pages = "110, 112"'), "utf-8"
    )
    muscle = load_knowledge_base(tmp_path).muscles[0]
    assert muscle.travell_simons.place == "pp. 110, 112"
    assert muscle.trigger_points[0].source == muscle.travell_simons
    assert str(muscle.travell_simons) == "ts2 pp. 110, 112"


def test_the_trunk_muscles_of_volume_1_cite_their_pain_pattern_pages(kb: KnowledgeBase) -> None:
    """Second-edition pain-pattern pages, read in the book's own pain-pattern index."""
    expected = {
        "serratus_anterior": "888",
        "serratus_posterior_superior": "901",
        "longissimus_thoracis": "904",
        "serratus_posterior_inferior": "909",
        "iliocostalis_thoracis": "915",
        "iliocostalis_lumborum": "915",
        "multifidus": "917",
        "abdominal_obliques": "942",
        "rectus_abdominis": "944",
    }
    for muscle_id, page in expected.items():
        ref = kb.muscle(muscle_id).travell_simons
        assert (ref.ref, ref.chapter, ref.pages) == ("ts1", None, page), muscle_id


def test_a_minimal_muscle_file_loads_and_indexes_its_zones(tmp_path: Path) -> None:
    (tmp_path / "muscles_test.toml").write_text(_minimal_muscle(""), "utf-8")
    kb = load_knowledge_base(tmp_path)
    assert [m.id for m in kb.muscles] == ["piriformis"]
    assert [e.muscle_id for e in kb.referral_index["sacroiliac"]] == ["piriformis"]


def _minimal_muscle(extra: str) -> str:
    return f"""
[[muscle]]
id = "piriformis"
name = "Piriformis"
group = "hip"
origin = "Front of the sacrum."
insertion = "Top of the greater trochanter."
action = "Turns the thigh outwards."
innervation = "Nerve to piriformis (S1-S2)."
sources = [{{ ref = "ts2", chapter = "10" }}, {{ ref = "nmt2" }}]
{extra}

[muscle.palpation]
method = "flat"
position = "side_lying"
how = "Press across the fibres between the sacrum and the trochanter."

[[muscle.trigger_points]]
id = "lateral"
label = "Lateral"
location = "Near the trochanter."
area = "lower_buttock"
essential = [{{ area = "sacroiliac" }}, {{ area = "lower_buttock" }}]
spillover = [{{ area = "posterior_thigh" }}]

[muscle.techniques.ischemic_compression]
pressure_lb = [8, 12]
hold_s = [30, 90]
contact = "thumb"

[muscle.self_care]
stretch = "Cross the ankle over the other knee and lean forward."
self_compression = "Ball against a wall, 30-60 s, discomfort 5/10 or less."
"""
