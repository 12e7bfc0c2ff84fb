"""Pressure pain threshold units, reference values and real change (CLINICAL.md §6)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from myomap_core.errors import DomainError
from myomap_core.pressure import (
    PressureUnit,
    kpa_from,
    ppt_change_is_real,
    ppt_reference_kpa,
    to_unit,
)


def test_kg_per_cm2_and_pounds_in_kpa() -> None:
    assert kpa_from(1, "kg_cm2") == pytest.approx(98.07)
    assert kpa_from(1, "lb") == pytest.approx(0.4536 * 98.07)  # 44.48 kPa on a 1 cm² probe
    assert kpa_from(4, "kg") == pytest.approx(392.28)
    assert kpa_from(300, "kpa") == 300


def test_a_force_reading_depends_on_the_probe_area_and_a_pressure_does_not() -> None:
    assert kpa_from(1, "lb", probe_cm2=0.5) == pytest.approx(2 * 0.4536 * 98.07)
    assert kpa_from(1, "kg_cm2", probe_cm2=0.5) == pytest.approx(98.07)
    assert to_unit(98.07, "kg", probe_cm2=2.0) == pytest.approx(2.0)


@given(
    st.floats(min_value=0, max_value=10),
    st.sampled_from(list(PressureUnit)),
    st.sampled_from([0.5, 1.0, 1.5]),
)
def test_round_trip(value: float, unit: PressureUnit, probe: float) -> None:
    kpa = kpa_from(value, unit, probe)
    assert to_unit(kpa, unit, probe) == pytest.approx(value, abs=1e-9)


@pytest.mark.parametrize(
    ("value", "unit", "probe", "field"),
    [
        (-1, "kg_cm2", 1.0, "value"),
        (float("nan"), "kg_cm2", 1.0, "value"),
        (100, "kg_cm2", 1.0, "value"),
        (5, "psi", 1.0, "unit"),
        (5, "lb", 0, "probe_cm2"),
    ],
)
def test_bad_readings_name_the_field(value: float, unit: str, probe: float, field: str) -> None:
    with pytest.raises(DomainError) as caught:
        kpa_from(value, unit, probe)
    assert caught.value.field == field


def test_a_change_counts_from_1_8_kg_per_cm2() -> None:
    before = kpa_from(3.0, "kg_cm2")
    assert ppt_change_is_real(before, kpa_from(4.8, "kg_cm2"))
    assert ppt_change_is_real(kpa_from(4.8, "kg_cm2"), before)
    assert not ppt_change_is_real(before, kpa_from(4.7, "kg_cm2"))


def test_lumbar_reference_values_are_5_9_and_8_0_lb_per_cm2() -> None:
    low, normal = ppt_reference_kpa("quadratus_lumborum")
    assert to_unit(low, "lb_cm2") == pytest.approx(5.9)
    assert to_unit(normal, "lb_cm2") == pytest.approx(8.0)
    assert low == pytest.approx(262.5, abs=0.1)
    other_low, other_normal = ppt_reference_kpa("upper_trapezius")
    assert to_unit(other_low, "lb_cm2") == pytest.approx(5.1)
    assert to_unit(other_normal, "lb_cm2") == pytest.approx(6.1)
