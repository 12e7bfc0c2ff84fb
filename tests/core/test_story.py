"""The client's story in the referral ranking: what makes it worse, and where it tingles."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from myomap_core import atlas
from myomap_core.pain import PainMark, PainQuality
from myomap_core.referral import PainInput, infer_sources
from myomap_core.story import (
    AGGRAVATOR_BONUS,
    AGGRAVATOR_MAX,
    ENTRAPMENT_BONUS,
    activities,
    activities_in,
    apply_story,
    entrapment,
    story_of,
)

REGION_IDS = [r.id for r in atlas.regions()]
WORDS = [w for a in activities() for w in a.words] + ["nothing", "weather", "stress"]

marks = st.lists(
    st.builds(
        PainMark,
        st.sampled_from(REGION_IDS),
        st.integers(0, 10),
        st.sampled_from(list(PainQuality)),
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda m: m.region_id,
)


def _rank(marked: list[PainMark], worse: str = "") -> list[str]:
    result = infer_sources([PainInput(m.region_id, m.intensity) for m in marked])
    return [c.muscle_id for c in apply_story(result, story_of(worse, marked)).result.candidates]


def test_sitting_aggravated_buttock_pain_with_thigh_tingling_brings_piriformis_forward() -> None:
    marked = [
        PainMark("lower_buttock_left", 6, PainQuality.ACHING),
        PainMark("posterior_thigh_left", 4, PainQuality.TINGLING),
    ]
    plain = _rank([PainMark("lower_buttock_left", 6, PainQuality.ACHING),
                   PainMark("posterior_thigh_left", 4, PainQuality.ACHING)])  # fmt: skip
    told = _rank(marked, "Sitting for long, and driving")
    assert told.index("piriformis") < plain.index("piriformis")
    result = infer_sources([PainInput(m.region_id, m.intensity) for m in marked])
    out = apply_story(result, story_of("Sitting for long, and driving", marked))
    piriformis = next(c for c in out.result.candidates if c.muscle_id == "piriformis")
    assert any("entrap the sciatic nerve (+15%)" in r for r in piriformis.reasons)
    assert "check sensation, reflexes and strength" in out.nerve_check
    assert "Piriformis (sciatic nerve)" in out.nerve_check


def test_activities_are_read_from_everyday_words() -> None:
    found = {a.id for a in activities_in("Worse after a long drive or sitting at my desk")}
    assert found == {"driving", "sitting"}
    assert activities_in("nothing in particular") == ()


def test_every_entrapment_names_a_known_muscle_nerve_and_chapter() -> None:
    for muscle_id in ("piriformis", "scalenes", "supinator", "pronator_teres"):
        trap = entrapment(muscle_id)
        assert trap is not None and trap.nerve and trap.territory
        assert any(s.chapter for s in trap.sources)


@settings(max_examples=60, deadline=None)
@given(marks, st.lists(st.sampled_from(WORDS), max_size=6))
def test_the_story_only_adds_explained_bonuses(marked, words) -> None:  # type: ignore[no-untyped-def]
    result = infer_sources([PainInput(m.region_id, m.intensity) for m in marked])
    story = story_of(" ".join(words), marked)
    out = apply_story(result, story)
    before = {c.muscle_id: c for c in result.candidates}
    assert sorted(before) == sorted(c.muscle_id for c in out.result.candidates)
    most = 1 + AGGRAVATOR_BONUS * AGGRAVATOR_MAX + ENTRAPMENT_BONUS
    for c in out.result.candidates:
        old = before[c.muscle_id]
        assert old.score - 1e-4 <= c.score <= min(1.0, old.score * most) + 1e-4
        added = c.reasons[len(old.reasons) :]
        assert c.reasons[: len(old.reasons)] == old.reasons
        assert (c.score > old.score) == bool(added) or old.score >= 1.0 or old.score == 0
        assert all("(+" in r for r in added)
    scores = [c.score for c in out.result.candidates]
    assert scores == sorted(scores, reverse=True)
    nerve = any(m.quality in (PainQuality.TINGLING, PainQuality.BURNING) for m in marked)
    assert bool(out.nerve_check) == nerve


@settings(max_examples=30, deadline=None)
@given(marks)
def test_an_empty_story_changes_nothing(marked) -> None:  # type: ignore[no-untyped-def]
    plain = [PainMark(m.region_id, m.intensity, PainQuality.ACHING) for m in marked]
    result = infer_sources([PainInput(m.region_id, m.intensity) for m in plain])
    out = apply_story(result, story_of("", plain))
    assert out.result == result
    assert out.nerve_check == ""
