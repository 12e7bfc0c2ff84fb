"""Properties of the client search keys (myomap.common.search), for any name (Hypothesis)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from myomap.common.search import KEY_LENGTH, MAX_WORDS, client_keys, fold, query_terms, search_words

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@given(first=names, last=names, preferred=names)
def test_every_word_of_a_name_is_found_by_each_of_its_starts(first, last, preferred):  # type: ignore[no-untyped-def]
    keys = client_keys(names=(first, last, preferred), email="", phone_digits="", born=None)
    for name in (first, last, preferred):
        for word in search_words(name):
            for end in range(1, len(word) + 1):
                [found] = query_terms(word[:end])
                assert found & keys, (name, word[:end])


@given(name=names)
def test_the_name_as_typed_finds_it_whatever_its_case_and_accents(name):  # type: ignore[no-untyped-def]
    keys = client_keys(names=(name,), email="", phone_digits="", born=None)
    for typed in (name, name.upper(), name.lower(), fold(name)):
        assert all(found & keys for found in query_terms(typed)), typed


@given(digits=st.text("0123456789", min_size=3, max_size=20), data=st.data())
def test_any_three_or_more_digits_of_the_phone_find_it(digits, data):  # type: ignore[no-untyped-def]
    keys = client_keys(names=(), email="", phone_digits=digits, born=None)
    start = data.draw(st.integers(0, len(digits) - 3))
    end = data.draw(st.integers(start + 3, len(digits)))
    [found] = query_terms(digits[start:end])
    assert found & keys


def test_accents_case_and_punctuation_do_not_matter() -> None:
    keys = client_keys(names=("José", "O'Connor-Smith", ""), email="", phone_digits="", born=None)
    for typed in ("jose", "JOSÉ", "oconnor", "o'con", "connor", "smith", "oconnors"):
        [found] = query_terms(typed)
        assert found & keys, typed
    assert not query_terms("%") and not query_terms("- _ \x00")


def test_a_word_matches_from_its_start_only() -> None:
    keys = client_keys(names=("Smith",), email="", phone_digits="", born=None)
    assert all(query_terms(t)[0] & keys for t in ("s", "smi", "smith"))
    assert not query_terms("ith")[0] & keys


def test_a_date_finds_the_birth_date_written_either_way() -> None:
    keys = client_keys(names=(), email="", phone_digits="", born=date(1980, 3, 14))
    for typed in ("1980-03-14", "14/03/1980", "14.03.1980"):
        [found] = query_terms(typed)
        assert found & keys, typed
    assert not query_terms("1980")[0] & keys


def test_keys_and_terms_are_never_longer_than_the_limit() -> None:
    keys = client_keys(
        names=("x" * 80,), email="y" * 60 + "@example.org", phone_digits="1" * 40, born=None
    )
    assert max(len(k) for k in keys) == KEY_LENGTH
    [found] = query_terms("x" * 100)
    assert found & keys


def test_a_query_looks_up_at_most_a_few_distinct_words() -> None:
    assert len(query_terms("jo " * 50)) == 1
    words = " ".join(f"w{n}" for n in range(50))
    assert len(query_terms(words)) == MAX_WORDS
