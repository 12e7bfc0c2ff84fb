"""The nightly backup, run for real by the task worker (`myomap worker --once --nightly-now`)."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from myomap.cli import main as cli_main
from myomap.interop.passphrase import passphrase_file
from myomap.interop.selectors import backup_files, backups_dir
from myomap.interop.services import backup_create, backup_verify
from myomap.interop.tasks import backup_nightly_task

# The worker closes and reopens database connections between tasks, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def _old_archive(folder: Path, when: datetime, passphrase: str) -> Path:
    """A real archive, renamed as if it had been written at ``when``."""
    made = backup_create(passphrase=passphrase, to=folder / "made.myomap-backup")
    path = folder / f"myomap-{when.astimezone(UTC):%Y%m%d-%H%M%S}.myomap-backup"
    made.path.rename(path)
    return path


def test_the_worker_books_the_nightly_backup_once(owner, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("MYOMAP_BACKUP_PASSPHRASE", raising=False)
    assert cli_main(["worker", "--once"]) == 0
    assert cli_main(["worker", "--once"]) == 0  # a restart books nothing twice
    booked = DBTaskResult.objects.get(task_path=backup_nightly_task.module_path)
    assert booked.status == "READY" and booked.run_after > timezone.now()
    assert backup_files() == []  # not due yet: nothing written
    assert not passphrase_file().exists()


def test_the_nightly_backup_writes_verifies_prunes_and_quiets_the_warning(  # type: ignore[no-untyped-def]
    client, owner, patient, monkeypatch
):
    monkeypatch.delenv("MYOMAP_BACKUP_PASSPHRASE", raising=False)
    monkeypatch.delenv("MYOMAP_BACKUP_PASSPHRASE_FILE", raising=False)
    client.force_login(owner)
    page = client.get(reverse("outcomes:dashboard")).content.decode()
    assert "No backup of this clinic has been made yet" in page

    folder = backups_dir(create=True)
    now = timezone.now()
    # A passphrase file from an earlier night, and archives written with it: one from
    # yesterday (kept) and one from ten weeks ago (past every retention rule).
    passphrase_file().write_text("kept in the clinic safe\n")
    passphrase_file().chmod(0o600)
    yesterday = _old_archive(folder, now - timedelta(days=1), "kept in the clinic safe")
    ancient = _old_archive(folder, now - timedelta(weeks=10), "kept in the clinic safe")
    page = client.get(reverse("outcomes:dashboard")).content.decode()
    assert "data-backup-warning" not in page  # yesterday's archive is recent enough

    assert cli_main(["worker", "--once", "--nightly-now"]) == 0

    written = [b.path for b in backup_files()]
    assert len(written) == 2 and yesterday in written and ancient not in written
    tonight = next(p for p in written if p != yesterday)
    assert stat.S_IMODE(tonight.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    manifest = backup_verify(archive=tonight, passphrase="kept in the clinic safe")
    assert manifest["counts"]["patients.patient"] == 1
    runs = DBTaskResult.objects.filter(task_path=backup_nightly_task.module_path)
    assert runs.filter(status="SUCCESSFUL").count() == 1
    assert runs.filter(status="READY", run_after__gt=timezone.now()).count() == 1  # tomorrow's

    # Two days later with no new archive, the owner is warned again.
    yesterday.unlink()
    tonight.rename(folder / f"myomap-{now - timedelta(days=3):%Y%m%d-%H%M%S}.myomap-backup")
    page = client.get(reverse("outcomes:dashboard")).content.decode()
    assert "data-backup-warning" in page and "3 days old" in page


def test_the_first_nightly_backup_creates_an_owner_only_passphrase_file(  # type: ignore[no-untyped-def]
    owner, patient, monkeypatch
):
    monkeypatch.delenv("MYOMAP_BACKUP_PASSPHRASE", raising=False)
    monkeypatch.delenv("MYOMAP_BACKUP_PASSPHRASE_FILE", raising=False)
    assert not passphrase_file().exists()
    assert cli_main(["worker", "--once", "--nightly-now"]) == 0

    assert stat.S_IMODE(passphrase_file().stat().st_mode) == 0o600
    phrase = passphrase_file().read_text().strip()
    assert len(phrase) >= 40
    [archive] = backup_files()
    assert backup_verify(archive=archive.path, passphrase=phrase)["counts"]["patients.patient"] == 1
    # The next night reuses the same passphrase.
    assert cli_main(["worker", "--once", "--nightly-now"]) == 0
    assert passphrase_file().read_text().strip() == phrase


def test_the_passphrase_from_the_environment_wins(owner, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MYOMAP_BACKUP_PASSPHRASE", "from the service's environment")
    assert cli_main(["worker", "--once", "--nightly-now"]) == 0
    [archive] = backup_files()
    assert backup_verify(archive=archive.path, passphrase="from the service's environment")
    assert not passphrase_file().exists()
