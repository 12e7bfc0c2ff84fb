"""Writing the audit log. Call inside the transaction of the change being recorded."""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

from myomap.common.models import AuditAction, AuditEvent
from myomap.common.redact import redact_private_link

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

if TYPE_CHECKING:
    from myomap.clinics.models import Clinic, User
    from myomap.patients.models import Patient


def _address(text: str | None) -> IPAddress | None:
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


@functools.cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_trusted(address: IPAddress) -> bool:
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from. ``X-Forwarded-For`` counts only when the connection
    comes from a trusted proxy (``MYOMAP_TRUSTED_PROXIES``); then the nearest address in it
    that is not itself a trusted proxy is the client. Anyone else's header is ignored."""
    remote = _address(request.META.get("REMOTE_ADDR"))
    if remote is None:
        return None
    if not _is_trusted(remote):
        return str(remote)
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break  # a malformed entry: nothing beyond it can be trusted
        client = address
        if not _is_trusted(address):
            break
    return str(client)


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
        ip = client_address(request)
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
    using: str = "default",
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append one audit row. ``actor=None`` means the client through a private link.

    ``object_type``/``object_id`` name the object when there is no ``obj`` to name it."""
    origin = origin or Origin()
    label = actor_label or (actor.display_name if actor is not None else "client (private link)")
    return AuditEvent.objects.using(using).create(
        clinic=clinic,
        patient=patient,
        actor=actor,
        actor_label=label[:200],
        action=action,
        object_type=type(obj).__name__ if obj is not None else object_type,
        object_id=str(getattr(obj, "pk", "") or "") if obj is not None else object_id,
        summary=summary[:500],
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        path=origin.path,
    )
