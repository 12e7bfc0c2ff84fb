"""Private links for clients without an account (intake, questionnaires).

The token is random, shown once, and stored only as its SHA-256 hash. A link is found by
its token only while usable; unknown, expired, revoked and completed links look alike.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, Protocol, TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction


class PrivateLink(Protocol):
    clinic: Any
    patient: Any
    last_opened_at: Any

    @property
    def is_usable(self) -> bool: ...

    def save(self, *, update_fields: list[str]) -> None: ...


L = TypeVar("L", bound=Model)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> tuple[str, str]:
    """A fresh token and the hash to store in its place."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def link_by_token(links: QuerySet[L], token: str) -> L | None:
    """The usable link of ``links`` for ``token``, or None."""
    if not token or len(token) > 100:
        return None
    link = links.filter(token_hash=hash_token(token)).first()
    if link is None or not link.is_usable:  # type: ignore[attr-defined]
        return None
    return link


@transaction.atomic
def link_opened(link: PrivateLink, *, request: HttpRequest, obj: object, summary: str) -> None:
    """Note when the client opened the link, in the audit log too."""
    link.last_opened_at = timezone.now()
    link.save(update_fields=["last_opened_at"])
    audit_record(
        action=AuditAction.VIEW,
        clinic=link.clinic,
        actor=None,
        patient=link.patient,
        obj=obj,
        summary=summary,
        origin=Origin.of(request),
    )
