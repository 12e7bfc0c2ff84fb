"""The home program's rules: safe ranges, doses, the proposal and the tick rules."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myomap_core import home_program as hp
from myomap_core.aftercare import ItemKind
from myomap_core.errors import DomainError, DomainErrors
from myomap_core.knowledge import load_knowledge_base

KB = load_knowledge_base()
DAY0 = date(2026, 3, 2)  # a Monday

doses = st.builds(
    hp.Dose,
    times=st.integers(1, 7),
    per=st.sampled_from(list(hp.Per)),
    duration_s=st.none(),
    repetitions=st.none(),
)


@settings(max_examples=300, deadline=None)
@given(
    dose=doses,
    start_after=st.integers(0, 5),
    today_after=st.integers(0, 20),
    attempts=st.lists(st.integers(-3, 24), max_size=60),
)
def test_ticks_never_exceed_the_dose_and_never_come_before_the_start(  # type: ignore[no-untyped-def]
    dose, start_after, today_after, attempts
):
    first_day = DAY0 + timedelta(days=start_after)
    today = DAY0 + timedelta(days=today_after)
    ticks: Counter[date] = Counter()
    for offset in attempts:
        day = DAY0 + timedelta(days=offset)
        monday = day - timedelta(days=day.weekday())
        week = sum(n for d, n in ticks.items() if monday <= d < monday + timedelta(days=7))
        refusal = hp.tick_refusal(
            dose=dose,
            first_day=first_day,
            day=day,
            today=today,
            ticks_on_day=ticks[day],
            ticks_in_week=week,
        )
        allowed = first_day <= day <= today and ticks[day] < dose.ticks_per_day
        if dose.per is hp.Per.WEEK:
            allowed = allowed and week < dose.times
        assert (refusal is None) == allowed, (day, refusal)
        if refusal is None:
            ticks[day] += 1
        else:
            assert refusal.field == "day"
    for day, count in ticks.items():
        assert first_day <= day <= today
        assert count <= (dose.times if dose.per is hp.Per.DAY else 1)
    if dose.per is hp.Per.WEEK:
        weeks = Counter(d - timedelta(days=d.weekday()) for d in ticks.elements())
        assert all(n <= dose.times for n in weeks.values())


def test_twice_a_day_is_two_ticks_and_not_three() -> None:
    dose = hp.Dose(2, hp.Per.DAY, 30, 2)
    common = {"dose": dose, "first_day": DAY0, "day": DAY0, "today": DAY0, "ticks_in_week": 0}
    assert hp.tick_refusal(ticks_on_day=1, **common) is None  # type: ignore[arg-type]
    refusal = hp.tick_refusal(ticks_on_day=2, **common)  # type: ignore[arg-type]
    assert refusal is not None and "twice that day" in refusal.message
    tomorrow = DAY0 + timedelta(days=1)
    early = hp.tick_refusal(
        dose=dose, first_day=tomorrow, day=DAY0, today=DAY0, ticks_on_day=0, ticks_in_week=0
    )
    assert early is not None and "starts on Tuesday 3 March" in early.message


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(list(ItemKind)),
    times=st.integers(-2, 20),
    duration=st.integers(0, 1500),
    reps=st.integers(0, 6),
)
def test_a_dose_is_accepted_exactly_inside_its_safe_range(kind, times, duration, reps):  # type: ignore[no-untyped-def]
    safe = hp.SAFE_RANGES[kind]
    dose = hp.Dose(
        times,
        hp.Per.DAY,
        duration if safe.duration_s else None,
        reps if safe.repetitions else None,
    )
    inside = {
        "times": safe.times_per_day[0] <= times <= safe.times_per_day[1],
        "duration_s": safe.duration_s is None
        or safe.duration_s[0] <= duration <= safe.duration_s[1],
        "repetitions": safe.repetitions is None
        or safe.repetitions[0] <= reps <= safe.repetitions[1],
    }
    if all(inside.values()):
        hp.dose_check(kind, dose)
        return
    with pytest.raises(DomainError) as refused:
        hp.dose_check(kind, dose)
    found = refused.value.errors if isinstance(refused.value, DomainErrors) else (refused.value,)
    assert [e.field for e in found] == [f for f, ok in inside.items() if not ok]
    assert all("safe range" in e.message for e in found)


def test_every_safe_range_names_known_sources_and_contains_the_default() -> None:
    for kind, safe in hp.SAFE_RANGES.items():
        assert safe.sources and all(s in KB.sources for s in safe.sources)
        hp.dose_check(kind, hp.default_dose(kind))


def test_the_proposal_keeps_five_with_the_treated_muscles_first() -> None:
    def item(i: str, kind: ItemKind) -> dict[str, object]:
        return {"id": i, "kind": kind.value, "title": i, "what": "x", "source": "acsm11"}

    program = [item("walk", ItemKind.WALK)]
    for m in ("a", "b", "c"):
        program += [
            item(f"stretch.{m}", ItemKind.STRETCH),
            item(f"press.{m}", ItemKind.SELF_COMPRESSION),
        ]
    program.append(item("breaks", ItemKind.MOVEMENT_BREAKS))
    kept, aside = hp.proposed(program)
    assert [i["id"] for i in kept] == ["stretch.a", "press.a", "stretch.b", "press.b", "stretch.c"]
    assert [i["id"] for i in aside] == ["press.c", "breaks", "walk"]
    assert (
        kept[0]["how_often"] == "Once a day" and kept[0]["how_long"] == "Hold 30 seconds, 2 times"
    )


def test_a_muscle_self_care_item_comes_from_the_knowledge_base() -> None:
    muscle = KB.muscle("piriformis")
    item = hp.self_care_item(muscle, ItemKind.SELF_COMPRESSION, DAY0)
    assert item["what"] == muscle.self_care.self_compression
    assert item["starts_on"] == "2026-03-03"  # the day after it is added
    with pytest.raises(DomainError) as error:
        hp.self_care_item(muscle, ItemKind.WALK, DAY0)
    assert error.value.field == "kind"
    with pytest.raises(DomainError) as unknown:
        hp.muscle_for("piriform")
    assert unknown.value.field == "muscle_id" and "piriformis" in unknown.value.suggestions
