"""``ClinicRequest``: the request a view sees once ``clinic_member`` has let it through."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from myomap.clinics.models import Clinic, User


class ClinicRequest(HttpRequest):
    """A request from a logged-in member of a clinic, for type annotations only.

    ``clinic_member`` (pages) lets only such a request through, after ``clinic_request`` has
    set ``clinic``; a view annotated with this type reads ``request.user``, ``request.clinic``
    and ``request.htmx`` unguarded.
    """

    user: User
    clinic: Clinic
    htmx: HtmxDetails


def clinic_user(request: HttpRequest) -> User:
    """The logged-in member of a clinic who sent ``request``; 403 for anyone else."""
    if getattr(request.user, "clinic_id", None) is None:
        raise PermissionDenied("This account does not belong to a clinic.")
    return cast("User", request.user)


def clinic_request(request: HttpRequest) -> ClinicRequest:
    """``request`` with ``clinic`` set to its user's clinic; 403 unless a clinic's member sent it.

    The clinic is read when first used, from the user's cached relation, so a view that never
    needs it costs no query.
    """
    user = clinic_user(request)
    member = cast("ClinicRequest", request)
    member.clinic = cast("Clinic", SimpleLazyObject(lambda: user.clinic))
    return member
