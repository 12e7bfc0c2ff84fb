"""Client search served by an index: search keys, and the one rule that matches a query.

A client's keys are the prefixes of the words of their names and email, folded (no case, no
accents), and every run of three or more consecutive digits of their phone number. A word of
a query matches a client when, folded the same way, it equals one of their keys (or, written
as a date, their date of birth). Equality, not a range or ``LIKE``: it is served by the
``(clinic, key)`` index on every database and under every collation (decision 0023).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

KEY_LENGTH = 32
"""Longest key: a query word is cut to this length before it is looked up."""
PHONE_RUN = 3
"""Shortest run of a phone number's digits that finds the client (as before: three digits)."""
MAX_WORDS = 8
"""Words of a query looked up; later ones are left out (each is one more nested lookup)."""
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")


def _fold_once(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """``text`` without case or accents: case-folded, NFKD, combining marks dropped, until
    nothing changes (case-folding "İ" adds a mark; decomposing "ℌ" gives a capital)."""
    folded = _fold_once(text)
    while (again := _fold_once(folded)) != folded:
        folded = again
    return folded


def _alnum(text: str) -> str:
    return "".join(c if c.isalnum() else " " for c in text)


def search_words(text: str) -> list[str]:
    """The searchable words of ``text``, folded: each word with its punctuation dropped
    ("O'Connor" → "oconnor"), then its pieces between punctuation ("o", "connor")."""
    words: list[str] = []
    for token in fold(text).split():
        pieces = _alnum(token).split()
        for word in ["".join(pieces), *pieces]:
            if word and word not in words:
                words.append(word)
    return words


def _term(word: str) -> str:
    return "".join(_alnum(word).split())[:KEY_LENGTH]


def query_terms(q: str) -> list[frozenset[str]]:
    """Each word of a query as the keys that would match it: the word folded, punctuation
    dropped, at most ``KEY_LENGTH`` long, and for a word written as a date, that date's key.
    A word with nothing searchable in it ("%", "-") constrains nothing and is left out, as
    are repeated words and those after the first ``MAX_WORDS``."""
    terms: list[frozenset[str]] = []
    for word in fold(q).split():
        born = as_date(word)
        found = frozenset({_term(word), born_key(born) if born else ""} - {""})
        if found and found not in terms:
            terms.append(found)
    return terms[:MAX_WORDS]


def born_key(born: date) -> str:
    """The key of a date of birth: matched whole, never by a prefix."""
    return f"{born:%Y%m%d}"


def client_keys(
    *, names: Iterable[str], email: str, phone_digits: str, born: date | None
) -> set[str]:
    """Every key that finds a client: each prefix of each word of ``names`` and ``email``,
    each run of ``PHONE_RUN`` or more consecutive digits of ``phone_digits``, and the date of
    birth's key."""
    keys = {born_key(born)} if born else set()
    for text in [*names, email]:
        for word in search_words(text):
            keys.update(word[:end] for end in range(1, min(len(word), KEY_LENGTH) + 1))
    digits = phone_digits[:40]
    for start in range(len(digits) - PHONE_RUN + 1):
        for end in range(start + PHONE_RUN, min(len(digits), start + KEY_LENGTH) + 1):
            keys.add(digits[start:end])
    return keys


def as_date(text: str) -> date | None:
    """``text`` as a date in one of ``DATE_FORMATS``, or None."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def client_ids_per_word(keys: QuerySet[Any], q: str) -> list[QuerySet[Any]]:
    """For each word of ``q``, the ids of the clients it finds (one of their keys equals it),
    as a subquery: a client every one of them holds is a match. Empty when ``q`` has no
    searchable word.

    ``keys`` are one clinic's key rows (``patients.PatientSearchKey`` filtered by clinic):
    each word is one lookup in the ``(clinic, key)`` index, and only that clinic's clients
    can be found. The client list, the booking page's client picker, the API and the
    owner's audit log all search through here; each ANDs the subqueries side by side (not
    nested, which SQLite's parser allows only a few levels of).
    """
    return [keys.filter(key__in=sorted(found)).values("patient_id") for found in query_terms(q)]
