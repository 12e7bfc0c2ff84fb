"""Writes for clinics and people: login bookkeeping and lockout."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from myomap.clinics.models import Clinic, LoginFailure, Role, User
from myomap.clinics.usernames import username_normalise
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction


def login_is_locked(*, username: str, ip_address: str | None) -> bool:
    """True when the account, or the address, has too many recent failures.

    ``username`` is what was typed; it is compared in its normal form, so variants of one
    name share one count. Whether the account exists makes no difference.
    """
    since = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    recent = LoginFailure.objects.filter(created_at__gte=since)
    by_account = recent.filter(username=username_normalise(username)[:150]).count()
    if by_account >= settings.LOGIN_MAX_FAILURES:
        return True
    if ip_address is None:
        return False
    by_address = recent.filter(ip_address=ip_address).count()
    return by_address >= settings.LOGIN_MAX_FAILURES_PER_ADDRESS


@transaction.atomic
def login_failure_record(*, username: str, origin: Origin) -> None:
    """Count one failed login against the account's normal name and the address."""
    name = username_normalise(username)[:150]
    LoginFailure.objects.create(username=name, ip_address=origin.ip_address)
    user = User.objects.filter(username=name).select_related("clinic").first()
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        clinic=user.clinic if user else None,
        actor=user,
        actor_label=name,
        summary=f"Failed login for {name!r}",
        origin=origin,
    )


@transaction.atomic
def login_success_record(*, user: User, origin: Origin) -> None:
    """Record the login; the account's own failures stop counting, the address's stay."""
    LoginFailure.objects.filter(username=user.username).delete()
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
    """Create a user of the clinic with a validated, Argon2-hashed password.

    The username is stored in its normal form; a variant of an existing name is refused.
    """
    from django.contrib.auth.password_validation import validate_password

    user = User(
        clinic=clinic,
        username=username_normalise(username),
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
