"""Keeping private-link tokens out of logs: a token is a key to a client's record."""

from __future__ import annotations

import logging

from django.urls import Resolver404, resolve


def redact_private_link(path: str) -> str:
    """``path`` with a private link's token replaced by ``<link>``: the token is a secret, so
    logs keep the page, not the key. Any URL pattern with a ``token`` argument counts."""
    bare = path.split("?", 1)[0]
    try:
        match = resolve(bare)
    except (Resolver404, ValueError):
        return path
    token = match.kwargs.get("token")
    return path.replace(token, "<link>") if isinstance(token, str) and token else path


class RedactLinksFilter(logging.Filter):
    """Django's request log ("Not Found: /i/<token>/") without the private-link token."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_private_link(a) if isinstance(a, str) and a.startswith("/") else a
                for a in record.args
            )
        return True
