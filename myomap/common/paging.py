"""Pages of a long list without counting it: ``Newer`` and ``Older`` only.

Counting every row (what Django's ``Paginator`` does to number its pages) costs as much as the
list is long; a window reads one row more than it shows to know whether there is a next page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Window(Generic[T]):
    """One page of a list; the attributes templates use on Django's ``Page``."""

    object_list: Sequence[T]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


MAX_PAGE = 100_000
"""Deeper pages read as this one: an offset the database can still hold."""


def window(items: Any, page: str | None, size: int) -> Window[Any]:
    """Page ``page`` of ``items``, ``size`` rows: 1 when missing or not a positive whole
    number, at most ``MAX_PAGE``."""
    try:
        number = min(MAX_PAGE, max(1, int(page or 1)))
    except ValueError:
        number = 1
    start = (number - 1) * size
    rows = list(items[start : start + size + 1])
    return Window(rows[:size], number, len(rows) > size)
