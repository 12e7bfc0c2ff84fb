"""Private links for clients without an account: the one copy of their token, expiry,
revocation and audit code, whatever the link opens (``PrivateLink.purpose``).

The token is random, shown once, and stored only as its SHA-256 hash. A link is found by
its token only while usable; unknown, expired, revoked and completed links look alike.
The pages a link opens are in ``myomap.portal``; what each purpose opens is a detail row in
the app that owns it, joined to its ``PrivateLink`` through ``private``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction, LinkPurpose, PrivateLink
from myomap_core.errors import DomainError

if TYPE_CHECKING:
    from myomap.clinics.models import User
    from myomap.patients.models import Patient

STAFF_REFUSED = (
    "This private link belongs to the client and shows clinical answers, which your role "
    "does not open. Send the link to the client; a therapist of the clinic may open it with "
    "them, and what they write is recorded as theirs."
)
TOKEN_MAX = 100
"""Longer tokens are refused before they are hashed (ours are 43 characters)."""


class LinkDetail(Protocol):
    """What a link opens (``IntakeLink``, ``QuestionnaireLink``, …): its shared row and
    whether it opens now."""

    private: PrivateLink

    @property
    def is_usable(self) -> bool: ...


M = TypeVar("M", bound=Model)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> tuple[str, str]:
    """A fresh token and the hash to store in its place."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def by_token(rows: QuerySet[M], token: str, *, field: str = "private__token_hash") -> M | None:
    """The row of ``rows`` whose ``field`` holds the hash of ``token``, usable or not."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return rows.filter(**{field: hash_token(token)}).first()


def link_by_token(rows: QuerySet[M], token: str, *, field: str = "private__token_hash") -> M | None:
    """The usable row of ``rows`` for ``token``, or None."""
    row = by_token(rows, token, field=field)
    if row is None or not cast("Any", row).is_usable:
        return None
    return row


def completed_by_token(rows: QuerySet[M], token: str) -> M | None:
    """The row of ``rows`` for ``token`` whose link is completed (and not revoked), or None:
    the "thank you" page after the link closed."""
    row = by_token(rows, token)
    if row is None or cast("Any", row).private.state != "completed":
        return None
    return row


def link_new(
    *,
    purpose: LinkPurpose,
    patient: Patient,
    actor: User | None,
    lasts: timedelta | None,
    sent_to: str = "",
) -> tuple[PrivateLink, str]:
    """A new link of ``purpose`` for the client, and its token (shown once).

    ``lasts``: how long it opens, or None when it closes with what it opens (an appointment's
    start). A client in the archive gets no link. The caller adds the detail row and audits
    the sending in the same transaction (``link_sent``).
    """
    if patient.is_archived:
        raise DomainError("restore the client from the archive first", field="patient")
    token, token_hash = token_new()
    now = timezone.now()
    link = PrivateLink(
        clinic=patient.clinic,
        patient=patient,
        purpose=purpose,
        token_hash=token_hash,
        created_by=actor,
        created_at=now,
        expires_at=None if lasts is None else now + lasts,
        sent_to=sent_to[:200],
    )
    link.save()
    return link, token


def link_sent(
    link: PrivateLink,
    *,
    actor: User | None,
    obj: object,
    summary: str,
    origin: Origin | None = None,
    actor_label: str = "",
) -> None:
    """The audit row of a link created (and sent, when ``sent_to`` names the address)."""
    where = f" to {link.sent_to}" if link.sent_to else ""
    audit_record(action=AuditAction.SEND, clinic=link.clinic, actor=actor, patient=link.patient,
                 obj=obj, summary=f"{summary}{where}", origin=origin,
                 actor_label=actor_label)  # fmt: skip


@transaction.atomic
def link_revoke(
    link: PrivateLink, *, actor: User, obj: object, summary: str, origin: Origin | None = None
) -> bool:
    """Close the link now, audited; revoking twice changes nothing (False)."""
    locked = PrivateLink.objects.select_for_update().get(pk=link.pk)
    if locked.revoked_at is not None:
        return False
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    audit_record(action=AuditAction.REVOKE, clinic=link.clinic, actor=actor,
                 patient=link.patient, obj=obj, summary=summary, origin=origin)  # fmt: skip
    return True


def links_completed(links: QuerySet[PrivateLink], *, when: Any = None) -> None:
    """Mark ``links`` completed (what they asked for was sent), in one update."""
    links.filter(submitted_at__isnull=True).update(submitted_at=when or timezone.now())


def link_visitor(request: HttpRequest, link: LinkDetail) -> User | None:
    """Who is at a private link: ``None`` for the client, or the logged-in clinician.

    Whatever is written through the link is attributed to the returned person. A logged-in
    member of staff without clinical rights (the front desk), or of another clinic, is
    refused: the link's pages hold clinical answers, and their edits must never pass as the
    client's.
    """
    user = request.user
    if not user.is_authenticated:
        return None
    clinic_id = link.private.clinic_id
    if getattr(user, "clinic_id", None) == clinic_id and getattr(user, "is_clinician", False):
        return user
    raise PermissionDenied(STAFF_REFUSED)


@transaction.atomic
def link_opened(
    detail: LinkDetail, *, request: HttpRequest, obj: object, what: str, actor: User | None
) -> None:
    """Note when the link was opened, and by whom (the client or ``actor``), in the audit log."""
    link = detail.private
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
