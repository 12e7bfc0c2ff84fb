"""Writes for a course: book a whole series of visits in one step.

The series keeps its RFC 5545 rule (``myomap_core.courses``); each visit is its own
``Appointment`` booked through ``appointment_book``, so every rule of a single booking holds
for each one. The series is booked whole or not at all: one transaction, and a refused
occurrence names its date and rolls everything back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from myomap.appointments.models import Appointment, AppointmentType, Room, Series
from myomap.appointments.services import appointment_book
from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.patients.models import Patient
from myomap.plans.models import Plan
from myomap_core.courses import MAX_OCCURRENCES, occurrences
from myomap_core.errors import DomainError


def series_starts(*, rrule: str, first: date, at: time, tz_name: str) -> list[datetime]:
    """The rule's local starts, or a ``ValidationError`` naming the field."""
    try:
        return occurrences(rrule, first=first, at=at, tz=ZoneInfo(tz_name))
    except DomainError as exc:
        raise ValidationError({exc.field or "rrule": str(exc)}) from None


@transaction.atomic
def series_book(
    *,
    actor: User,
    patient: Patient,
    therapist: User,
    type: AppointmentType,
    rrule: str,
    first: date,
    at: time,
    starts: Sequence[datetime] | None = None,
    plan: Plan | None = None,
    room: Room | None = None,
    override_hours: bool = False,
    origin: Origin | None = None,
) -> Series:
    """Book the series of ``rrule`` from ``first`` at ``at`` (clinic time), or the adjusted
    ``starts`` when the user moved or dropped occurrences. Refused whole (``ValidationError``
    naming the field) for a rule without an end or with more than 52 occurrences, a plan of
    another client, or any occurrence a single booking would refuse (named by its date)."""
    tz_name = patient.clinic.timezone
    proposed = series_starts(rrule=rrule, first=first, at=at, tz_name=tz_name)
    chosen = sorted(starts) if starts is not None else proposed
    if not chosen:
        raise ValidationError({"occurrences": "Keep at least one visit to book."})
    if len(chosen) > MAX_OCCURRENCES:
        raise ValidationError(
            {"occurrences": f"{len(chosen)} visits is more than {MAX_OCCURRENCES}."}
        )
    if plan is not None and plan.patient_id != patient.pk:
        raise ValidationError({"plan": f"Plan {plan.pk} is not {patient.full_name}'s."})
    series = Series(
        clinic=patient.clinic,
        patient=patient,
        plan=plan,
        rrule=rrule.strip(),
        local_start=at,
        timezone=tz_name,
        created_by=actor,
    )
    series.full_clean()
    series.save()
    booked: list[int] = []
    for number, start in enumerate(chosen, 1):
        try:
            appointment = appointment_book(
                actor=actor,
                patient=patient,
                therapist=therapist,
                type=type,
                starts_at=start,
                room=room,
                override_hours=override_hours,
                origin=origin,
                confirm=number == 1,  # one confirmation for the course, listing its visits
            )
        except ValidationError as exc:
            when = start.astimezone(patient.clinic.zone).strftime("%a %d %b %Y %H:%M")
            raise ValidationError(
                {
                    field: [f"Visit {number} on {when}: {m}" for m in messages]
                    for field, messages in exc.message_dict.items()
                }
            ) from None
        booked.append(appointment.pk)
    Appointment.objects.filter(pk__in=booked).update(series=series, updated_at=timezone.now())
    where = f" from plan {plan.pk}" if plan is not None else ""
    audit_record(
        action=AuditAction.CREATE,
        clinic=patient.clinic,
        actor=actor,
        patient=patient,
        obj=series,
        summary=f"Booked a series of {len(booked)} {type.name} visits for {patient.full_name} "
        f"with {therapist.display_name}{where} ({series.rrule}, {at:%H:%M})",
        origin=origin,
    )
    return series
