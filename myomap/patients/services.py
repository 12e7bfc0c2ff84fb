"""Writes for clients: create, update, archive, restore. Each writes its audit row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from myomap.clinics.models import Clinic, User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.patients.models import Patient, PatientSearchKey, digits_only
from myomap.patients.search_keys import search_key_rows

EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "address",
    "occupation",
    "emergency_contact",
    "physician_name",
    "physician_contact",
)
SEARCHED_FIELDS = frozenset(
    {"first_name", "last_name", "preferred_name", "date_of_birth", "phone", "email"}
)
"""The fields a client's search keys are made of (``myomap.common.search.client_keys``)."""


def _assign(patient: Patient, data: dict[str, Any]) -> list[str]:
    changed = []
    for name in EDITABLE_FIELDS:
        if name in data and getattr(patient, name) != data[name]:
            setattr(patient, name, data[name])
            changed.append(name)
    patient.phone_digits = digits_only(patient.phone)
    return changed


def patient_search_keys_rewrite(*, patient: Patient) -> None:
    """Replace the client's search keys with those of their stored details.

    Part of every write that changes a searched field, inside its transaction.
    """
    PatientSearchKey.objects.filter(patient=patient).delete()
    PatientSearchKey.objects.bulk_create(search_key_rows([patient], PatientSearchKey))


def patient_check(*, clinic: Clinic, data: dict[str, Any]) -> dict[str, list[str]]:
    """The problems ``patient_create`` would refuse ``data`` for, by field; nothing is saved.

    The same rules (``Patient.clean`` and the fields' own validators), for previewing many
    clients at once, as a CSV import does.
    """
    patient = Patient(clinic=clinic)
    _assign(patient, data)
    try:
        patient.full_clean(exclude=["created_by"], validate_unique=False)
    except ValidationError as exc:
        return dict(exc.message_dict)
    return {}


@transaction.atomic
def patient_create(*, actor: User, data: dict[str, Any], origin: Origin | None = None) -> Patient:
    patient = Patient(clinic=actor.clinic, created_by=actor)
    _assign(patient, data)
    patient.full_clean()
    patient.save()
    patient_search_keys_rewrite(patient=patient)
    audit_record(
        action=AuditAction.CREATE,
        clinic=patient.clinic,
        actor=actor,
        patient=patient,
        obj=patient,
        summary=f"Registered client {patient.full_name}",
        origin=origin,
    )
    return patient


def _label(name: str) -> str:
    """The label of one of the client's fields, as the form shows it."""
    field = Patient._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.verbose_name)


@transaction.atomic
def patient_update(
    *, actor: User, patient: Patient, data: dict[str, Any], origin: Origin | None = None
) -> list[str]:
    """Apply changes; returns the names of the fields that changed.

    Compares with the stored row, not with ``patient``, which a bound ModelForm may already
    have modified in memory.
    """
    stored = Patient.objects.select_for_update().get(pk=patient.pk)
    changed = _assign(stored, data)
    if not changed:
        return []
    stored.full_clean()
    stored.save()
    if SEARCHED_FIELDS.intersection(changed):
        patient_search_keys_rewrite(patient=stored)
    labels = ", ".join(_label(n) for n in changed)
    audit_record(
        action=AuditAction.UPDATE,
        clinic=patient.clinic,
        actor=actor,
        patient=patient,
        obj=patient,
        summary=f"Changed client details: {labels}",
        origin=origin,
    )
    return changed


def _set_archived(*, actor: User, patient: Patient, archived: bool, origin: Origin | None) -> None:
    if patient.is_archived == archived:
        return
    patient.archived_at = timezone.now() if archived else None
    patient.save(update_fields=["archived_at", "updated_at"])
    audit_record(
        action=AuditAction.ARCHIVE if archived else AuditAction.RESTORE,
        clinic=patient.clinic,
        actor=actor,
        patient=patient,
        obj=patient,
        summary=(
            f"Archived client {patient.full_name}"
            if archived
            else f"Restored client {patient.full_name} from the archive"
        ),
        origin=origin,
    )


@transaction.atomic
def patient_archive(*, actor: User, patient: Patient, origin: Origin | None = None) -> None:
    """Hide the client from the list; nothing is deleted."""
    _set_archived(actor=actor, patient=patient, archived=True, origin=origin)


@transaction.atomic
def patient_restore(*, actor: User, patient: Patient, origin: Origin | None = None) -> None:
    _set_archived(actor=actor, patient=patient, archived=False, origin=origin)
