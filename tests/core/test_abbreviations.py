"""The note's legend names exactly the abbreviations the note uses."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from myomap_core.abbreviations import abbreviations_used
from myomap_core.soap import ABBREVIATIONS

SAMPLE = {
    "TrP": "TrP2",
    "IC": "IC 60 s",
    "PR": "PR 90 s",
    "CFF": "CFF 60 s",
    "FS": "FS, 3 rounds",
    "ROM": "ROM full",
    "NPRS": "6/10 (NPRS)",
    "L / R": "L quadratus lumborum",
    "×2": "×2",
}
"""How each abbreviation appears in a drafted note."""

WORDS = st.sampled_from(
    ["Lateral", "PRONE", "Pain", "ICE", "cliché", "Rest", "TrPs2a", "from", "romance", "6/10"]
)


def test_a_drafted_line_names_its_abbreviations() -> None:
    line = "R upper trapezius, middle of the upper fibres (TrP2): IC 60 s ×1, thumb 3.6–5.4 kg"
    assert [short for short, _ in abbreviations_used(line)] == ["TrP", "IC", "L / R", "×2"]
    assert abbreviations_used("Pain fell from 6/10 to 3/10 during the session.") == ()


@given(st.sets(st.sampled_from(sorted(SAMPLE))), st.lists(WORDS, max_size=8))
def test_the_legend_is_exactly_the_abbreviations_used(chosen: set[str], words: list[str]) -> None:
    text = " ".join([*words, *(SAMPLE[short] for short in sorted(chosen))])
    legend = abbreviations_used(text)
    assert {short for short, _ in legend} == chosen
    assert list(legend) == [pair for pair in ABBREVIATIONS if pair[0] in chosen]  # legend order
