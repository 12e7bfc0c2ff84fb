"""The owner's warning when the last good backup is missing or older than two days."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from myomap.interop.selectors import backup_status

register = template.Library()


@register.inclusion_tag("interop/_backup_warning.html", takes_context=True)
def backup_warning(context: template.Context) -> dict[str, Any]:
    """Shown to the clinic owner only: backups are the owner's responsibility."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not getattr(user, "is_owner", False):
        return {"status": None}
    return {"status": backup_status(now=timezone.now())}
