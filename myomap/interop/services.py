"""Writing backups and restoring them. The only place that writes for this app."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.interop import snapshot
from myomap.interop.archive import SUFFIX, OpenedArchive, opened, private_dir, write_archive
from myomap.interop.crypto import ArchiveError
from myomap.interop.selectors import PREFIX, STAMP, backup_files, backups_dir, retained


class RestoreRefused(ArchiveError):
    """The target database is not empty and ``force`` was not given."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    manifest: dict[str, Any]


@dataclass(frozen=True)
class RestoreResult:
    counts: dict[str, int]
    files: int
    note_chains: int
    migrated_from: list[tuple[str, str]]
    safety_backup: Path | None


def _version() -> str:
    try:
        return version("myomap")
    except PackageNotFoundError:
        return "unknown"


def backup_target(to: Path | None, *, now: datetime) -> Path:
    """Where a backup goes: ``to`` itself, a new file in folder ``to``, or ``var/backups``."""
    name = f"{PREFIX}{now.astimezone(UTC).strftime(STAMP)}{SUFFIX}"
    if to is None:
        return backups_dir(create=True) / name
    if to.is_dir():
        return to / name
    return to


def backup_create(
    *,
    passphrase: str,
    to: Path | None = None,
    using: str = DEFAULT_DB_ALIAS,
    now: datetime | None = None,
    origin: Origin | None = None,
) -> BackupResult:
    """Write one encrypted archive of the whole installation and record it in the audit log."""
    now = now or timezone.now()
    target = backup_target(to, now=now)
    if target.exists():
        raise ArchiveError(f"{target} already exists: choose another name")
    if not target.parent.is_dir():
        raise ArchiveError(f"folder {target.parent} does not exist")
    with private_dir(target.parent) as tmp:
        dump = Path(tmp) / "database.json"
        with snapshot.consistent_source(Path(tmp), using) as source:
            snapshot.dump(dump, source)
            manifest = {
                "format": "myomap-backup",
                "myomap_version": _version(),
                "created_at": now.isoformat(),
                "engine": snapshot.engine(source),
                "migrations": snapshot.applied_migrations(source),
                "counts": snapshot.row_counts(source),
                "link_counts": snapshot.row_counts(source, links=True),
                "note_chains": snapshot.chain_heads(source),
            }
        manifest = write_archive(
            target,
            passphrase=passphrase,
            database=dump,
            files_root=Path(settings.MEDIA_ROOT),
            manifest=manifest,
        )
    with transaction.atomic(using=using):
        audit_record(
            action=AuditAction.EXPORT,
            clinic=None,
            actor=None,
            actor_label="backup",
            summary=f"Backup written: {target.name} ({len(manifest['members']) - 1} files)",
            origin=origin or Origin(),
            using=using,
        )
    return BackupResult(target, target.stat().st_size, manifest)


def backup_verify(
    *, archive: Path, passphrase: str, using: str = DEFAULT_DB_ALIAS
) -> dict[str, Any]:
    """Every check a restore makes before touching anything; returns the manifest."""
    with opened(archive, passphrase) as found:
        _check_version(found, using)
        return found.manifest


def _check_version(found: OpenedArchive, using: str) -> None:
    unknown = snapshot.unknown_migrations(found.manifest["migrations"], using)
    if unknown:
        raise ArchiveError(
            f"the archive was written by a newer Myomap (its database has migration "
            f"{unknown[0]}, which this version does not know): upgrade Myomap, then restore"
        )


def _is_empty(using: str) -> bool:
    return not any(snapshot.row_counts(using).values())


