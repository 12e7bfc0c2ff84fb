"""An appointment completes when the session started from it ends."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from myomap.sessions.models import SessionStatus, TreatmentSession


@receiver(post_save, sender=TreatmentSession)
def complete_with_session(sender: type, instance: TreatmentSession, **kwargs: Any) -> None:
    if instance.status == SessionStatus.IN_PROGRESS:
        return
    from myomap.appointments.services import appointment_complete_with_session

    appointment_complete_with_session(session=instance)
