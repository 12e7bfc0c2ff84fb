"""Nightly and recurring tasks: each books its next run on the database queue, so no cron is
needed.

``myomap worker`` books every nightly task when it starts (the list is the worker's own, in
``myomap.cli.app``, so this bottom floor names no app above it); each run books the next one.
A task already booked is not booked twice, so several workers (or restarts) do not multiply
runs.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone


def next_nightly_run(now: datetime | None = None) -> datetime:
    """The next time of day ``settings.NIGHTLY_AT`` (UTC) strictly after ``now``."""
    now = now or timezone.now()
    hours, minutes = (int(part) for part in settings.NIGHTLY_AT.split(":", 1))
    at = datetime.combine(now.date(), time(hours, minutes), tzinfo=now.tzinfo)
    return at if at > now else at + timedelta(days=1)


def schedule_nightly(task: Any) -> bool:
    """Book ``task`` for its next nightly run unless a run is already waiting; True if booked."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=task.module_path, status="READY", run_after__gt=timezone.now()
    ).exists()
    if waiting:
        return False
    task.using(run_after=next_nightly_run()).enqueue()
    return True


def schedule_every(task: Any, seconds: float) -> bool:
    """Book ``task`` to run ``seconds`` from now unless a run is already waiting to start by
    then; True if booked. A recurring task calls this when it ends, and the worker with 0
    when it starts (so a restart looks at once, and the runs never multiply)."""
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult

    at = timezone.now() + timedelta(seconds=seconds)
    waiting = DBTaskResult.objects.filter(
        Q(run_after__isnull=True) | Q(run_after__lte=at),
        task_path=task.module_path,
        status="READY",
    ).exists()
    if waiting:
        return False
    task.using(run_after=at).enqueue()
    return True
