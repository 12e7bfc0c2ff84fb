"""Region language: clinicians' wording resolves to the same atlas regions in any form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from myomap_core import atlas
from myomap_core.errors import DomainError
from myomap_core.region_language import NOISE, SIDE_TOKENS, singular
from tests.core.region_phrases import BY_AREA, PHRASES, Row


def _expected(areas: tuple[str, ...], side: str) -> set[str]:
    ids: set[str] = set()
    for a in areas:
        for r in atlas.region_ids_for_area(a):
            midline = not r.endswith(("_left", "_right"))
            if side == "both" or midline or r.endswith("_" + side):
                ids.add(r)
    return ids


def test_the_phrase_table_has_at_least_300_phrases_over_every_body_area() -> None:
    assert len(PHRASES) >= 300
    assert all(len(rows) >= 30 for rows in BY_AREA.values())


@pytest.mark.parametrize(("phrase", "areas", "side"), PHRASES, ids=[p for p, _, _ in PHRASES])
def test_clinical_phrase_resolves(phrase: str, areas: tuple[str, ...], side: str) -> None:
    assert set(atlas.resolve_region(phrase)) == _expected(areas, side)


_NAMED: list[Row] = [
    row
    for row in PHRASES
    if row[2] == "both" and not set(row[0].lower().replace(",", " ").split()) & set(SIDE_TOKENS)
]
_SIDES = st.sampled_from(
    [("left", "left"), ("L", "left"), ("lt", "left"), ("right", "right"), ("R", "right")]
)


@given(row=st.sampled_from(_NAMED), side=_SIDES, where=st.integers(min_value=0, max_value=20))
def test_a_side_word_anywhere_gives_that_side(row: Row, side: tuple[str, str], where: int) -> None:
    phrase, areas, _ = row
    words = phrase.replace(",", " ").split()
    at = where % (len(words) + 1)
    sided = " ".join([*words[:at], side[0], *words[at:]])
    assert set(atlas.resolve_region(sided)) == _expected(areas, side[1]), sided


@given(row=st.sampled_from(PHRASES), seed=st.randoms(use_true_random=False))
def test_word_order_does_not_change_the_result(row: Row, seed: object) -> None:
    phrase, _, _ = row
    words = phrase.replace(",", " ").split()
    shuffled = list(words)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    assert set(atlas.resolve_region(" ".join(shuffled))) == set(atlas.resolve_region(phrase))


@given(row=st.sampled_from(PHRASES), upper=st.lists(st.booleans(), min_size=40, max_size=40))
def test_case_does_not_change_the_result(row: Row, upper: list[bool]) -> None:
    phrase = row[0]
    mixed = "".join(c.upper() if u else c.lower() for c, u in zip(phrase, upper * 4, strict=False))
    assert set(atlas.resolve_region(mixed)) == set(atlas.resolve_region(phrase))


@given(
    row=st.sampled_from(PHRASES),
    noise=st.lists(st.sampled_from(sorted(NOISE - {"and"})), min_size=1, max_size=3),
)
def test_noise_words_around_a_phrase_do_not_change_the_result(row: Row, noise: list[str]) -> None:
    phrase = row[0]
    padded = f"{noise[0]} {phrase} {' '.join(noise[1:])}"
    assert set(atlas.resolve_region(padded)) == set(atlas.resolve_region(phrase)), padded


_FUNCTION = NOISE | set(SIDE_TOKENS) | {"bilaterally", "both"}


@given(row=st.sampled_from(PHRASES))
def test_plurals_do_not_change_the_result(row: Row) -> None:
    phrase = row[0]
    words = phrase.replace(",", " ").split()
    plural = [
        w + "s"
        if w.isalpha()
        and len(w) > 3
        and singular(w) == w == singular(w + "s")
        and w.lower() not in _FUNCTION
        else w
        for w in words
    ]
    assert set(atlas.resolve_region(" ".join(plural))) == set(atlas.resolve_region(phrase))


def test_a_phrase_naming_two_areas_equally_is_refused_with_both_choices() -> None:
    with pytest.raises(DomainError) as caught:
        atlas.resolve_region("elbow, inside of the")
    error = caught.value
    assert error.field == "region"
    assert "ambiguous" in str(error)
    assert set(error.suggestions) == {
        atlas.area("antecubital").label,
        atlas.area("medial_elbow").label,
    }


def test_a_qualifier_in_front_of_a_known_area_keeps_the_area() -> None:
    assert atlas.resolve_region("deep right calf") == ("calf_right",)
    assert atlas.resolve_region("right heel region, superficial") == ("heel_right",)


def test_an_umbrella_word_gives_way_to_the_specific_area_it_covers() -> None:
    assert atlas.resolve_region("plantar surface of the left foot") == (
        "arch_left",
        "ball_of_foot_left",
    )


def test_unknown_skull_landmark_suggests_head_areas_not_distant_ones() -> None:
    with pytest.raises(DomainError) as caught:
        atlas.resolve_region("skull landmark")
    labels = caught.value.suggestions
    head = {atlas.area(a).label for a in ("occiput", "vertex", "temple", "forehead", "ear")}
    head |= {atlas.area(a).label for a in ("cervical_spine", "posterior_neck")}
    assert labels and labels[0] == atlas.area("occiput").label
    assert set(labels) <= head


def test_instep_is_the_arch_as_travell_and_simons_use_it() -> None:
    assert atlas.resolve_region("left instep") == ("arch_left",)


def test_the_sole_is_its_arch_and_ball_and_the_heel_pad_is_the_heel() -> None:
    assert atlas.resolve_region("sole of the right foot") == ("arch_right", "ball_of_foot_right")
    assert atlas.resolve_region("right heel pad") == ("heel_right",)
    assert atlas.resolve_region("ball of the left foot") == ("ball_of_foot_left",)
