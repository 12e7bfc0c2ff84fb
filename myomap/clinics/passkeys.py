"""Passkeys (WebAuthn) through django-otp-webauthn, as a second factor only.

The library's ceremonies are kept; around them Myomap adds its own rules: the origin and domain
the browser must report, the audit row of a registration, and the login lockout for a failed
passkey (the same count as a wrong password or code).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from myomap.clinics.models import User
from myomap.clinics.services import (
    login_failure_record,
    login_is_locked,
    login_success_record,
    passkey_enrol_record,
)
from myomap.clinics.two_factor import PENDING_KEY, after_login_url
from myomap.common.audit import Origin


def relying_party_id(request: HttpRequest) -> str:
    """The passkeys' domain: ``MYOMAP_WEBAUTHN_RP_ID``, else the host the page was served on."""
    if settings.OTP_WEBAUTHN_RP_ID:
        return str(settings.OTP_WEBAUTHN_RP_ID)
    return urlsplit(f"//{request.get_host()}").hostname or ""


class PasskeyHelper(WebAuthnHelper):
    """Accepts the configured origins and, for development, any ``http://localhost`` port."""

    def get_allowed_origins(self) -> list[str]:
        origins = list(settings.OTP_WEBAUTHN_ALLOWED_ORIGINS)
        own = f"{self.request.scheme}://{self.request.get_host()}"
        if urlsplit(own).hostname == "localhost" and own not in origins:
            origins.append(own)
        return origins


class RegisterPasskeyView(CompleteCredentialRegistrationView):
    """Saves the passkey and its audit row in one transaction."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        with transaction.atomic():
            response: HttpResponse = super().post(*args, **kwargs)
            user = self.request.user
            assert isinstance(user, User)
            device = WebAuthnCredential.objects.get(pk=json.loads(response.content)["id"])
            passkey_enrol_record(user=user, device=device, origin=Origin.of(self.request))
        self.request.session.pop(PENDING_KEY, None)
        return response


class VerifyPasskeyView(CompleteCredentialAuthenticationView):
    """The second factor by passkey, counted by the login lockout like a code."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        request = self.request
        user = request.user
        if not isinstance(user, User):
            raise exceptions.NotAuthenticated()
        origin = Origin.of(request)
        if login_is_locked(username=user.username, ip_address=origin.ip_address):
            logout(request)
            return JsonResponse(
                {"detail": "Too many failed attempts.", "code": "locked"}, status=429
            )
        try:
            response: HttpResponse = super().post(*args, **kwargs)
        except exceptions.OTPWebAuthnApiError:
            login_failure_record(username=user.username, origin=origin, second_factor=True)
            if login_is_locked(username=user.username, ip_address=origin.ip_address):
                logout(request)
            raise
        login_success_record(user=user, origin=origin, how="with a passkey")
        return response

    def get_success_url(self) -> str:
        self.request.session.pop(PENDING_KEY, None)
        return after_login_url(self.request)


app_name = "otp_webauthn"
urlpatterns = [
    path(
        "registration/begin/",
        BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        RegisterPasskeyView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        VerifyPasskeyView.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
