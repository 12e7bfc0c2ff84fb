"""The doors to the application: who may enter which page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from myomap.clinics.models import Role
from myomap.common.request import clinic_request

View = Callable[..., HttpResponseBase]


def clinic_member(*roles: Role) -> Callable[[View], View]:
    """Require a logged-in user of a clinic, optionally with one of ``roles``."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            member = clinic_request(request)
            allowed: tuple[str, ...] = roles
            if allowed and member.user.role not in allowed:
                raise PermissionDenied("Your role does not allow this page.")
            return view(member, *args, **kwargs)

        return login_required(wrapped)

    return decorate
