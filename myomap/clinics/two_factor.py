"""Two-factor login: what a session still owes after the password, and the trusted browser.

A user with a confirmed second factor (an authenticator app, a passkey, recovery codes) is asked
for it after the password; a user of a clinic that requires two-factor login and has none is
sent to enrolment. Until then the session opens only those pages (see
``two_factor_middleware``).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from enum import StrEnum

import segno
from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from myomap.clinics.models import User

PENDING_KEY = "myomap_second_factor"
"""Session key: what the session still owes after the password (a ``Pending`` value)."""

NEXT_KEY = "myomap_after_login"
"""Session key: where to go once the second factor is given."""

TRUST_COOKIE = "myomap_trusted_browser"
TRUST_SALT = "myomap.clinics.two_factor.trust"


class Pending(StrEnum):
    VERIFY = "verify"
    """The user has a second factor and has not given it yet."""
    ENROL = "enrol"
    """The clinic requires a second factor and the user has none yet."""


RECOVERY_DIGEST_LENGTH = 16
"""Hex characters of a recovery code's keyed hash kept in the library's token column (64 bits;
without the server's key a copy of the database cannot test a guess)."""


def recovery_digest(code: str) -> str:
    """What is stored for a recovery code: an HMAC-SHA256 under the server's token key (outside
    the database, like the API tokens'), never the code itself."""
    message = f"recovery-code:{''.join(code.split()).lower()}".encode()
    digest = hmac.new(settings.API_TOKEN_KEY, message, hashlib.sha256).hexdigest()
    return digest[:RECOVERY_DIGEST_LENGTH]


def device_for_code(user: User, code: str) -> Device | None:
    """The second factor a code belongs to, used up by this check: digits are an authenticator
    app's code, anything else a recovery code (compared as its keyed hash)."""
    app_code = code.isdigit()
    for device in confirmed_devices(user):
        if app_code and isinstance(device, TOTPDevice) and device.verify_token(code):
            return device
        if (
            not app_code
            and isinstance(device, StaticDevice)
            and device.verify_token(recovery_digest(code))
        ):
            return device
    return None


def confirmed_devices(user: User) -> list[Device]:
    """The user's confirmed second factors of every kind."""
    return list(devices_for_user(user, confirmed=True))


def pending_for(request: HttpRequest) -> Pending | None:
    """What this logged-in session still owes; ``None`` when it may use Myomap."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if request.session.get(PENDING_KEY) == Pending.VERIFY:
        return Pending.VERIFY
    clinic = getattr(user, "clinic", None)
    if clinic is not None and clinic.require_two_factor:
        return Pending.ENROL
    return None


def after_login_url(request: HttpRequest) -> str:
    """Where the login was going before the second factor was asked (a local path only)."""
    url = str(request.session.pop(NEXT_KEY, "") or "")
    return url if url.startswith("/") and not url.startswith("//") else reverse("home")


def _devices_digest(devices: list[Device]) -> str:
    """Changes whenever the set of second factors changes (enrolment, removal, reset)."""
    ids = ",".join(sorted(d.persistent_id for d in devices))
    return hashlib.sha256(ids.encode()).hexdigest()[:32]


def trust_browser(response: HttpResponse, *, user: User, devices: list[Device]) -> None:
    """Remember on this browser, in a signed httponly cookie, that the second factor was given."""
    value = f"{user.pk}:{_devices_digest(devices)}"
    response.set_signed_cookie(
        TRUST_COOKIE,
        value,
        salt=TRUST_SALT,
        max_age=int(timedelta(days=settings.TWO_FACTOR_TRUST_DAYS).total_seconds()),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def trusted_device(request: HttpRequest, *, user: User, devices: list[Device]) -> Device | None:
    """The device to count as given when this browser is trusted for ``user``, else ``None``.

    The cookie is refused when it is forged, older than the trust period, for another user, or
    from before the user's second factors last changed.
    """
    if not devices:
        return None
    try:
        value = request.get_signed_cookie(
            TRUST_COOKIE,
            salt=TRUST_SALT,
            max_age=timedelta(days=settings.TWO_FACTOR_TRUST_DAYS),
        )
    except (KeyError, signing.BadSignature):
        return None
    if value != f"{user.pk}:{_devices_digest(devices)}":
        return None
    return devices[0]


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The authenticator-app QR code as an SVG data URI, drawn here (nothing fetched)."""
    qr = segno.make(device.config_url, error="m")
    return str(qr.svg_data_uri(scale=5, border=2))


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed: base32 in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
