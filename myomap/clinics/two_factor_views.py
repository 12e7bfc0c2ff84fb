"""Pages of two-factor login: the second step of logging in, the user's account page with
enrolment, and the owner's clinic security page."""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from myomap.clinics.access import clinic_member
from myomap.clinics.forms import RequireTwoFactorForm, SecondFactorForm, TotpConfirmForm
from myomap.clinics.models import Role, User
from myomap.clinics.services import (
    clinic_two_factor_require,
    login_failure_record,
    login_is_locked,
    login_success_record,
    recovery_codes_create,
    totp_enrol_confirm,
    totp_enrol_start,
    two_factor_remove,
    two_factor_reset,
)
from myomap.clinics.two_factor import (
    PENDING_KEY,
    Pending,
    after_login_url,
    confirmed_devices,
    device_for_code,
    pending_for,
    totp_qr_data_uri,
    totp_secret_text,
    trust_browser,
)
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest


def _locked_out(request: HttpRequest) -> HttpResponse:
    """End the half-logged-in session and show the lockout on the login page."""
    from django.contrib.auth.forms import AuthenticationForm

    from myomap.clinics.views import locked_message

    logout(request)
    form = AuthenticationForm(request, data={})
    form.errors.clear()
    form.add_error(None, locked_message())
    return render(request, "clinics/login.html", {"form": form}, status=429)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in: a code, a recovery code or a passkey."""
    if pending_for(request) is not Pending.VERIFY:
        return redirect("home")
    user = request.user
    assert isinstance(user, User)
    origin = Origin.of(request)
    has_passkey = WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    form = SecondFactorForm(request.POST or None)
    context = {"form": form, "has_passkey": has_passkey}
    if request.method != "POST":
        return render(request, "clinics/two_factor_verify.html", context)
    if login_is_locked(username=user.username, ip_address=origin.ip_address):
        return _locked_out(request)
    if not form.is_valid():
        return render(request, "clinics/two_factor_verify.html", context, status=400)
    code = "".join(form.cleaned_data["code"].split())
    device = device_for_code(user, code)
    if device is None:
        login_failure_record(username=user.username, origin=origin, second_factor=True)
        if login_is_locked(username=user.username, ip_address=origin.ip_address):
            return _locked_out(request)
        form.add_error("code", f"The code {code!r} is not right, or was already used.")
        return render(request, "clinics/two_factor_verify.html", context, status=400)
    django_otp.login(request, device)
    request.session.pop(PENDING_KEY, None)
    recovery = isinstance(device, StaticDevice)
    login_success_record(
        user=user,
        origin=origin,
        how="with a recovery code" if recovery else "with a code from the authenticator app",
    )
    if recovery:
        left = StaticToken.objects.filter(device=device).count()
        messages.warning(
            request,
            f"You used a recovery code; {left} left. Create new ones on your account page "
            "when you run low.",
        )
    response = redirect(after_login_url(request))
    if form.cleaned_data["trust"]:
        trust_browser(response, user=user, devices=confirmed_devices(user))
    return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The user's own account page: password, and the two-factor section."""
    user = request.user
    assert isinstance(user, User)
    passkeys = list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk"))
    app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    recovery_left = StaticToken.objects.filter(device__user=user).count()
    context = {
        "passkeys": passkeys,
        "app": app,
        "recovery_left": recovery_left,
        "enrolled": bool(passkeys or app),
        "must_enrol": getattr(request, "second_factor_pending", None) is Pending.ENROL,
    }
    return render(request, "clinics/account.html", context)


@login_required
@require_POST
def app_start(request: HttpRequest) -> HttpResponse:
    """Begin setting up an authenticator app: a new secret, not yet counted."""
    user = request.user
    assert isinstance(user, User)
    totp_enrol_start(user=user)
    return redirect("two_factor_app")


@login_required
def app_confirm(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the secret), then confirm with a code from the app."""
    user = request.user
    assert isinstance(user, User)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        return redirect("account")
    form = TotpConfirmForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        code = "".join(form.cleaned_data["code"].split())
        if totp_enrol_confirm(user=user, device=device, token=code, origin=Origin.of(request)):
            if not user.is_verified():
                django_otp.login(request, device)
            request.session.pop(PENDING_KEY, None)
            if not StaticToken.objects.filter(device__user=user).exists():
                codes = recovery_codes_create(user=user, origin=Origin.of(request))
                return render(request, "clinics/two_factor_codes.html", {"codes": codes})
            messages.success(request, "Your authenticator app is set up.")
            return redirect("account")
        form.add_error("code", f"The code {code!r} does not match; check the app's clock.")
    if form.errors:
        status = 400
    context = {
        "form": form,
        "qr": totp_qr_data_uri(device),
        "secret": totp_secret_text(device),
    }
    return render(request, "clinics/two_factor_app.html", context, status=status)


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown this once."""
    user = request.user
    assert isinstance(user, User)
    if not (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    ):
        messages.error(request, "Set up an authenticator app or a passkey before recovery codes.")
        return redirect("account")
    codes = recovery_codes_create(user=user, origin=Origin.of(request))
    return render(request, "clinics/two_factor_codes.html", {"codes": codes})


@login_required
@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    """The user removes their own second factors."""
    user = request.user
    assert isinstance(user, User)
    two_factor_remove(user=user, origin=Origin.of(request))
    messages.info(request, "Two-factor login is removed from your account.")
    return redirect("account")


@clinic_member(Role.OWNER)
def clinic_security(request: ClinicRequest) -> HttpResponse:
    """The owner's page: require two-factor login, see who has it, reset someone's."""
    owner = request.user
    clinic = request.clinic
    form = RequireTwoFactorForm(
        request.POST or None, initial={"require_two_factor": clinic.require_two_factor}
    )
    if request.method == "POST" and form.is_valid():
        try:
            clinic_two_factor_require(
                actor=owner,
                clinic=clinic,
                required=form.cleaned_data["require_two_factor"],
                origin=Origin.of(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The clinic's two-factor setting is saved.")
            return redirect("clinic_security")
    enrolled = set(
        TOTPDevice.objects.filter(user__clinic=clinic, confirmed=True).values_list(
            "user_id", flat=True
        )
    ) | set(
        WebAuthnCredential.objects.filter(user__clinic=clinic, confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    people = [
        (person, person.pk in enrolled)
        for person in User.objects.filter(clinic=clinic, is_active=True).order_by("username")
    ]
    return render(
        request,
        "clinics/clinic_security.html",
        {"form": form, "people": people, "clinic": clinic},
        status=400 if form.errors else 200,
    )


@clinic_member(Role.OWNER)
@require_POST
def clinic_security_reset(request: ClinicRequest, user_id: int) -> HttpResponse:
    """The owner resets someone's second factor (another clinic's user looks missing)."""
    owner = request.user
    person = User.objects.filter(clinic=request.clinic, pk=user_id).first()
    if person is None:
        raise Http404("No such user in your clinic.")
    two_factor_reset(actor=owner, user=person, origin=Origin.of(request))
    messages.success(
        request,
        f"The two-factor login of {person.display_name} is reset: they log in with their "
        "password and set up a new second factor.",
    )
    return redirect("clinic_security")
