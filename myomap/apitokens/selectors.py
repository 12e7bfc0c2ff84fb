"""Reads for API tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from myomap.apitokens.models import ApiToken
from myomap.clinics.models import User


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked and expired ones included)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
