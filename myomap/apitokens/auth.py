"""``Authorization: Bearer <token>`` for the API, beside the browser session.

CSRF applies only to the cookie session: a token is not sent by a browser on its own. A wrong,
expired or revoked token is 401; a read-only token on a write is 403; each refusal and each
use is audited."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from myomap.apitokens.models import ApiToken, TokenScope
from myomap.apitokens.services import token_digest, token_refusal_record, token_use_record
from myomap.common.audit import Origin

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """Authenticates a request by one of a user's API tokens."""

    openapi_description = (
        "A personal API token from the account page: `Authorization: Bearer mym_…`. "
        "Read-only tokens may only GET."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        origin = Origin.of(request)
        row = (
            ApiToken.objects.select_related("user__clinic")
            .filter(digest=token_digest(token))
            .first()
        )
        if row is None or not row.user.is_active:
            token_refusal_record(token=None, origin=origin, why="unknown token")
            raise AuthenticationError(401, "The API token is not valid.")
        now = timezone.now()
        if row.revoked_at is not None or row.expires_at <= now:
            why = "revoked" if row.revoked_at is not None else "expired"
            token_refusal_record(token=row, origin=origin, why=f"token {row.prefix}… {why}")
            raise AuthenticationError(401, f"The API token was {why}.")
        if row.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            token_refusal_record(token=row, origin=origin, why=f"token {row.prefix}… is read-only")
            raise HttpError(403, "This API token is read-only: create a read-write token.")
        token_use_record(token=row, origin=origin)
        request.user = row.user
        return row.user
