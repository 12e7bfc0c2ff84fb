"""Writes for clinics and people: login bookkeeping and lockout."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from myomap.clinics.models import Clinic, LoginFailure, Role, User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction


def login_is_locked(*, username: str) -> bool:
    """True when the username has too many recent failures."""
    since = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    recent = LoginFailure.objects.filter(username__iexact=username, created_at__gte=since)
    return recent.count() >= settings.LOGIN_MAX_FAILURES


@transaction.atomic
def login_failure_record(*, username: str, origin: Origin) -> None:
    LoginFailure.objects.create(username=username[:150], ip_address=origin.ip_address)
    user = User.objects.filter(username__iexact=username).first()
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        clinic=user.clinic if user else None,
        actor=user,
        actor_label=username[:150],
        summary=f"Failed login for {username[:150]!r}",
        origin=origin,
    )


@transaction.atomic
def login_success_record(*, user: User, origin: Origin) -> None:
    LoginFailure.objects.filter(username__iexact=user.username).delete()
    audit_record(
        action=AuditAction.LOGIN, clinic=user.clinic, actor=user, summary="Logged in", origin=origin
    )


@transaction.atomic
def user_create(
    *,
    clinic: Clinic,
    username: str,
    password: str,
    role: Role,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    credentials: str = "",
) -> User:
    """Create a user of the clinic with a validated, Argon2-hashed password."""
    from django.contrib.auth.password_validation import validate_password

    user = User(
        clinic=clinic,
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        credentials=credentials,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user
