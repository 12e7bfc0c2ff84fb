"""Singular and plural counts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from myomap_core.units import plural, word_for


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert plural(1, "second") == "1 second"
    assert plural(1, "minute") == "1 minute"
    assert plural(2, "repetition") == "2 repetitions"
    assert plural(0, "second") == "0 seconds"
    assert plural(3, "entry") == "3 entries"
    assert plural(2, "day") == "2 days"
    assert word_for(1, "step") == "step" and word_for(4, "step") == "steps"


@given(st.integers(0, 10_000), st.sampled_from(["second", "minute", "session", "step"]))
def test_the_count_is_written_as_given(n: int, word: str) -> None:
    text = plural(n, word)
    assert text.startswith(f"{n} {word}")
    assert text.endswith("s") == (n != 1)
