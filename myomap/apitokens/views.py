"""The API tokens section of the account: list, create (shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from myomap.apitokens.forms import TokenCreateForm
from myomap.apitokens.selectors import tokens_of
from myomap.apitokens.services import token_create, token_revoke
from myomap.clinics.access import clinic_member
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest


@clinic_member()
def api_tokens(request: ClinicRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        _, new_token = token_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            days=form.cleaned_data["days"],
            origin=Origin.of(request),
        )
        form = TokenCreateForm()
    context = {
        "form": form,
        "tokens": tokens_of(request.user),
        "new_token": new_token,
        "now": timezone.now(),
    }
    response = render(
        request, "apitokens/api_tokens.html", context, status=400 if form.errors else 200
    )
    response["Cache-Control"] = "no-store"  # the new token is on this page once
    return response


@clinic_member()
def api_token_revoke(request: ClinicRequest, token_id: int) -> HttpResponse:
    if not tokens_of(request.user).filter(pk=token_id).exists():
        raise Http404("No such token.")  # another user's token looks missing, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    row = token_revoke(actor=request.user, token_id=token_id, origin=Origin.of(request))
    messages.success(request, f"Token {row.prefix}… is revoked: it no longer works.")
    return redirect("api_tokens")
