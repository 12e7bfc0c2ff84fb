"""The installation's keys that travel inside a backup archive.

A restored database is only whole with the keys it was written under: the signed-note chain's
HMAC key (without it no signed note verifies) and the key of API tokens' and recovery codes'
stored HMACs (without it none of them works). Both live outside the database (``var/`` or the
environment), so the backup carries them in its sealed archive and a restore installs them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from myomap.interop.crypto import ArchiveError


@dataclass(frozen=True)
class Key:
    name: str
    """The key's name in the archive and its file in ``var/``."""
    setting: str
    variable: str
    purpose: str


KEYS = (
    Key("note_key", "NOTE_CHAIN_KEY", "MYOMAP_NOTE_KEY", "signed-note"),
    Key("token_key", "API_TOKEN_KEY", "MYOMAP_TOKEN_KEY", "API token and recovery code"),
)


def current() -> dict[str, str]:
    """This installation's keys, by name."""
    return {key.name: bytes(getattr(settings, key.setting)).decode() for key in KEYS}


def differing(archived: Mapping[str, str]) -> list[Key]:
    """The keys the archive carries that differ from this installation's (none for an archive
    written before keys travelled in it)."""
    mine = current()
    return [k for k in KEYS if k.name in archived and archived[k.name] != mine[k.name]]


def check_installable(keys: list[Key]) -> None:
    """Refuse, before anything changes, a key that the environment fixes to another value."""
    for key in keys:
        if os.environ.get(key.variable):
            raise ArchiveError(
                f"the archive was written with another {key.purpose} key, and this machine "
                f"sets {key.variable}: unset it (the restore then installs the archive's key "
                f"in var/{key.name}), or set it to the key of the machine that wrote the archive"
            )


@contextmanager
def in_effect(archived: Mapping[str, str], keys: list[Key]) -> Iterator[None]:
    """Within the block this process signs and checks with the archive's keys; after it, with
    its own again (the restore installs them on disk only once the data is in)."""
    before = {k.setting: getattr(settings, k.setting) for k in keys}
    for key in keys:
        setattr(settings, key.setting, archived[key.name].encode())
    try:
        yield
    finally:
        for setting, value in before.items():
            setattr(settings, setting, value)


def install(archived: Mapping[str, str], keys: list[Key]) -> None:
    """Write the archive's keys to ``var/`` (owner-only, each replaced in one step) and use
    them in this process from now on."""
    var = Path(settings.VAR_DIR)
    for key in keys:
        part = var / f"{key.name}.part"
        part.unlink(missing_ok=True)
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(archived[key.name])
            f.flush()
            os.fsync(f.fileno())
        part.replace(var / key.name)
        setattr(settings, key.setting, archived[key.name].encode())
