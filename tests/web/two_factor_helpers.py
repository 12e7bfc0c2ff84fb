"""Helpers for two-factor tests: enrol a user and compute the app's codes as a phone would."""

from __future__ import annotations

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from myomap.clinics.models import User
from myomap.clinics.services import recovery_codes_create
from myomap.common.audit import Origin


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows now (or ``steps_ahead`` periods later; the server
    accepts one period of drift, and never the same period twice)."""
    generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    generator.time = time.time() + steps_ahead * device.step
    return f"{generator.token():0{device.digits}d}"


def enrol_app(user: User) -> TOTPDevice:
    """A confirmed authenticator app for ``user``, as after enrolment."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def enrol_recovery(user: User) -> list[str]:
    return recovery_codes_create(user=user, origin=Origin())
