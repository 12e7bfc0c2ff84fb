"""``ClinicRequest``: the request a view sees once ``clinic_member`` has let it through."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from myomap.clinics.models import Clinic, User


class ClinicRequest(HttpRequest):
    """A request from a logged-in member of a clinic, for type annotations only.

    ``clinic_member`` (pages) and ``clinic_user`` (API) refuse any other request, so a view
    annotated with this type reads ``request.user.clinic`` and ``request.htmx`` unguarded.
    """

    user: User
    htmx: HtmxDetails

    @property
    def clinic(self) -> Clinic:
        """The clinic of the logged-in member."""
        return cast("Clinic", self.user.clinic)


def clinic_user(request: HttpRequest) -> User:
    """The logged-in member of a clinic who sent ``request``; 403 for anyone else."""
    if getattr(request.user, "clinic_id", None) is None:
        raise PermissionDenied("This account does not belong to a clinic.")
    return cast("User", request.user)
