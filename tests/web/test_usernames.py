"""The normal form of a username: properties that keep one account per person."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from myomap.clinics.usernames import username_normalise

names = st.text(max_size=40)


@given(names)
def test_normalising_twice_changes_nothing(raw: str) -> None:
    once = username_normalise(raw)
    assert username_normalise(once) == once


@given(names)
def test_the_normal_form_has_no_surrounding_space_and_one_case(raw: str) -> None:
    normal = username_normalise(raw)
    assert normal == normal.strip()
    assert unicodedata.normalize("NFKC", normal.casefold()) == normal


@given(
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=20),
    st.sampled_from([str.upper, str.lower, str.title, str.swapcase]),
)
def test_case_and_padding_variants_share_the_normal_form(raw: str, change) -> None:  # type: ignore[no-untyped-def]
    assert username_normalise(f"  {change(raw)}\t") == username_normalise(raw)


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=20))
def test_full_width_ascii_is_the_same_as_ascii(raw: str) -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in raw)
    assert username_normalise(full_width) == username_normalise(raw)
