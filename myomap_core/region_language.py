"""Clinical wording of body regions: side words anywhere, qualifiers, noise words and plurals.

The atlas names every area by its id, label and synonyms (knowledge/data/regions.toml). This
module reads a phrase as a set of meaningful words: it takes out side words wherever they
stand, drops noise words ("region", "area", "of the", "around", "pain"), reduces plurals to
the singular and folds equivalent qualifiers together ("inner" = "inside" = "medial").
Word order then no longer matters. A phrase that names no area exactly is read by the longest
names wholly contained in it ("upper lateral arm" contains "upper arm"), provided every word
left out is a qualifier; when the longest such names belong to different areas the phrase is
ambiguous and the choices are reported. A word the atlas does not know is never ignored.

Source: the word lists are Myomap's own (ours), written from standard anatomical terms of
position (anterior/posterior, medial/lateral, superior/inferior, palmar/dorsal, plantar).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Side(StrEnum):
    """A side word's meaning (mirrors ``atlas.Side`` without importing it)."""

    LEFT = "left"
    RIGHT = "right"


BOTH: Final = frozenset({Side.LEFT, Side.RIGHT})

SIDE_TOKENS: Final[Mapping[str, frozenset[Side]]] = {
    "left": frozenset({Side.LEFT}),
    "lt": frozenset({Side.LEFT}),
    "l": frozenset({Side.LEFT}),
    "right": frozenset({Side.RIGHT}),
    "rt": frozenset({Side.RIGHT}),
    "r": frozenset({Side.RIGHT}),
    "both": BOTH,
    "bilateral": BOTH,
    "bilaterally": BOTH,
}

NOISE: Final = frozenset(
    {
        "a", "an", "and", "the", "of", "in", "on", "at", "to", "my", "his", "her", "their",
        "around", "about", "near", "region", "regions", "area", "areas", "zone", "part", "parts",
        "pain", "painful", "ache", "aching", "sore", "soreness", "hurts", "hurting", "sided",
        "just", "whole", "entire", "general", "generally", "over", "into", "junction",
        "eminence", "process", "landmark", "surface",
    }
)  # fmt: skip

QUALIFIERS: Final[Mapping[str, str]] = {
    "front": "anterior",
    "anterior": "anterior",
    "rear": "posterior",
    "posterior": "posterior",
    "inner": "medial",
    "inside": "medial",
    "medial": "medial",
    "outer": "lateral",
    "outside": "lateral",
    "lateral": "lateral",
    "upper": "superior",
    "superior": "superior",
    "low": "inferior",
    "lower": "inferior",
    "inferior": "inferior",
    "volar": "palmar",
    "palmar": "palmar",
    "centre": "middle",
    "center": "middle",
    "central": "middle",
    "mid": "middle",
    "middle": "middle",
}

DROPPABLE: Final = frozenset(
    {
        *QUALIFIERS.values(),
        "deep",
        "superficial",
        "plantar",
        "dorsal",
        "tip",
        "edge",
        "border",
        "side",
        "fossa",
        "ridge",
    }
)
"""Words a partial reading may leave out: qualifiers that narrow an area the atlas has whole."""

_KEEP_ENDINGS: Final = ("ss", "us", "is")
_IRREGULAR: Final[Mapping[str, str]] = {"feet": "foot", "teeth": "tooth"}


def singular(word: str) -> str:
    """A word's singular by the regular English endings; other words unchanged."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ves"):
        return word[:-3] + "f"
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(_KEEP_ENDINGS):
        return word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class Reading:
    """A phrase read as its side words and its set of meaningful words."""

    sides: frozenset[Side]
    words: frozenset[str]


def read(key: str) -> Reading:
    """Read a normalised phrase (lower-case words separated by single spaces)."""
    tokens = key.split()
    sides: set[Side] = set()
    kept: list[str] = []
    for token in tokens:
        found = SIDE_TOKENS.get(token)
        if found is not None:
            sides |= found
            continue
        kept.append(token)
    words = frozenset(_meaning(t) for t in kept if t not in NOISE)
    return Reading(frozenset(sides), words)


def _meaning(token: str) -> str:
    word = singular(token)
    return QUALIFIERS.get(word, word)


def words_of(name: str) -> frozenset[str]:
    """The meaningful words of an atlas name (side words are not expected in names)."""
    return frozenset(_meaning(t) for t in name.split() if t not in NOISE)


@dataclass(frozen=True, slots=True)
class WordIndex:
    """Atlas names by their meaningful words, for order-free and partial matching."""

    exact: Mapping[frozenset[str], frozenset[str]]  # word set -> targets it names
    by_word: Mapping[str, tuple[frozenset[str], ...]]  # word -> word sets containing it

    @classmethod
    def build(cls, names: Mapping[str, str], weak: frozenset[str] = frozenset()) -> WordIndex:
        """Index names; a ``weak`` name (an area's id) gives way when a real name has its words."""
        exact: dict[frozenset[str], set[str]] = {}
        strong: dict[frozenset[str], set[str]] = {}
        for name, target in names.items():
            words = words_of(name)
            if words:
                exact.setdefault(words, set()).add(target)
                if name not in weak:
                    strong.setdefault(words, set()).add(target)
        for words, targets in exact.items():
            if len(targets) > 1 and strong.get(words):
                exact[words] = strong[words]
        by_word: dict[str, list[frozenset[str]]] = {}
        for words in exact:
            for w in words:
                by_word.setdefault(w, []).append(words)
        return cls(
            exact={k: frozenset(v) for k, v in exact.items()},
            by_word={k: tuple(v) for k, v in by_word.items()},
        )

    def match(self, words: frozenset[str]) -> frozenset[str]:
        """Targets named by these words: an exact word set, else the longest contained ones."""
        if not words:
            return frozenset()
        hit = self.exact.get(words)
        if hit is not None:
            return hit
        contained = {
            ws for w in words for ws in self.by_word.get(w, ()) if ws <= words
        }  # fmt: skip
        if not contained:
            return frozenset()
        longest = max(len(ws) for ws in contained)
        chosen = [ws for ws in contained if len(ws) == longest]
        left_over = words.difference(*chosen)
        if not left_over <= DROPPABLE:
            return frozenset()  # a word the atlas does not know is never silently ignored
        return frozenset(t for ws in chosen for t in self.exact[ws])

    def sharing(self, words: Iterable[str]) -> dict[str, float]:
        """Targets of names sharing words with the phrase, weighted by the shared words rarity."""
        wanted = set(words)
        shared: dict[str, float] = {}
        for w in wanted:
            for ws in self.by_word.get(w, ()):
                weight = sum(1 / len(self.by_word[x]) for x in ws & wanted)
                for t in self.exact[ws]:
                    shared[t] = max(shared.get(t, 0.0), weight)
        return shared

    def vocabulary(self) -> list[str]:
        """Every meaningful word the atlas knows."""
        return sorted(self.by_word)
