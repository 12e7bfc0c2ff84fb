"""Pages of the outcomes app."""

from __future__ import annotations
