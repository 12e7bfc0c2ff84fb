"""A session that still owes its second factor opens only the pages that settle it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from myomap.clinics.two_factor import Pending, pending_for

ALWAYS_OPEN = ("/logout/", "/static/", "/webauthn/jsi18n/")
OPEN_WHILE: dict[Pending, tuple[str, ...]] = {
    Pending.VERIFY: ("/login/verify/", "/webauthn/authentication/"),
    Pending.ENROL: ("/account/two-factor/", "/webauthn/registration/"),
}
MESSAGES: dict[Pending, str] = {
    Pending.VERIFY: "This session has not given its second factor yet: finish logging in first.",
    Pending.ENROL: (
        "Your clinic requires two-factor login: set up a second factor on your account page first."
    ),
}


class SecondFactorMiddleware:
    """After the password, until the second factor is given (or enrolled where the clinic
    requires one), pages redirect to the step that is missing and the API answers 401 in its
    error shape. Sessions with nothing owed pass untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending = pending_for(request)
        request.second_factor_pending = pending  # type: ignore[attr-defined]  # read by base.html
        if (
            pending is None
            or request.path.startswith(ALWAYS_OPEN + OPEN_WHILE[pending])
            or (pending is Pending.ENROL and request.path == "/account/")
        ):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "code": "second_factor_required",
                        "message": MESSAGES[pending],
                        "field": None,
                    }
                },
                status=401,
            )
        if pending is Pending.VERIFY:
            return redirect("two_factor_verify")
        return redirect("account")