def backup_restore(
    *,
    archive: Path,
    passphrase: str,
    force: bool = False,
    using: str = DEFAULT_DB_ALIAS,
    files_root: Path | None = None,
    safety_dir: Path | None = None,
    origin: Origin | None = None,
) -> RestoreResult:
    """Restore ``archive`` into database ``using`` and the private files folder.

    Every check runs before anything changes. A non-empty database is refused unless
    ``force``; then a safety backup (same passphrase) is written first and the database
    emptied. The data is loaded at the archive's schema in one transaction, its counts and
    signed-note chains are checked, then the schema is migrated forward.
    """
    files_root = files_root or Path(settings.MEDIA_ROOT)
    with opened(archive, passphrase) as found:
        _check_version(found, using)
        manifest = found.manifest
        safety: Path | None = None
        if not _is_empty(using):
            if not force:
                raise RestoreRefused(
                    "the database is not empty: restore onto a fresh database, or give --force "
                    "to replace it (a safety backup of it is written first)"
                )
            safety = backup_create(
                passphrase=passphrase, to=safety_dir, using=using, origin=origin
            ).path
            from django.core.management import call_command

            call_command("flush", database=using, interactive=False, verbosity=0)
        archived = snapshot.in_graph(manifest["migrations"], using)
        targets = snapshot.archive_targets(archived, using)
        latest = snapshot.migration_nodes(using)
        older = {(a, n) for a, names in archived.items() for n in names} != latest
        snapshot.migrate_to(targets if older else None, using)
        try:
            with transaction.atomic(using=using):
                snapshot.load(found.database, using, targets if older else None)
                _check_loaded(manifest, using)
        finally:
            if older:
                snapshot.migrate_to(None, using)
        copied = _copy_files(found, files_root)
        with transaction.atomic(using=using):
            audit_record(
                action=AuditAction.RESTORE,
                clinic=None,
                actor=None,
                actor_label="restore",
                summary=(
                    f"Restored from backup {archive.name} written {manifest['created_at']}"
                    + (f"; safety backup {safety.name}" if safety else "")
                ),
                origin=origin or Origin(),
                using=using,
            )
        return RestoreResult(
            counts=manifest["counts"],
            files=copied,
            note_chains=len(manifest["note_chains"]),
            migrated_from=sorted(targets) if older else [],
            safety_backup=safety,
        )


def _check_loaded(manifest: dict[str, Any], using: str) -> None:
    """Inside the load's transaction: the rows and the signed-note chains are as archived."""
    counts = snapshot.row_counts(using)
    for label, n in sorted(manifest["counts"].items()):
        if counts.get(label, 0) != n:
            raise ArchiveError(f"after loading, {label} has {counts.get(label, 0)} rows, not {n}")
    links = snapshot.row_counts(using, links=True)
    for label, n in sorted(manifest.get("link_counts", {}).items()):
        if links.get(label, 0) != n:
            raise ArchiveError(f"after loading, {label} has {links.get(label, 0)} links, not {n}")
    heads = snapshot.chain_heads(using)
    if heads != manifest["note_chains"]:
        raise ArchiveError("after loading, the signed-note chains differ from the manifest")
    problems = snapshot.chain_problems(using)
    if problems:
        raise ArchiveError(f"after loading, a signed note does not verify: {problems[0]}")


def _copy_files(found: OpenedArchive, files_root: Path) -> int:
    if not found.files.exists():
        return 0
    copied = 0
    for path in sorted(p for p in found.files.rglob("*") if p.is_file()):
        target = files_root / path.relative_to(found.files)
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        shutil.copyfile(path, part)
        part.replace(target)
        copied += 1
    return copied


def backup_nightly(
    *, passphrase: str, now: datetime | None = None, folder: Path | None = None
) -> BackupResult:
    """The scheduled backup: a new archive in ``var/backups``, then the retention rule.

    Keeps the newest archive of each of the last 7 days and of each of the last 4 ISO weeks;
    older archives are removed (they are copies, not the clinical record).
    """
    now = now or timezone.now()
    folder = folder or backups_dir(create=True)
    result = backup_create(passphrase=passphrase, to=folder, now=now)
    existing = backup_files(folder)
    keep = retained(existing, now=now)
    for found in existing:
        if found.path not in keep:
            found.path.unlink(missing_ok=True)
    return result
