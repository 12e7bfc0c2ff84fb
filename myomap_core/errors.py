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
