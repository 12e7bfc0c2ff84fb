"""``access_patient``: the only door to a client's record."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.http import Http404, HttpRequest

from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.patients.models import Patient

Row = TypeVar("Row", bound=models.Model)


def access_patient(
    user: User,
    patient_id: int,
    *,
    request: HttpRequest | None = None,
    clinical: bool = False,
    what: str = "client record",
) -> Patient:
    """Return the client if ``user`` may see it, recording the read in the audit log.

    A client of another clinic is indistinguishable from a missing one (404). ``clinical``
    content (intake answers, pain maps, findings) is refused to the front desk (403).
    """
    clinic_id = getattr(user, "clinic_id", None)
    if clinic_id is None:
        raise Http404("No such client.")
    try:
        patient = Patient.objects.select_related("clinic").get(pk=patient_id, clinic_id=clinic_id)
    except (Patient.DoesNotExist, ValueError, TypeError):
        raise Http404("No such client.") from None
    if clinical and not user.is_clinician:
        raise PermissionDenied("Clinical records are visible to therapists and the owner only.")
    with transaction.atomic():
        audit_record(
            action=AuditAction.VIEW,
            clinic=patient.clinic,
            actor=user,
            patient=patient,
            obj=patient,
            summary=f"Viewed {what} of {patient.full_name}",
            origin=Origin.of(request),
        )
    return patient


def access_patient_list(
    user: User,
    patients: list[Patient],
    *,
    request: HttpRequest | None = None,
    q: str = "",
    offset: int = 0,
) -> list[Patient]:
    """Record that ``user`` read the identities of ``patients`` (a page of a client list
    through the API) and return them. An empty page is not a read of anyone."""
    if patients:
        names = ", ".join(p.full_name for p in patients[:5])
        more = f" and {len(patients) - 5} more" if len(patients) > 5 else ""
        search = f" matching “{q}”" if q else ""
        with transaction.atomic():
            audit_record(
                action=AuditAction.VIEW,
                clinic=user.clinic,
                actor=user,
                summary=(
                    f"Listed {len(patients)} clients{search} through the API "
                    f"(from #{offset + 1}): {names}{more}"
                ),
                origin=Origin.of(request),
            )
    return patients


def client_row(rows: models.QuerySet[Row], *, lock: bool = False, **lookup: object) -> Row:
    """The one row of ``rows`` matching ``lookup`` (which names its client), or 404.

    Every app's door ends here: ``lock`` takes a row lock (``SELECT ... FOR UPDATE`` on the
    row itself, not on its preloaded relations) and belongs inside a transaction.
    """
    if lock:
        rows = rows.select_for_update(of=("self",))
    try:
        return rows.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404(f"No such {rows.model._meta.verbose_name}.") from None
