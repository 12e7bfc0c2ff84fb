"""Errors raised by the clinical core. Each names the field and value at fault."""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(ValueError):
    """A value the clinical core cannot accept.

    ``field`` names the offending input (a form field, a JSON key, a data-file
    path such as ``muscles_back.toml: quadratus_lumborum.trigger_points[0].region``);
    ``value`` is what was given; ``suggestions`` lists close valid values, best first.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str,
        value: object = None,
        suggestions: Sequence[str] = (),
    ) -> None:
        self.message = message
        self.field = field
        self.value = value
        self.suggestions = tuple(suggestions)
        text = f"{field}: {message}"
        if self.suggestions:
            text += " (closest: " + ", ".join(self.suggestions) + ")"
        super().__init__(text)


class KnowledgeBaseError(DomainError):
    """The knowledge base's data files are inconsistent; names file, record and field."""


class DomainErrors(DomainError):
    """Several refusals at once, one per field (a form shows each beside its field).

    Reads as its first error (``field``, ``message``, ``value``); ``errors`` holds them all
    and ``str()`` lists them all.
    """

    def __init__(self, errors: Sequence[DomainError]) -> None:
        if not errors:
            raise ValueError("DomainErrors needs at least one error")
        first = errors[0]
        super().__init__(first.message, field=first.field, value=first.value)
        self.errors = tuple(errors)
        self.args = ("; ".join(str(e) for e in self.errors),)
