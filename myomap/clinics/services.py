"""Writes for clinics and people: login bookkeeping and lockout."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from myomap.clinics.models import Clinic, LoginFailure, Role, User
from myomap.clinics.two_factor import recovery_digest
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
def login_failure_record(*, username: str, origin: Origin, second_factor: bool = False) -> None:
    """Count one failed login against the account's normal name and the address.

    A wrong second factor counts exactly like a wrong password (``second_factor=True`` only
    changes the audit wording), so five of either, mixed, lock the account.
    """
    name = username_normalise(username)[:150]
    LoginFailure.objects.create(username=name, ip_address=origin.ip_address)
    user = User.objects.filter(username=name).select_related("clinic").first()
    what = "Wrong second factor" if second_factor else "Failed login"
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        clinic=user.clinic if user else None,
        actor=user,
        actor_label=name,
        summary=f"{what} for {name!r}",
        origin=origin,
    )


@transaction.atomic
def login_success_record(*, user: User, origin: Origin, how: str = "") -> None:
    """Record the login; the account's own failures stop counting, the address's stay."""
    LoginFailure.objects.filter(username=user.username).delete()
    summary = f"Logged in {how}" if how else "Logged in"
    audit_record(
        action=AuditAction.LOGIN, clinic=user.clinic, actor=user, summary=summary, origin=origin
    )


@transaction.atomic
def login_password_accepted(*, user: User, origin: Origin) -> None:
    """Record a right password of a user who still owes the second factor.

    The account's failures keep counting: a password alone never buys fresh tries at the code.
    """
    audit_record(
        action=AuditAction.LOGIN,
        clinic=user.clinic,
        actor=user,
        summary="Password accepted; second factor asked",
        origin=origin,
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


RECOVERY_CODE_COUNT = 10


@transaction.atomic
def totp_enrol_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator-app secret for ``user`` (replacing an unconfirmed one).

    It counts as a second factor only once a code from it is confirmed (``totp_enrol_confirm``).
    """
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice(user=user, name="Authenticator app", confirmed=False)
    device.full_clean()
    device.save()
    return device


@transaction.atomic
def totp_enrol_confirm(*, user: User, device: TOTPDevice, token: str, origin: Origin) -> bool:
    """Confirm the app with a code it shows; ``False`` (nothing written) when the code is wrong."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token.strip()):
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.full_clean()
    device.save()
    audit_record(
        action=AuditAction.CREATE,
        clinic=user.clinic,
        actor=user,
        obj=device,
        summary="Enrolled an authenticator app for two-factor login",
        origin=origin,
    )
    return True


@transaction.atomic
def recovery_codes_create(*, user: User, origin: Origin) -> list[str]:
    """New single-use recovery codes (the old ones stop working); returned to be shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice(user=user, name="Recovery codes", confirmed=True)
    device.full_clean()
    device.save()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=recovery_digest(c)) for c in codes]
    )
    audit_record(
        action=AuditAction.CREATE,
        clinic=user.clinic,
        actor=user,
        obj=device,
        summary=f"Created {len(codes)} recovery codes for two-factor login",
        origin=origin,
    )
    return codes


@transaction.atomic
def passkey_enrol_record(*, user: User, device: object, origin: Origin) -> None:
    """Audit a passkey registered (the library saved it in this same transaction)."""
    audit_record(
        action=AuditAction.CREATE,
        clinic=user.clinic,
        actor=user,
        obj=device,
        summary="Registered a passkey for two-factor login",
        origin=origin,
    )


def _second_factors_delete(user: User) -> int:
    """Remove every second factor of ``user`` (apps, recovery codes, passkeys); how many."""
    from django_otp_webauthn.models import WebAuthnCredential

    removed = 0
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    return removed


@transaction.atomic
def two_factor_remove(*, user: User, origin: Origin) -> None:
    """The user removes their own second factors (the clinic may then ask for new ones)."""
    _second_factors_delete(user)
    audit_record(
        action=AuditAction.REVOKE,
        clinic=user.clinic,
        actor=user,
        obj=user,
        summary="Removed their two-factor login",
        origin=origin,
    )


@transaction.atomic
def two_factor_reset(*, actor: User, user: User, origin: Origin) -> None:
    """The clinic owner removes someone's second factors (a lost phone or key).

    The person logs in with the password and, if the clinic requires it, enrols again.
    """
    if not actor.is_owner or actor.clinic_id is None or actor.clinic_id != user.clinic_id:
        raise PermissionDenied("Only the clinic owner may reset a second factor.")
    _second_factors_delete(user)
    audit_record(
        action=AuditAction.REVOKE,
        clinic=user.clinic,
        actor=actor,
        obj=user,
        summary=f"Reset the two-factor login of {user.display_name} ({user.username})",
        origin=origin,
    )


@transaction.atomic
def clinic_two_factor_require(
    *, actor: User, clinic: Clinic, required: bool, origin: Origin
) -> Clinic:
    """The owner requires (or stops requiring) two-factor login for every user of the clinic."""
    if not actor.is_owner or actor.clinic_id != clinic.pk:
        raise PermissionDenied("Only the clinic owner may change this.")
    if required and not any(devices_for_user(actor, confirmed=True)):
        raise ValidationError(
            {
                "require_two_factor": "Set up your own second factor first (on your account "
                "page), then require it for everyone."
            }
        )
    clinic.require_two_factor = required
    clinic.full_clean()
    clinic.save(update_fields=["require_two_factor", "updated_at"])
    audit_record(
        action=AuditAction.UPDATE,
        clinic=clinic,
        actor=actor,
        obj=clinic,
        summary=(
            "Required two-factor login for every user"
            if required
            else "Stopped requiring two-factor login"
        ),
        origin=origin,
    )
    return clinic
