"""Places named in a client's own words: found in order, sided as written, never twice."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from myomap_core.atlas import find_region
from myomap_core.places import places_in


def _read(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(p.words, p.regions) for p in places_in(text)]


def test_a_complaint_reads_as_the_places_it_names_in_order() -> None:
    text = "Pain in my left lower back and buttock, sometimes down the back of my thigh."
    assert _read(text) == [
        ("left lower back", ("lumbar_paraspinal_left",)),
        ("buttock", ("upper_buttock_left", "lower_buttock_left")),
        ("back of my thigh", ("posterior_thigh_left",)),
    ]


def test_a_side_stays_with_a_bare_place_only() -> None:
    # "a stiff neck when I turn" has words of its own: the eye's side is not carried to it.
    places = dict(_read("Headaches behind my right eye and a stiff neck when I turn"))
    assert places["behind my right eye"] == ("behind_eye_right",)
    assert {"posterior_neck_left", "posterior_neck_right"} <= set(places["neck"])


def test_a_new_side_replaces_the_one_before() -> None:
    assert _read("left hip, right calf and shin") == [
        ("left hip", ("lateral_hip_left", "groin_left")),
        ("right calf", ("calf_right",)),
        ("shin", ("shin_right",)),
    ]


def test_a_place_covered_by_one_before_it_is_not_named_twice() -> None:
    assert [w for w, _ in _read("left hip and groin")] == ["left hip"]


def test_words_that_name_no_place_give_nothing() -> None:
    assert places_in("It started after I lifted my son. Now it hurts when sitting.") == ()
    assert places_in("") == ()


PHRASES = (
    "left lower back",
    "right calf",
    "between my shoulder blades",
    "back of the left thigh",
    "right side of the neck",
    "left heel",
)
FILLER = st.sampled_from(("", "Pain in my", "It aches in the", "Sharp,", "worse at night in my"))


@given(
    st.lists(
        st.tuples(FILLER, st.sampled_from(PHRASES)),
        min_size=1,
        max_size=4,
        unique_by=lambda t: t[1],
    )
)
def test_every_sided_phrase_is_found_with_its_own_regions(parts: list[tuple[str, str]]) -> None:
    """Whatever the filler around them, phrases written in separate sentences are each found
    and read exactly as the body map's search box reads them alone."""
    text = ". ".join(f"{filler} {phrase}" for filler, phrase in parts)
    found = {p.regions for p in places_in(text)}
    for _, phrase in parts:
        regions = find_region(phrase)
        assert regions is not None
        assert regions in found, (phrase, text)
