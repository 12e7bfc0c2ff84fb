"""Reading one TOML table of the knowledge base, with errors that name file, record and key."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any, TypeVar

from myomap_core.errors import DomainError, KnowledgeBaseError

E = TypeVar("E", bound=StrEnum)
R = TypeVar("R")


def closest(value: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The ``n`` choices nearest to ``value``, for "did you mean" suggestions."""
    return difflib.get_close_matches(value, sorted(choices), n=n, cutoff=0.0)


class Table:
    """One TOML table being read, knowing its file and dotted path for error messages."""

    def __init__(self, file: str, path: str, data: object) -> None:
        self.file = file
        self.path = path
        if not isinstance(data, dict):
            raise self.error("", "must be a table", data)
        self.data: dict[str, object] = data
        self.used: set[str] = set()

    def where(self, key: str) -> str:
        if not key:
            return f"{self.file}: {self.path}"
        return f"{self.file}: {self.path}.{key}" if self.path else f"{self.file}: {key}"

    def error(
        self, key: str, message: str, value: object = None, suggestions: Iterable[str] = ()
    ) -> KnowledgeBaseError:
        return KnowledgeBaseError(
            message, field=self.where(key), value=value, suggestions=list(suggestions)
        )

    def get(self, key: str) -> object:
        self.used.add(key)
        return self.data.get(key)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.get(key)
        if value is None and default is not None:
            return default
        if not isinstance(value, str):
            raise self.error(key, "missing text" if value is None else "must be text", value)
        return value

    def optional_text(self, key: str) -> str | None:
        return None if self.get(key) is None else self.text(key)

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, "must be a list of text", value)
        return tuple(value)

    def integer(self, key: str, default: int | None = None) -> int:
        value = self.get(key)
        if value is None and default is not None:
            return default
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(key, "must be a whole number", value)
        return value

    def number(self, key: str) -> float | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, "must be a number", value)
        return float(value)

    def flag(self, key: str) -> bool:
        value = self.get(key)
        if value is not None and not isinstance(value, bool):
            raise self.error(key, "must be true or false", value)
        return bool(value)

    def pair(self, key: str) -> tuple[Any, Any]:
        value = self.get(key)
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            raise self.error(key, "must be a [low, high] pair of numbers", value)
        return (value[0], value[1])

    def choice(self, key: str, enum: type[E], default: E | None = None) -> E:
        value = self.get(key)
        if value is None and default is not None:
            return default
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            return enum(value)
        except ValueError:
            options = [e.value for e in enum]
            raise self.error(
                key,
                f"unknown value {value!r}; one of {', '.join(options)}",
                value,
                closest(str(value), options),
            ) from None

    def table(self, key: str) -> Table:
        value = self.get(key)
        if value is None:
            raise self.error(key, "missing table")
        return Table(self.file, f"{self.path}.{key}", value)

    def optional_table(self, key: str) -> Table | None:
        return None if self.get(key) is None else self.table(key)

    def tables(self, key: str, *, required: bool = False) -> list[Table]:
        value = self.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            raise self.error(key, "must be a non-empty list of tables", value)
        return [Table(self.file, f"{self.path}.{key}[{i}]", v) for i, v in enumerate(value)]

    def build(self, make: Callable[[], R]) -> R:
        """Construct a record, re-raising its validation error with this table's path."""
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.error(unknown[0], "unknown key", self.data[unknown[0]], sorted(self.used))
        try:
            return make()
        except KnowledgeBaseError:
            raise
        except DomainError as error:
            raise KnowledgeBaseError(
                error.message,
                field=self.where(error.field),
                value=error.value,
                suggestions=error.suggestions,
            ) from None
