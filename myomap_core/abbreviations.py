"""Which of the note's abbreviations a text uses: the legend printed under a note."""

from __future__ import annotations

import re
from typing import Final

from myomap_core.soap import ABBREVIATIONS

_PATTERNS: Final = {
    "L / R": re.compile(r"(?<![\w/])[LR](?![\w/])"),
    "×2": re.compile(r"×\s?\d"),
}
"""How an abbreviation shows in a note when it is not a word of its own."""


def _pattern(short: str) -> re.Pattern[str]:
    return _PATTERNS.get(short) or re.compile(rf"(?<!\w){re.escape(short)}(?![^\W\d_])")


def abbreviations_used(text: str) -> tuple[tuple[str, str], ...]:
    """The (abbreviation, meaning) pairs of ``ABBREVIATIONS`` that ``text`` uses, in the
    legend's order; none for a text that uses none."""
    return tuple(
        (short, meaning) for short, meaning in ABBREVIATIONS if _pattern(short).search(text)
    )
