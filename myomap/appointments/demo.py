"""Demo records for the appointments app: the clinic's location, two rooms, the default
appointment types, the therapists' working hours and a week of appointments around today,
so Today and the calendar are not empty on first start."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from myomap.appointments.models import (
    Appointment,
    AppointmentType,
    Location,
    Room,
    Status,
    WorkingHours,
)
from myomap.appointments.services import (
    appointment_book,
    appointment_cancel,
    appointment_types_default,
)
from myomap.clinics.models import Clinic, Role, User
from myomap.common.audit import Origin
from myomap.patients.models import Patient

ORIGIN = Origin(path="(demo loader)")

HOURS = {
    # username: weekdays, start, end
    "sam": (range(0, 5), time(9), time(17, 30)),
    "alex": (range(1, 6), time(10), time(18)),
    "olivia": ((0, 2), time(8), time(13)),
}
DAY_PLAN = (
    # local start, type
    (time(9, 0), "Treatment"),
    (time(10, 30), "Initial assessment"),
    (time(13, 0), "Treatment"),
    (time(14, 30), "Reassessment"),
    (time(15, 30), "Maintenance"),
)


@transaction.atomic
def load_demo(clinic: Clinic) -> bool:
    """Add the schedule and the week; True when something was created."""
    if Location.objects.filter(clinic=clinic).exists():
        return False
    staff = {u.username: u for u in User.objects.filter(clinic=clinic)}
    desk = next((u for u in staff.values() if u.role == Role.FRONT_DESK), None)
    location = Location.objects.create(clinic=clinic, name="Harbour Street", address=clinic.address)
    rooms = [
        Room.objects.create(clinic=clinic, location=location, name=name)
        for name in ("Room 1", "Room 2")
    ]
    for username, (weekdays, start, end) in HOURS.items():
        if username not in staff:
            continue
        for weekday in weekdays:
            WorkingHours.objects.create(
                clinic=clinic,
                therapist=staff[username],
                location=location,
                weekday=weekday,
                start=start,
                end=end,
            )
    owner = next(u for u in staff.values() if u.role == Role.OWNER)
    appointment_types_default(actor=owner, clinic=clinic)
    types = {t.name: t for t in AppointmentType.objects.filter(clinic=clinic)}
    clients = list(Patient.objects.filter(clinic=clinic, archived_at__isnull=True).order_by("id"))
    therapists = [staff[u] for u in ("sam", "alex") if u in staff]
    if not clients or not therapists:
        return True
    tz = clinic.zone
    today = timezone.now().astimezone(tz).date()
    turn = 0
    for offset in range(-3, 5):
        day = today + timedelta(days=offset)
        for column, therapist in enumerate(therapists):
            for slot, (at, kind) in enumerate(DAY_PLAN):
                if (slot + offset + column) % 4 == 3 and offset != 0:
                    continue  # leave gaps, as a real week has
                patient = clients[turn % len(clients)]
                turn += 1
                starts = datetime.combine(day, at, tzinfo=tz) + timedelta(minutes=30 * column)
                if Appointment.objects.filter(
                    patient=patient, starts_at__date=starts.date()
                ).exists():
                    continue
                appointment = appointment_book(
                    actor=desk or owner,
                    patient=patient,
                    therapist=therapist,
                    type=types[kind],
                    room=rooms[column % len(rooms)],
                    starts_at=starts,
                    override_hours=True,
                    origin=ORIGIN,
                )
                if offset < 0:
                    _past(appointment, turn, desk or owner)
    return True


def _past(appointment: Appointment, turn: int, actor: User) -> None:
    """Most past visits happened; one in nine cancelled late, one in eleven did not come."""
    if turn % 9 == 0:
        appointment_cancel(
            actor=actor,
            appointment=appointment,
            reason="Unwell (phoned that morning)",
            now=appointment.starts_at - timedelta(hours=3),
            origin=ORIGIN,
        )
    elif turn % 11 == 0:
        Appointment.objects.filter(pk=appointment.pk).update(status=Status.NO_SHOW)
    else:
        Appointment.objects.filter(pk=appointment.pk).update(status=Status.COMPLETED)
