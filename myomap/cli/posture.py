"""The `myomap posture` command."""

from __future__ import annotations

from typing import Any


def register(subparsers: Any) -> None:
    """Add the command to the `myomap` parser."""
