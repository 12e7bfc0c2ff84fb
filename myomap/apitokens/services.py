"""Writes for API tokens: create (the token is returned once), revoke, record a use."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from myomap.apitokens.models import ApiToken, TokenScope
from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction

TOKEN_START = "mym_"
PREFIX_LENGTH = 12
EXPIRY_DAYS = (30, 90, 365)
LAST_USED_EVERY = timedelta(minutes=1)


def token_digest(token: str) -> str:
    """The keyed hash under which a token is stored (HMAC-SHA256 with the server's token key)."""
    return hmac.new(settings.API_TOKEN_KEY, token.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def token_create(
    *, actor: User, name: str, scope: str, days: int, origin: Origin | None = None
) -> tuple[ApiToken, str]:
    """A new token of ``actor``'s: the row, and the token itself (shown once, never stored)."""
    token = TOKEN_START + secrets.token_urlsafe(32)
    row = ApiToken(
        user=actor,
        name=" ".join(name.split())[:80],
        prefix=token[:PREFIX_LENGTH],
        digest=token_digest(token),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
    )
    if days not in EXPIRY_DAYS:
        raise ValidationError({"days": f"must be one of {EXPIRY_DAYS}, not {days}"})
    row.full_clean()
    row.save()
    audit_record(
        action=AuditAction.CREATE,
        clinic=actor.clinic,
        actor=actor,
        obj=row,
        summary=(
            f"Created API token {row.prefix}… ({TokenScope(scope).label.lower()}, "
            f"expires {row.expires_at:%Y-%m-%d})"
        ),
        origin=origin,
    )
    return row, token


@transaction.atomic
def token_revoke(*, actor: User, token_id: int, origin: Origin | None = None) -> ApiToken:
    """Revoke one of ``actor``'s own tokens (another user's is 404)."""
    row = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if row is None:
        raise Http404("No such token.")
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        audit_record(
            action=AuditAction.REVOKE,
            clinic=actor.clinic,
            actor=actor,
            obj=row,
            summary=f"Revoked API token {row.prefix}…",
            origin=origin,
        )
    return row


def token_use_record(*, token: ApiToken, origin: Origin) -> None:
    """Audit one request made with ``token`` and note when it was last used (once a minute)."""
    now = timezone.now()
    with transaction.atomic():
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        audit_record(
            action=AuditAction.VIEW,
            clinic=token.user.clinic,
            actor=token.user,
            obj=token,
            summary=f"API request with token {token.prefix}…",
            origin=origin,
        )


def token_refusal_record(*, token: ApiToken | None, origin: Origin, why: str) -> None:
    """Audit a request refused for its token (unknown, expired, revoked or read-only)."""
    with transaction.atomic():
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            clinic=token.user.clinic if token is not None else None,
            actor=token.user if token is not None else None,
            actor_label="" if token is not None else "unknown API token",
            obj=token,
            summary=f"API request refused: {why}"[:500],
            origin=origin,
        )
