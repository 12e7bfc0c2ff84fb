"""The backup archive: a gzip'd tar of the database dump, the private files and a manifest,
sealed by ``crypto``. Reading checks every member against the manifest before anything else
looks at it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from myomap.interop.crypto import ArchiveError, EncryptingWriter, decrypt_to

MANIFEST = "manifest.json"
DATABASE = "database.json"
KEYS = "keys.json"
FILES = "files"
ARCHIVE_FORMAT = 2
"""The layout of the archive's contents (the manifest's ``archive_format``); from 2 on it
carries the installation's keys (``interop.keys``)."""
SUFFIX = ".myomap-backup"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def private_dir(parent: Path | None = None) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder only the owner can read (mkdtemp creates it 0700)."""
    return tempfile.TemporaryDirectory(prefix="myomap-", dir=parent)


def open_private(path: Path) -> IO[bytes]:
    """A new file readable and writable by the owner only (0600), never an existing one."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def write_archive(
    target: Path,
    *,
    passphrase: str,
    database: Path,
    files_root: Path,
    manifest: dict[str, Any],
    keys: Mapping[str, str],
) -> dict[str, Any]:
    """Write the sealed archive to ``target`` (via ``target.part``, renamed when complete).

    Adds ``members`` (SHA-256 of each) to the manifest and returns it.
    """
    files = sorted(p for p in files_root.rglob("*") if p.is_file()) if files_root.exists() else []
    members: dict[str, str] = {}
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    try:
        with open_private(part) as raw:
            writer = EncryptingWriter(raw, passphrase)
            with (
                gzip.GzipFile(fileobj=writer, mode="wb", compresslevel=6, mtime=0) as gz,
                tarfile.open(fileobj=gz, mode="w|", format=tarfile.PAX_FORMAT) as tar,
            ):
                members[DATABASE] = sha256_of(database)
                tar.add(database, arcname=DATABASE, recursive=False)
                keys_body = json.dumps(dict(keys), sort_keys=True).encode()
                members[KEYS] = hashlib.sha256(keys_body).hexdigest()
                _add_bytes(tar, KEYS, keys_body)
                for path in files:
                    name = f"{FILES}/{path.relative_to(files_root).as_posix()}"
                    members[name] = sha256_of(path)
                    tar.add(path, arcname=name, recursive=False)
                complete = {**manifest, "archive_format": ARCHIVE_FORMAT, "members": members}
                body = json.dumps(complete, indent=2, sort_keys=True).encode()
                _add_bytes(tar, MANIFEST, body)
            writer.close()
            os.fsync(raw.fileno())
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return complete


def _add_bytes(tar: tarfile.TarFile, name: str, body: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(body)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(body))


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return False
    return name in (MANIFEST, DATABASE, KEYS) or (path.parts[0] == FILES and len(path.parts) > 1)


@dataclass(frozen=True)
class OpenedArchive:
    """An archive decrypted into a private folder and checked against its manifest."""

    folder: Path
    manifest: dict[str, Any]

    @property
    def database(self) -> Path:
        return self.folder / DATABASE

    @property
    def files(self) -> Path:
        return self.folder / FILES

    @property
    def keys(self) -> dict[str, str]:
        """The installation's keys the archive carries, by name (none before format 2)."""
        path = self.folder / KEYS
        if not path.is_file():
            return {}
        try:
            keys = json.loads(path.read_text("utf-8"))
        except ValueError as exc:
            raise ArchiveError("the archive's keys are not readable JSON") from exc
        if not isinstance(keys, dict) or not all(
            isinstance(v, str) and len(v) >= 32 for v in keys.values()
        ):
            raise ArchiveError("the archive's keys are damaged")
        return keys


@contextmanager
def opened(archive: Path, passphrase: str) -> Iterator[OpenedArchive]:
    """Decrypt and unpack ``archive`` privately; raise ArchiveError unless every check passes.

    Checks: the passphrase, every chunk's authentication, the tar's integrity, only expected
    member names, the manifest present, every member listed and matching its SHA-256, no
    listed member missing, and the dump's rows per table matching the manifest's counts.
    """
    if not archive.is_file():
        raise ArchiveError(f"no archive at {archive}")
    with private_dir() as tmp:
        folder = Path(tmp)
        plain = folder / "archive.tar.gz"
        with archive.open("rb") as src, open_private(plain) as out:
            decrypt_to(src, passphrase, out)
        unpacked = folder / "unpacked"
        unpacked.mkdir(mode=0o700)
        digests = _unpack(plain, unpacked)
        plain.unlink()
        manifest = _manifest(unpacked / MANIFEST)
        listed: dict[str, str] = manifest.get("members") or {}
        for name, digest in sorted(digests.items()):
            if name == MANIFEST:
                continue
            if name not in listed:
                raise ArchiveError(f"archive member {name} is not listed in the manifest")
            if listed[name] != digest:
                raise ArchiveError(f"archive member {name} does not match its SHA-256 checksum")
        missing = sorted(set(listed) - set(digests))
        if missing:
            raise ArchiveError(f"archive member {missing[0]} is listed but missing")
        _check_counts(unpacked / DATABASE, manifest)
        yield OpenedArchive(unpacked, manifest)


def _unpack(plain: Path, into: Path) -> dict[str, str]:
    digests: dict[str, str] = {}
    try:
        with tarfile.open(plain, mode="r:gz") as tar:
            for member in tar:
                if not member.isfile() or not _safe_name(member.name):
                    raise ArchiveError(f"unexpected archive member {member.name!r}")
                if member.name in digests:
                    raise ArchiveError(f"archive member {member.name} appears twice")
                source = tar.extractfile(member)
                if source is None:
                    raise ArchiveError(f"archive member {member.name} cannot be read")
                path = into / member.name
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                digest = hashlib.sha256()
                with open_private(path) as out:
                    while block := source.read(1024 * 1024):
                        digest.update(block)
                        out.write(block)
                digests[member.name] = digest.hexdigest()
    except (tarfile.TarError, EOFError, OSError, gzip.BadGzipFile) as exc:
        raise ArchiveError(f"the archive's contents are damaged ({exc})") from exc
    return digests


def _manifest(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ArchiveError("the archive has no manifest")
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except ValueError as exc:
        raise ArchiveError("the archive's manifest is not readable JSON") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != "myomap-backup":
        raise ArchiveError("the archive's manifest is not a Myomap backup manifest")
    version = manifest.get("archive_format")
    if not isinstance(version, int) or version > ARCHIVE_FORMAT:
        raise ArchiveError(
            f"the archive's layout is version {version!r}; this Myomap reads up to "
            f"{ARCHIVE_FORMAT}: it was written by a newer Myomap, upgrade first"
        )
    for key in ("members", "counts", "migrations", "note_chains"):
        if not isinstance(manifest.get(key), dict):
            raise ArchiveError(f"the archive's manifest lacks {key!r}")
    return manifest


def _check_counts(database: Path, manifest: dict[str, Any]) -> None:
    """The dump holds exactly the rows the manifest counted (link tables aside)."""
    try:
        rows = json.loads(database.read_text("utf-8"))
    except ValueError as exc:
        raise ArchiveError("the archive's database dump is not readable JSON") from exc
    found = Counter(str(r.get("model")) for r in rows if isinstance(r, dict))
    counts: dict[str, int] = manifest["counts"]
    for label in sorted(set(found) | set(counts)):
        if counts.get(label, 0) != found.get(label, 0):
            raise ArchiveError(
                f"the database dump has {found.get(label, 0)} rows of {label}, "
                f"the manifest says {counts.get(label, 0)}"
            )
