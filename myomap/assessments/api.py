"""The assessments endpoints of the JSON API."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["assessments"])
