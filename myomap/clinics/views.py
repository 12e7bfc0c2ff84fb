"""Login, logout, password change and the owner's audit log."""

from __future__ import annotations

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from myomap.clinics.access import clinic_member
from myomap.clinics.forms import AuditFilterForm
from myomap.clinics.models import Role, User
from myomap.clinics.selectors import audit_list_for_clinic
from myomap.clinics.services import (
    login_failure_record,
    login_is_locked,
    login_password_accepted,
    login_success_record,
)
from myomap.clinics.two_factor import (
    NEXT_KEY,
    PENDING_KEY,
    Pending,
    confirmed_devices,
    trusted_device,
)
from myomap.common.audit import Origin
from myomap.common.paging import window
from myomap.common.request import ClinicRequest
from myomap_core.units import plural

LOCKED_MESSAGE = (
    "Too many failed attempts. Logging in with this username, or from this address, is paused "
    "for {duration}; try again later or ask the clinic owner."
)


def locked_message() -> str:
    """The same words whether or not the account exists."""
    return LOCKED_MESSAGE.format(duration=plural(settings.LOGIN_LOCKOUT_MINUTES, "minute"))


def second_factor_after_password(
    request: HttpRequest, *, user: User, origin: Origin
) -> Pending | None:
    """After a right password: ask for the second factor (unless this browser is trusted),
    send to enrolment where the clinic requires one, or finish the login."""
    devices = confirmed_devices(user)
    if devices:
        trusted = trusted_device(request, user=user, devices=devices)
        if trusted is None:
            request.session[PENDING_KEY] = Pending.VERIFY.value
            login_password_accepted(user=user, origin=origin)
            return Pending.VERIFY
        django_otp.login(request, trusted)
        login_success_record(
            user=user, origin=origin, how="(second factor remembered by this browser)"
        )
        return None
    login_success_record(user=user, origin=origin)
    if user.clinic is not None and user.clinic.require_two_factor:
        return Pending.ENROL
    return None


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST":
        username = request.POST.get("username", "")
        origin = Origin.of(request)
        if login_is_locked(username=username, ip_address=origin.ip_address):
            form.errors.clear()
            form.add_error(None, locked_message())
            return render(request, "clinics/login.html", {"form": form}, status=429)
        if form.is_valid():
            user = form.get_user()
            login(request, user)
            next_url = request.POST.get("next") or request.GET.get("next") or ""
            if not (next_url.startswith("/") and not next_url.startswith("//")):
                next_url = ""
            pending = second_factor_after_password(request, user=user, origin=origin)
            if pending is Pending.VERIFY:
                request.session[NEXT_KEY] = next_url
                return redirect("two_factor_verify")
            if pending is Pending.ENROL:
                return redirect("account")
            return redirect(next_url) if next_url else redirect("home")
        login_failure_record(username=username, origin=origin)
        status = 429 if login_is_locked(username=username, ip_address=origin.ip_address) else 400
        if status == 429:
            form.errors.clear()
            form.add_error(None, locked_message())
        return render(request, "clinics/login.html", {"form": form}, status=status)
    return render(request, "clinics/login.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You have logged out.")
    return redirect("login")


@clinic_member()
def password_change(request: ClinicRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "Your password has been changed.")
        return redirect("patients:list")
    return render(
        request, "clinics/password_change.html", {"form": form}, status=400 if form.errors else 200
    )


AUDIT_PAGE = 50
"""Audit events per page."""


@clinic_member(Role.OWNER)
def audit_log(request: ClinicRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    refused = form.is_bound and not form.is_valid()
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_list_for_clinic(clinic=request.clinic, **filters)
    page = window(events.none() if refused else events, request.GET.get("page"), AUDIT_PAGE)
    context = {"form": form, "page": page}
    status = 400 if refused else 200
    if request.htmx:
        return render(request, "clinics/audit_log.html#results", context, status=status)
    return render(request, "clinics/audit_log.html", context, status=status)
