"""Private links for clients without an account (intake, questionnaires).

The token is random, shown once, and stored only as its SHA-256 hash. A link is found by
its token only while usable; unknown, expired, revoked and completed links look alike.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction

if TYPE_CHECKING:
    from myomap.clinics.models import User

STAFF_REFUSED = (
    "This private link belongs to the client and shows clinical answers, which your role "
    "does not open. Send the link to the client; a therapist of the clinic may open it with "
    "them, and what they write is recorded as theirs."
)


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
    if link is None or not cast("PrivateLink", link).is_usable:
        return None
    return link


def link_visitor(request: HttpRequest, link: PrivateLink) -> User | None:
    """Who is at a private link: ``None`` for the client, or the logged-in clinician.

    Whatever is written through the link is attributed to the returned person. A logged-in
    member of staff without clinical rights (the front desk), or of another clinic, is
    refused: the link's pages hold clinical answers, and their edits must never pass as the
    client's.
    """
    user = request.user
    if not user.is_authenticated:
        return None
    if getattr(user, "clinic_id", None) == link.clinic.pk and getattr(user, "is_clinician", False):
        return user
    raise PermissionDenied(STAFF_REFUSED)


@transaction.atomic
def link_opened(
    link: PrivateLink, *, request: HttpRequest, obj: object, what: str, actor: User | None
) -> None:
    """Note when the link was opened, and by whom (the client or ``actor``), in the audit log."""
    link.last_opened_at = timezone.now()
    link.save(update_fields=["last_opened_at"])
    who = "The client" if actor is None else actor.display_name
    audit_record(
        action=AuditAction.VIEW,
        clinic=link.clinic,
        actor=actor,
        patient=link.patient,
        obj=obj,
        summary=f"{who} opened {what}",
        origin=Origin.of(request),
    )
