"""Every instrument can be filled in from Myomap alone, with codes and sources that exist."""

from __future__ import annotations

import pytest

from myomap_core.codes import LOINC, MYOMAP
from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.outcomes import (
    Direction,
    InstrumentId,
    ItemKind,
    instrument,
    instruments,
)


def test_every_instrument_is_listed_once_in_order() -> None:
    assert [i.id for i in instruments()] == list(InstrumentId)


@pytest.mark.parametrize(
    ("instrument_id", "count", "kind", "options"),
    [
        ("nprs", 1, ItemKind.RATING, 0),
        ("odi", 10, ItemKind.CHOICE, 6),
        ("rmdq", 24, ItemKind.TICK, 0),
        ("startback", 9, ItemKind.CHOICE, None),
        ("psfs", 5, ItemKind.ACTIVITY, 0),
    ],
)
def test_every_item_has_wording_and_every_option(
    instrument_id: str, count: int, kind: str, options: int | None
) -> None:
    inst = instrument(instrument_id)
    assert len(inst.items) == count
    assert inst.name and inst.instructions
    for item in inst.items:
        assert item.kind == kind and len(item.text) > 10
        if options is not None:
            assert len(item.options) == options
        if kind in (ItemKind.RATING, ItemKind.ACTIVITY):
            assert item.scale == (0, 10) and item.anchors


def test_odi_sections_run_from_pain_intensity_to_travelling_and_score_0_to_5() -> None:
    odi = instrument("odi")
    assert odi.items[0].id == "pain_intensity" and odi.items[-1].id == "travelling"
    assert [o.value for o in odi.items[0].options] == [0, 1, 2, 3, 4, 5]
    assert "no pain" in odi.items[0].options[0].text
    assert "worst" in odi.items[0].options[5].text
    assert len(odi.sections) == 10


def test_startback_q9_runs_from_not_at_all_to_extremely() -> None:
    q9 = instrument("startback").item("q9")
    assert [o.text for o in q9.options] == [
        "Not at all",
        "Slightly",
        "Moderately",
        "Very much",
        "Extremely",
    ]
    assert [o.text for o in instrument("startback").item("q1").options] == ["Disagree", "Agree"]


def test_codes_match_the_clinical_standards() -> None:
    nprs, odi, rmdq, sbt, psfs = (instrument(i) for i in InstrumentId)
    assert nprs.loinc is not None and (nprs.loinc.system, nprs.loinc.code) == (LOINC, "72514-3")
    assert odi.loinc is not None and odi.loinc.code == "97909-6"
    assert odi.panel is not None and odi.panel.code == "97908-8"
    assert rmdq.loinc is None and rmdq.code is not None and rmdq.code.system == MYOMAP
    assert sbt.panel is not None and sbt.panel.code == "91349-1"
    assert sbt.codes["distress"].code == "91350-9"
    assert sbt.codes["total"].code == "91351-7"
    assert sbt.codes["risk"].code == "91352-5"
    assert [sbt.codes[f"risk_{r}"].code for r in ("low", "medium", "high")] == [
        "LA9194-7",
        "LA8982-6",
        "LA9193-9",
    ]
    item_codes = [i.code.code for i in sbt.items if i.code is not None]
    assert item_codes[0] == "91340-0" and item_codes[-1] == "91348-3" and len(item_codes) == 9
    assert psfs.loinc is None and psfs.code is not None


def test_important_changes_and_directions_match_the_clinical_standards() -> None:
    expected = {
        "nprs": (2, 30, Direction.LOWER_IS_BETTER),
        "odi": (10, 30, Direction.LOWER_IS_BETTER),
        "rmdq": (5, 30, Direction.LOWER_IS_BETTER),
        "psfs": (2, None, Direction.HIGHER_IS_BETTER),
        "startback": (None, None, Direction.LOWER_IS_BETTER),
    }
    for key, (points, percent, direction) in expected.items():
        inst = instrument(key)
        assert (inst.mcid_points, inst.mcid_percent, inst.direction) == (
            points,
            percent,
            direction,
        )


def test_every_source_named_is_in_the_knowledge_base() -> None:
    sources = load_knowledge_base().sources
    for inst in instruments():
        for ref in (inst.source, *inst.mcid_sources):
            assert ref in sources, ref
    assert sources["myomap_outcomes"].ours
    assert "Fairbank" in sources[instrument("odi").source].citation


def test_an_unknown_instrument_names_the_closest() -> None:
    with pytest.raises(DomainError) as caught:
        instrument("oswestri")
    assert caught.value.field == "instrument"
    assert "odi" in str(caught.value)
