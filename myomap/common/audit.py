"""Writing the audit log. Call inside the transaction of the change being recorded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest

from myomap.common.models import AuditAction, AuditEvent
from myomap.common.redact import redact_private_link

if TYPE_CHECKING:
    from myomap.clinics.models import Clinic, User
    from myomap.patients.models import Patient


@dataclass(frozen=True)
class Origin:
    """Where a request came from, as the audit log records it."""

    ip_address: str | None = None
    user_agent: str = ""
    path: str = ""

    @classmethod
    def of(cls, request: HttpRequest | None) -> Origin:
        if request is None:
            return cls(path="(command line)")
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        ip = forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR") or None
        path = redact_private_link(request.get_full_path())
        return cls(
            ip_address=ip,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            path=path[:300],
        )


def audit_record(
    *,
    action: AuditAction,
    clinic: Clinic | None,
    actor: User | None,
    summary: str,
    obj: object | None = None,
    patient: Patient | None = None,
    origin: Origin | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one audit row. ``actor=None`` means the client through a private link."""
    origin = origin or Origin()
    label = actor_label or (actor.display_name if actor is not None else "client (private link)")
    return AuditEvent.objects.create(
        clinic=clinic,
        patient=patient,
        actor=actor,
        actor_label=label[:200],
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or ""),
        summary=summary[:500],
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        path=origin.path,
    )
