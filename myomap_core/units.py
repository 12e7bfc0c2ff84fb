"""Counts in words with the right singular or plural: ``1 second``, ``2 repetitions``.

The one helper for every count the system writes (notes, summaries, audit lines, messages).
"""

from __future__ import annotations

IRREGULAR = {"repetition": "repetitions", "warning sign": "warning signs", "entry": "entries"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 second``, ``2 seconds``, ``0 seconds``; ``many`` for a plural that is not word+s."""
    if n == 1:
        return f"{n} {word}"
    if many is None:
        many = IRREGULAR.get(word)
    if many is None:
        consonant_y = word.endswith("y") and word[-2:-1] not in "aeiou"
        many = word[:-1] + "ies" if consonant_y else word + "s"
    return f"{n} {many}"


def word_for(n: int, word: str, many: str | None = None) -> str:
    """The word alone, singular or plural for ``n``: ``step`` or ``steps``."""
    return plural(n, word, many).split(" ", 1)[1]
