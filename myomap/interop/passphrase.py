"""The passphrase of the nightly backups: from the environment, else a file in ``var/``.

Order: ``MYOMAP_BACKUP_PASSPHRASE``, the file named by ``MYOMAP_BACKUP_PASSPHRASE_FILE``, then
``var/backup-passphrase``, which is created owner-only (0600) with a random passphrase the first
time a nightly backup needs one. Without that passphrase the archives cannot be restored:
docs/data.md says how to keep a copy of it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

from myomap.interop.crypto import ArchiveError

PASSPHRASE_ENV = "MYOMAP_BACKUP_PASSPHRASE"
PASSPHRASE_FILE_ENV = "MYOMAP_BACKUP_PASSPHRASE_FILE"
PASSPHRASE_FILE_NAME = "backup-passphrase"


def passphrase_file() -> Path:
    """``var/backup-passphrase``: where the generated passphrase is kept."""
    return Path(settings.VAR_DIR) / PASSPHRASE_FILE_NAME


def _read(path: Path) -> str:
    try:
        text = path.read_text("utf-8").rstrip("\r\n")
    except OSError as exc:
        raise ArchiveError(f"backup passphrase file {path}: {exc.strerror}") from None
    if not text:
        raise ArchiveError(f"backup passphrase file {path} is empty")
    return text


def nightly_passphrase() -> str:
    """The passphrase for the scheduled backup; creates ``var/backup-passphrase`` if needed."""
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if os.environ.get(PASSPHRASE_FILE_ENV):
        return _read(Path(os.environ[PASSPHRASE_FILE_ENV]))
    path = passphrase_file()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    phrase = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(phrase + "\n")
    return phrase
