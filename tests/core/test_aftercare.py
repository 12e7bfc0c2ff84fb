"""Aftercare sheet: general rules always present, self-care per muscle, precautions honoured."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myomap_core.aftercare import (
    AftercareInput,
    ItemKind,
    TreatedMuscle,
    Urgency,
    WorkPosture,
    aftercare,
    sheet_json,
)
from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.planning import Technique
from myomap_core.screening import TECHNIQUES, Precautions

KB = load_knowledge_base()
BLEEDING = Precautions(
    techniques_not_allowed=("ischemic_compression", "deep_pressure", "cross_fibre_friction"),
    max_pressure_kg=2.0,
)


def ql(**kw: object) -> TreatedMuscle:
    return TreatedMuscle(
        "quadratus_lumborum",
        ("left",),
        (Technique.ISCHEMIC_COMPRESSION,),
        **kw,  # type: ignore[arg-type]
    )


def test_worked_example_office_worker() -> None:
    """A desk worker with a laptop, treated on the left QL and both upper trapezius."""
    sheet = aftercare(
        AftercareInput(
            muscles=(
                ql(ease_off_count=1),
                TreatedMuscle(
                    "upper_trapezius", ("left", "right"), (Technique.POSITIONAL_RELEASE,)
                ),
            ),
            work=WorkPosture.from_answers(
                {
                    "work_type": "sitting",
                    "sitting_hours": "8",
                    "workstation": "Laptop on the kitchen table, lots of phone calls",
                    "lifting": "none",
                }
            ),
        )
    )
    general = " ".join(i.text for i in sheet.general)
    assert "at least 24 hours" in general and "water" in general.lower()
    assert "soreness" in general and "walk" in general
    assert [c.muscle_id for c in sheet.self_care] == ["quadratus_lumborum", "upper_trapezius"]
    ql_care, trap_care = sheet.self_care
    assert ql_care.where == "left side" and trap_care.where == "both sides"
    assert ql_care.stretch.how == KB.muscle("quadratus_lumborum").self_care.stretch
    assert ql_care.self_compression is not None
    limits = " ".join(limit.text for limit in ql_care.self_compression.limits)
    assert "5 out of 10" in limits and "30-60 seconds" in limits and "twice a day" in limits
    assert "Stop if the pain increases" in limits
    posture = [p.id for p in sheet.posture]
    assert posture[:2] == ["sitting_breaks", "screen_height"]
    assert "laptop" in posture and "phone" in posture and "lifting_technique" not in posture
    assert "30-45 minutes" in sheet.posture[0].text and "8 hours" in sheet.posture[0].text
    assert sheet.item_ids == (
        "walk",
        "stretch.quadratus_lumborum",
        "press.quadratus_lumborum",
        "stretch.upper_trapezius",
        "press.upper_trapezius",
        "breaks",
    )
    notes = {n.id: n.text for n in sheet.notes}
    assert "pressure_soreness" in notes
    assert "eased off 1 time when" in notes["eased_off"] and "Quadratus" in notes["eased_off"]
    assert "bleed_serious" not in {w.id for w in sheet.warning_signs}


def test_anticoagulated_client_gets_no_self_compression_and_more_warning_signs() -> None:
    sheet = aftercare(AftercareInput(muscles=(ql(),), precautions=BLEEDING, bleeding_risk=True))
    care = sheet.self_care[0]
    assert care.self_compression is None
    assert "blood thinner" in care.compression_left_out
    assert [i.kind for i in sheet.home_program] == [ItemKind.WALK, ItemKind.STRETCH]
    signs = {w.id: w for w in sheet.warning_signs}
    assert signs["bleed_serious"].urgency is Urgency.EMERGENCY
    assert "10 minutes" in signs["bleed_serious"].text
    assert "palm of your hand" in signs["bleed_spreading"].text
    # Emergencies come first.
    urgencies = [w.urgency for w in sheet.warning_signs]
    assert urgencies == sorted(urgencies, key=list(Urgency).index)


def test_low_pressure_cap_rules_out_self_compression() -> None:
    sheet = aftercare(AftercareInput(muscles=(ql(),), precautions=Precautions(max_pressure_kg=1.5)))
    assert sheet.self_care[0].self_compression is None
    assert "light pressure" in sheet.self_care[0].compression_left_out


def test_region_to_avoid_rules_out_self_compression_of_that_muscle_only() -> None:
    calf = TreatedMuscle("gastrocnemius", ("right",), (Technique.ISCHEMIC_COMPRESSION,))
    sheet = aftercare(
        AftercareInput(muscles=(ql(), calf), precautions=Precautions(regions_to_avoid=("calf",)))
    )
    by_id = {c.muscle_id: c for c in sheet.self_care}
    assert by_id["quadratus_lumborum"].self_compression is not None
    assert by_id["gastrocnemius"].self_compression is None
    assert "press.gastrocnemius" not in sheet.item_ids


def test_heavy_lifting_and_children_get_lifting_advice() -> None:
    sheet = aftercare(
        AftercareInput(
            muscles=(ql(),),
            work=WorkPosture.from_answers(
                {"work_type": "physical", "lifting": "heavy", "lifting_notes": "My two kids"}
            ),
        )
    )
    ids = [p.id for p in sheet.posture]
    assert ids == ["lifting_technique", "lifting_children"]
    assert sheet.posture[0].source == "hse_indg143"
    assert "breaks" not in sheet.item_ids


def test_no_work_answers_give_no_posture_advice() -> None:
    sheet = aftercare(AftercareInput(muscles=(ql(),)))
    assert sheet.posture == ()


def test_bad_input_names_the_field() -> None:
    with pytest.raises(DomainError) as error:
        TreatedMuscle("quadratus_lumborm")
    assert error.value.field == "muscle" and "quadratus_lumborum" in error.value.suggestions
    with pytest.raises(DomainError) as error:
        TreatedMuscle("quadratus_lumborum", ("up",))
    assert error.value.field == "sides[0]"
    with pytest.raises(DomainError) as error:
        AftercareInput(muscles=(ql(), ql()))
    assert error.value.field == "muscles[1]"
    with pytest.raises(DomainError) as error:
        WorkPosture(sitting_hours=30)
    assert error.value.field == "sitting_hours"


def test_every_source_is_known_and_json_lists_them() -> None:
    sheet = aftercare(AftercareInput(muscles=(ql(),), precautions=BLEEDING, bleeding_risk=True))
    data = sheet_json(sheet)
    ids = [s["id"] for s in data["sources"]]  # type: ignore[index, union-attr]
    assert set(ids) == set(sheet.sources)
    assert "seed000" in ids and "nhs_anticoagulants" in ids
    assert all(i in KB.sources for i in ids)


muscle_ids = st.sampled_from(sorted(m.id for m in KB.muscles))
treated = st.builds(
    TreatedMuscle,
    muscle_id=muscle_ids,
    sides=st.sampled_from([(), ("left",), ("right",), ("left", "right")]),
    techniques=st.lists(st.sampled_from(list(Technique)), max_size=3, unique=True).map(tuple),
    ease_off_count=st.integers(0, 3),
)
precautions = st.builds(
    Precautions,
    techniques_not_allowed=st.lists(st.sampled_from(sorted(TECHNIQUES)), unique=True).map(tuple),
    max_pressure_kg=st.one_of(st.none(), st.floats(0.5, 6)),
    regions_to_avoid=st.lists(st.sampled_from(["calf", "lumbar_spine", "upper_trapezius"])).map(
        tuple
    ),
)
work = st.builds(
    WorkPosture,
    work_type=st.sampled_from([None, "sitting", "standing", "mixed", "physical", "not_working"]),
    sitting_hours=st.one_of(st.none(), st.integers(0, 24)),
    workstation=st.sampled_from(["", "laptop", "desk and chair", "phone all day"]),
    lifting=st.sampled_from([None, "none", "light", "heavy"]),
    lifting_notes=st.sampled_from(["", "children", "boxes"]),
)
inputs = st.builds(
    AftercareInput,
    muscles=st.lists(treated, max_size=6, unique_by=lambda m: m.muscle_id).map(tuple),
    work=work,
    precautions=st.one_of(st.none(), precautions),
    bleeding_risk=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(inputs)
def test_properties(data: AftercareInput) -> None:
    sheet = aftercare(data)
    ids = {i.id for i in sheet.general}
    assert {"water", "walk", "no_heavy_lifting", "soreness"} <= ids
    assert any("at least 24 hours" in i.text for i in sheet.general)
    # One self-care entry per treated muscle, in the order treated.
    assert [c.muscle_id for c in sheet.self_care] == [m.muscle_id for m in data.muscles]
    # No self-compression where pressure is ruled out.
    p = data.precautions or Precautions()
    ruled_out = data.bleeding_risk or bool(
        {"ischemic_compression", "deep_pressure"} & set(p.techniques_not_allowed)
    )
    if ruled_out or (p.max_pressure_kg is not None and p.max_pressure_kg < 3.6):
        assert all(c.self_compression is None for c in sheet.self_care)
        assert not any(i.kind is ItemKind.SELF_COMPRESSION for i in sheet.home_program)
    # Every self-compression keeps the session's 5/10 limit.
    for care in sheet.self_care:
        if care.self_compression is not None:
            assert any("5 out of 10" in limit.text for limit in care.self_compression.limits)
    # Item ids are unique, stable and every source is known.
    assert len(set(sheet.item_ids)) == len(sheet.item_ids)
    assert aftercare(data).item_ids == sheet.item_ids
    assert all(s in KB.sources for s in sheet.sources)
    if data.bleeding_risk:
        assert any(w.id == "bleed_serious" for w in sheet.warning_signs)
