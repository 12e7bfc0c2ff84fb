"""A client's standing follows the client row: made when they are registered, made inactive
when they are archived and active again when restored, in the same transaction (decision
0024). The patients app sits below this one and does not import it, so the standing listens
to the client's save."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from myomap.outcomes.standing import standing_follow_archive, standing_start
from myomap.patients.models import Patient


@receiver(post_save, sender=Patient)
def follow_the_client(
    sender: type, instance: Patient, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:  # a fixture or dump being loaded carries its own standings
        return
    if created:
        standing_start(instance)
        return
    fields = kwargs.get("update_fields")
    if fields is None or "archived_at" in fields:
        standing_follow_archive(instance)
