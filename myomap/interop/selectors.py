"""Reads about backups: the archives in ``var/backups``, which to keep, whether one is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings

from myomap.interop.archive import SUFFIX
from myomap.interop.crypto import ArchiveError, read_header
from myomap_core.units import plural

PREFIX = "myomap-"
STAMP = "%Y%m%d-%H%M%S"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
OVERDUE_AFTER = timedelta(days=2)


def backups_dir(*, create: bool = False) -> Path:
    """``var/backups``; created owner-only (0700) when asked."""
    folder = Path(settings.VAR_DIR) / "backups"
    if create:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)
    return folder


@dataclass(frozen=True)
class BackupFile:
    path: Path
    written_at: datetime
    size_bytes: int


def backup_files(folder: Path | None = None) -> list[BackupFile]:
    """Complete archives in ``folder`` (named by their UTC time), oldest first."""
    folder = folder or backups_dir()
    if not folder.is_dir():
        return []
    found: list[BackupFile] = []
    for path in folder.glob(f"{PREFIX}*{SUFFIX}"):
        stamp = path.name[len(PREFIX) : -len(SUFFIX)]
        try:
            written = datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(BackupFile(path, written, path.stat().st_size))
    return sorted(found, key=lambda b: b.written_at)


def retained(backups: list[BackupFile], *, now: datetime) -> set[Path]:
    """The newest archive of each of the last 7 days and of each of the last 4 ISO weeks."""
    today = now.astimezone(UTC).date()
    days = {today - timedelta(days=i) for i in range(KEEP_DAILY)}
    weeks = {(today - timedelta(weeks=i)).isocalendar()[:2] for i in range(KEEP_WEEKLY)}
    newest_day: dict[object, BackupFile] = {}
    newest_week: dict[object, BackupFile] = {}
    for b in backups:
        day = b.written_at.date()
        week = day.isocalendar()[:2]
        if day in days and (day not in newest_day or b.written_at > newest_day[day].written_at):
            newest_day[day] = b
        if week in weeks and (
            week not in newest_week or b.written_at > newest_week[week].written_at
        ):
            newest_week[week] = b
    keep = {b.path for b in [*newest_day.values(), *newest_week.values()]}
    if backups:
        keep.add(max(backups, key=lambda b: b.written_at).path)
    return keep


def last_good_backup(folder: Path | None = None) -> BackupFile | None:
    """The newest complete archive whose header reads as a Myomap backup."""
    for b in reversed(backup_files(folder)):
        try:
            with b.path.open("rb") as f:
                read_header(f)
        except (ArchiveError, OSError):
            continue
        return b
    return None


@dataclass(frozen=True)
class BackupStatus:
    last: BackupFile | None
    overdue: bool
    message: str


def backup_status(*, now: datetime, folder: Path | None = None) -> BackupStatus:
    """Whether the last good backup is older than 2 days (or there is none): a warning."""
    last = last_good_backup(folder)
    if last is None:
        return BackupStatus(None, True, "No backup of this clinic has been made yet.")
    age = now - last.written_at
    if age > OVERDUE_AFTER:
        return BackupStatus(
            last,
            True,
            f"The last good backup is {plural(age.days, 'day')} old "
            f"({last.written_at:%Y-%m-%d %H:%M} UTC).",
        )
    return BackupStatus(last, False, f"Last backup {last.written_at:%Y-%m-%d %H:%M} UTC.")
