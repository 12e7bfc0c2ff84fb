"""Places on the body named in a client's own words ("my left lower back and buttock").

The same reading as the body map's search box (:func:`myomap_core.atlas.find_region`), tried on
every run of up to ``MAX_WORDS`` words of each phrase, longest first: what a client wrote about
their pain is offered as regions to mark, and a clinician sees places named but not marked.
Nothing is marked for them: the words propose, the person decides.

A side stays with a bare place that follows in the same sentence ("left lower back and
buttock" is the left buttock, "down the back of my thigh" the left thigh), as people write it;
a phrase with words of its own ("a stiff neck when I turn") keeps its own reading. A place
already covered by one named before it ("left hip and groin") is not named twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from myomap_core.atlas import find_region

MAX_WORDS = 7
"""The longest run of words tried as one place ("outside of my right ankle bone")."""

_SENTENCES = re.compile(r"[.;!?\n]+")
_PHRASES = re.compile(r",|\b(?:and|or|then|but|into|to|down|from|through|up|towards?)\b", re.I)
_WORD = re.compile(r"[\w'’-]+")
_FILLER = frozenset({"the", "my", "a", "an", "his", "her", "their", "your", "of", "sometimes"})
"""Words that may stand beside a bare place without making the phrase its own."""


@dataclass(frozen=True)
class NamedPlace:
    """Words of the text that name a place, and the atlas regions they name."""

    words: str
    regions: tuple[str, ...]


def _side_of(regions: tuple[str, ...]) -> str | None:
    """ "left" or "right" when every sided region named is on that side."""
    sides = {r.rsplit("_", 1)[1] for r in regions if r.endswith(("_left", "_right"))}
    return sides.pop() if len(sides) == 1 else None


def _both_sides(regions: tuple[str, ...]) -> bool:
    return any(r.endswith("_left") for r in regions) and any(r.endswith("_right") for r in regions)


def _bare(place: NamedPlace, phrase: list[str]) -> bool:
    """The phrase is the place and filler only ("and the calf")."""
    named = {w.casefold() for w in place.words.split()}
    return all(w.casefold() in named or w.casefold() in _FILLER for w in phrase)


def _in_phrase(words: list[str]) -> list[NamedPlace]:
    found: list[NamedPlace] = []
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + MAX_WORDS), i, -1):
            text = " ".join(words[i:j])
            regions = find_region(text)
            if regions:
                start = i  # drop leading words that change nothing ("pain in my")
                while start + 1 < j and find_region(" ".join(words[start + 1 : j])) == regions:
                    start += 1
                found.append(NamedPlace(" ".join(words[start:j]), regions))
                i = j
                break
        else:
            i += 1
    return found


def places_in(text: str) -> tuple[NamedPlace, ...]:
    """Every place ``text`` names, in the order written."""
    places: list[NamedPlace] = []
    covered: set[str] = set()
    for sentence in _SENTENCES.split(text):
        side: str | None = None
        for phrase in _PHRASES.split(sentence):
            words = _WORD.findall(phrase)
            for place in _in_phrase(words):
                regions = place.regions
                if side and _both_sides(regions) and _bare(place, words):
                    regions = find_region(f"{side} {place.words}") or regions
                side = _side_of(regions) or side
                if not set(regions) <= covered:
                    covered.update(regions)
                    places.append(NamedPlace(place.words, regions))
    return tuple(places)
