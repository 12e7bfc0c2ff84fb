"""Background work for backups: the nightly archive into ``var/backups`` with retention."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from myomap.common.schedule import schedule_nightly
from myomap.interop.passphrase import nightly_passphrase
from myomap.interop.services import backup_nightly


@task()
def backup_nightly_task() -> dict[str, Any]:
    """Book the next night's run first (a failed backup must not stop the next one), then
    write an archive and prune by the 7-daily / 4-weekly rule."""
    schedule_nightly(backup_nightly_task)
    result = backup_nightly(passphrase=nightly_passphrase())
    return {
        "archive": result.path.name,
        "size_bytes": result.size_bytes,
        "rows": sum(result.manifest["counts"].values()),
    }
