"""``myomap backup`` and ``myomap restore``: the whole clinic in one encrypted archive."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

PASSPHRASE_ENV = "MYOMAP_BACKUP_PASSPHRASE"
PASSPHRASE_FILE_ENV = "MYOMAP_BACKUP_PASSPHRASE_FILE"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myomap.settings")
    import django

    django.setup()


def _fail(message: str) -> int:
    print(f"myomap: {message}", file=sys.stderr)
    return 2


def read_passphrase(path: str | None, *, confirm: bool) -> str | None:
    """From ``--passphrase-file``, ``MYOMAP_BACKUP_PASSPHRASE_FILE``,
    ``MYOMAP_BACKUP_PASSPHRASE``, then a prompt."""
    path = path or os.environ.get(PASSPHRASE_FILE_ENV)
    if path:
        text = Path(path).read_text("utf-8").rstrip("\r\n")
        return text or None
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass("Backup passphrase: ")
    if confirm and getpass.getpass("Same passphrase again: ") != first:
        return None
    return first or None


def _passphrase(args: argparse.Namespace, *, confirm: bool) -> str | None:
    try:
        return read_passphrase(args.passphrase_file, confirm=confirm)
    except OSError as exc:
        print(f"myomap: --passphrase-file {args.passphrase_file}: {exc.strerror}", file=sys.stderr)
        return None


def backup(args: argparse.Namespace) -> int:
    passphrase = _passphrase(args, confirm=not args.verify)
    if passphrase is None:
        return _fail(
            "a passphrase is needed: --passphrase-file FILE, MYOMAP_BACKUP_PASSPHRASE_FILE, "
            "MYOMAP_BACKUP_PASSPHRASE, or type it at the prompt (backups are never written "
            "unencrypted)"
        )
    _django()
    from myomap.interop.crypto import ArchiveError
    from myomap.interop.services import backup_create, backup_verify

    try:
        if args.verify:
            manifest = backup_verify(archive=Path(args.verify), passphrase=passphrase)
            _print_manifest(Path(args.verify), manifest)
            return 0
        result = backup_create(passphrase=passphrase, to=Path(args.to) if args.to else None)
    except ArchiveError as exc:
        return _fail(f"{args.verify or args.to or 'backup'}: {exc}")
    members = result.manifest["members"]
    print(
        f"Backup written: {result.path} ({result.size_bytes / 1e6:.1f} MB, "
        f"{sum(result.manifest['counts'].values())} rows, {len(members) - 1} files)."
    )
    print("Keep the passphrase safe: without it the archive cannot be read.")
    return 0


def _print_manifest(path: Path, manifest: dict[str, Any]) -> None:
    counts = manifest["counts"]
    print(f"{path}: good. Written {manifest['created_at']} by Myomap {manifest['myomap_version']}")
    print(
        f"  {counts.get('patients.patient', 0)} clients, {sum(counts.values())} rows, "
        f"{len(manifest['members']) - 1} files, {len(manifest['note_chains'])} signed-note "
        f"chains; every checksum matches."
    )


def restore(args: argparse.Namespace) -> int:
    passphrase = _passphrase(args, confirm=False)
    if passphrase is None:
        return _fail("a passphrase is needed: --passphrase-file FILE or MYOMAP_BACKUP_PASSPHRASE")
    _django()
    from myomap.interop.crypto import ArchiveError
    from myomap.interop.services import backup_restore

    try:
        result = backup_restore(archive=Path(args.archive), passphrase=passphrase, force=args.force)
    except ArchiveError as exc:
        return _fail(f"{args.archive}: {exc}. Nothing was changed.")
    if result.safety_backup:
        print(f"Safety backup of the replaced database: {result.safety_backup}")
    if result.migrated_from:
        print("The archive came from an older Myomap: its data was migrated forward.")
    print(
        f"Restored {sum(result.counts.values())} rows, {result.files} files and "
        f"{result.note_chains} signed-note chains (all verified)."
    )
    if result.keys_installed:
        print(
            f"Installed the archive's {' and '.join(result.keys_installed)} keys in var/: "
            "restart Myomap (web and worker) so that every process uses them."
        )
    return 0


def register(subparsers: Any) -> None:
    """Add ``backup`` and ``restore``."""
    b = subparsers.add_parser(
        "backup", help="write one encrypted archive of the whole clinic, or --verify one"
    )
    b.add_argument("--to", metavar="PATH", help="archive file or folder (default var/backups/)")
    b.add_argument("--passphrase-file", metavar="F", help="read the passphrase from this file")
    b.add_argument("--verify", metavar="ARCHIVE", help="check an archive without restoring it")
    b.set_defaults(handler=backup)
    r = subparsers.add_parser("restore", help="restore a backup archive onto an empty database")
    r.add_argument("archive", metavar="ARCHIVE")
    r.add_argument("--passphrase-file", metavar="F", help="read the passphrase from this file")
    r.add_argument(
        "--force",
        action="store_true",
        help="replace a database that is not empty (a safety backup is written first)",
    )
    r.set_defaults(handler=restore)
