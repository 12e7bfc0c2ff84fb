"""The client-list import page: upload, preview with every row's problems, import."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest
from myomap.interop.clients_csv import (
    DATE_ORDERS,
    ENCODINGS,
    FIELDS,
    MAX_BYTES,
    CsvError,
    DateOrder,
    read_clients_csv,
)
from myomap.interop.services import ImportRefused, clients_import
from myomap.interop.staging import stage, staged, unstage

READY_SHOWN = 20
"""Ready rows shown as a sample; every duplicate and every row with a problem is shown."""


class UploadForm(forms.Form):
    file = forms.FileField(label="Client list (CSV)")


def _options(request: HttpRequest) -> tuple[dict[int, str] | None, DateOrder | None, str]:
    post = request.POST
    mapping: dict[int, str] | None = None
    for key, value in post.items():
        if key.startswith("col-") and key[4:].isdigit():
            mapping = mapping or {}
            mapping[int(key[4:])] = value if value in FIELDS else ""
    order = post.get("date_order", "")
    encoding = post.get("encoding", "")
    return (
        mapping,
        cast(DateOrder, order) if order in DATE_ORDERS else None,
        encoding if encoding in ENCODINGS else "",
    )


@clinic_member(Role.OWNER, Role.FRONT_DESK)
def clients_import_view(request: ClinicRequest) -> HttpResponse:
    """GET: the upload form. POST with a file, or with the token of one: the preview (and its
    column choices). POST with ``step=import``: the import, then the client list."""
    user = request.user
    if request.method != "POST":
        return render(request, "interop/clients_import.html", {"form": UploadForm()})
    form = UploadForm(request.POST, request.FILES)
    try:
        if "file" in request.FILES:
            if not form.is_valid():
                raise CsvError(" ".join(str(e) for errors in form.errors.values() for e in errors))
            upload = form.cleaned_data["file"]
            if upload.size > MAX_BYTES:
                raise CsvError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
            raw = upload.read()
            filename = upload.name
            token = stage(user_id=user.pk, raw=raw)
        else:
            token = request.POST.get("token", "")
            raw = staged(user_id=user.pk, token=token)
            filename = request.POST.get("filename", "clients.csv")[:200]
        mapping, order, encoding = _options(request)
        strict = bool(request.POST.get("strict"))
        if request.POST.get("step") == "import":
            try:
                result = clients_import(
                    actor=user,
                    raw=raw,
                    filename=filename,
                    mapping=mapping,
                    date_order=order,
                    encoding=encoding,
                    strict=strict,
                    origin=Origin.of(request),
                )
            except ImportRefused as exc:
                messages.error(request, f"Nothing was imported: {exc}.")
            else:
                unstage(user_id=user.pk, token=token)
                left = len(result.preview.skipped)
                messages.success(
                    request,
                    f"Imported {len(result.created)} clients from {filename}."
                    + (f" {left} rows were left out (duplicates or problems)." if left else ""),
                )
                return redirect("patients:list")
        preview = read_clients_csv(
            raw,
            clinic=request.clinic,
            filename=filename,
            mapping=mapping,
            date_order=order,
            encoding=encoding,
        )
    except CsvError as exc:
        messages.error(request, f"This file cannot be imported: {exc}.")
        return render(request, "interop/clients_import.html", {"form": form}, status=400)
    context = {
        "form": form,
        "preview": preview,
        "token": token,
        "fields": FIELDS,
        "date_orders": DATE_ORDERS,
        "encodings": ENCODINGS,
        "encoding": encoding,
        "date_order": order or "",
        "strict": strict,
        "refusal": preview.refusal(strict=strict),
        "skipped": preview.skipped,
        "ready_sample": preview.ready[:READY_SHOWN],
    }
    status = 400 if request.POST.get("step") == "import" else 200
    return render(request, "interop/clients_import.html", context, status=status)
