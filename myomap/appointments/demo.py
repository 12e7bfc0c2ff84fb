"""Demo records for the appointments app: the clinic's location, two rooms, the default
appointment types, the therapists' working hours and a week of appointments around today,
so Today and the calendar are not empty on first start."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

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
from myomap.appointments.selectors import day_bounds
from myomap.appointments.services import (
    appointment_book,
    appointment_cancel,
    appointment_types_default,
)
from myomap.appointments.waitlist import waitlist_add
from myomap.clinics.models import Clinic, Role, User
from myomap.common.audit import Origin
from myomap.patients.models import Patient
from myomap_core.waitlist import DAY_NAMES

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
    _waitlist(clients, therapists[0], types["Treatment"], desk or owner, today)
    return True


def _waitlist(
    clients: list[Patient], therapist: User, kind: AppointmentType, actor: User, today: date
) -> None:
    """A cancellation on the therapist's next working day and two clients waiting who fit
    it: the day calendar shows the freed slot, the waitlist who fits, oldest first."""
    weekdays = HOURS.get(therapist.username, (range(0, 5), time(9), time(17)))[0]
    day = next(today + timedelta(days=n) for n in range(1, 8)
               if (today + timedelta(days=n)).weekday() in weekdays)  # fmt: skip
    start, end = day_bounds(kind.clinic, day)
    freed = (
        Appointment.objects.filter(
            therapist=therapist,
            starts_at__gte=start,
            starts_at__lt=end,
            type=kind,
            status=Status.BOOKED,
        )
        .order_by("starts_at")
        .first()
    )
    if freed is None:
        return
    appointment_cancel(actor=actor, appointment=freed, reason="Client rang: off sick",
                       origin=ORIGIN)  # fmt: skip
    name = DAY_NAMES[day.weekday()]
    waiting = [c for c in reversed(clients) if c.pk != freed.patient_id][:2]
    for patient, who, windows in zip(
        waiting,
        (None, therapist),
        (f"{name} 08:00-18:00", "Mon Tue Wed Thu Fri 09:00-17:30"),
        strict=False,
    ):
        waitlist_add(
            actor=actor,
            patient=patient,
            type=kind,
            therapist=who,
            windows=windows,
            first_day=today,
            notes="Would like an earlier visit",
            origin=ORIGIN,
        )


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
