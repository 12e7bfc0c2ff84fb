"""Filters for the whole-record PDF."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

register = template.Library()


@register.filter
def lookup(mapping: Mapping[str, str], key: str) -> str:
    """``mapping[key]``, or the key itself when the mapping does not have it."""
    return mapping.get(key, key)
