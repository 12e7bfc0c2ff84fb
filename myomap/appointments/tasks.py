"""Background work for appointments: send the reminders that are due, every few minutes."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from myomap.appointments.reminders import reminders_send_due
from myomap.common.schedule import schedule_every


@task()
def send_due_reminders() -> dict[str, int]:
    """Send every reminder that is due, then book the next look at the queue."""
    try:
        return reminders_send_due()
    finally:
        schedule_every(send_due_reminders, settings.REMINDERS_EVERY_SECONDS)
