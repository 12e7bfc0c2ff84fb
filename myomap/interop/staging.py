"""An uploaded client list kept between its preview and its import: one owner-only file per
upload in ``var/imports/``, named by the uploader and a random token, removed after the import
and at the latest a day later."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings

from myomap.interop.archive import open_private
from myomap.interop.clients_csv import CsvError

KEEP_SECONDS = 24 * 3600
TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _path(user_id: int, token: str) -> Path:
    if not TOKEN.fullmatch(token):
        raise CsvError("the uploaded file is no longer available: upload it again")
    return _folder() / f"{user_id}-{token}.csv"


def _prune() -> None:
    cutoff = time.time() - KEEP_SECONDS
    for old in _folder().glob("*.csv"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


def stage(*, user_id: int, raw: bytes) -> str:
    """Keep ``raw`` for its uploader; returns the token that names it."""
    _prune()
    token = secrets.token_urlsafe(16)
    with open_private(_path(user_id, token)) as f:
        f.write(raw)
    return token


def staged(*, user_id: int, token: str) -> bytes:
    """The file ``user_id`` uploaded under ``token`` (another user's token finds nothing)."""
    try:
        return _path(user_id, token).read_bytes()
    except FileNotFoundError:
        raise CsvError("the uploaded file is no longer available: upload it again") from None


def unstage(*, user_id: int, token: str) -> None:
    _path(user_id, token).unlink(missing_ok=True)
