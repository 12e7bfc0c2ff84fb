"""Locations, rooms, appointment types, working hours, blocks and appointments.

Times are stored in UTC and shown in the clinic's time zone; working hours are local
wall-clock times. Free slots are computed (``myomap_core.slots``), never stored.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from myomap.common.models import TimeStamped

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class Location(TimeStamped):
    """A place the clinic works from."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=80)
    address = models.TextField(blank=True, max_length=500)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class Room(TimeStamped):
    """A room or table: a resource only one appointment uses at a time."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=80)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


LONGEST_MINUTES = 480
"""The longest appointment type, so the longest appointment (a move keeps the length)."""
LONGEST = timedelta(minutes=LONGEST_MINUTES)


def overlapping(start: datetime, end: datetime) -> Q:
    """Rows (appointments) that overlap ``start``–``end``. The lower bound on ``starts_at``
    (nothing starting ``LONGEST`` before ``start`` can still be running) lets the indexes on
    (…, starts_at) read a few rows instead of every past appointment."""
    return Q(starts_at__lt=end, ends_at__gt=start, starts_at__gt=start - LONGEST)


class Online(models.TextChoices):
    """Whether clients may ask for an appointment type on their private link."""

    NO = "no", "Not offered online"
    RETURNING = "returning", "Clients who have had a visit may ask for it"
    EVERYONE = "everyone", "Any client may ask for it, new clients too"


class AppointmentType(TimeStamped):
    """A kind of visit with its length, its colour on the calendar and the time kept free
    after it (for notes and turning the room around)."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=60)
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(LONGEST_MINUTES)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(120)]
    )
    colour = models.CharField(
        max_length=7,
        default="#4a7bb7",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour such as #4a7bb7.")],
    )
    active = models.BooleanField(default=True)
    online = models.CharField(
        max_length=10,
        choices=Online.choices,
        default=Online.NO,
        help_text="Whether clients may ask for this type on their private appointment link.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="one_type_name_per_clinic")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.minutes} min)"


class WorkingHours(models.Model):
    """A therapist's weekly working window at a location, in local wall-clock time."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="working_hours"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["therapist_id", "weekday", "start"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError({"end": "The working day ends after it starts."})


class Block(TimeStamped):
    """A one-off stretch a therapist is not bookable: holiday, training."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="blocks"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=120, blank=True)

    def __str__(self) -> str:
        return self.reason or "Blocked"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "A block ends after it starts."})


class Status(models.TextChoices):
    BOOKED = "booked", "Booked"
    CONFIRMED = "confirmed", "Confirmed"
    ARRIVED = "arrived", "Arrived"
    IN_TREATMENT = "in_treatment", "In treatment"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    LATE_CANCELLATION = "late_cancellation", "Late cancellation"
    NO_SHOW = "no_show", "No-show"


HOLDING = (
    Status.BOOKED,
    Status.CONFIRMED,
    Status.ARRIVED,
    Status.IN_TREATMENT,
    Status.COMPLETED,
)
"""Statuses that hold their therapist and room: no other appointment may overlap them."""

CANCELLED = (Status.CANCELLED, Status.LATE_CANCELLATION)


class Series(TimeStamped):
    """A course booked in one step: its RFC 5545 rule, local start time and zone, and the
    plan it came from. Each occurrence is its own ``Appointment`` pointing here, so moving
    or cancelling one never touches its siblings."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="appointment_series"
    )
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    rrule = models.CharField(max_length=500)
    local_start = models.TimeField(help_text="The wall-clock time of the first occurrence.")
    timezone = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.rrule} at {self.local_start:%H:%M}"


class Appointment(TimeStamped):
    """One visit: a client with a therapist (and a room) from ``starts_at`` to ``ends_at``."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="appointments"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="appointments", null=True, blank=True
    )
    type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    desk_notes = models.TextField(blank=True, max_length=1000)
    outside_hours = models.BooleanField(
        default=False, help_text="Booked outside the therapist's hours with an explicit override."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    cancel_reason = models.CharField(max_length=200, blank=True)
    session = models.OneToOneField(
        "treatment_sessions.TreatmentSession",
        on_delete=models.PROTECT,
        related_name="appointment",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="occurrences", null=True, blank=True
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["clinic", "starts_at"]),
            models.Index(fields=["therapist", "starts_at"]),
            models.Index(fields=["room", "starts_at"]),
            models.Index(fields=["patient", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type.name} {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The appointment ends after it starts."})
        if self.starts_at and self.ends_at and self.ends_at - self.starts_at > LONGEST:
            raise ValidationError(
                {"ends_at": f"An appointment lasts at most {LONGEST_MINUTES // 60} hours."}
            )

    @property
    def holds_time(self) -> bool:
        return self.status in HOLDING

    @property
    def is_cancelled(self) -> bool:
        return self.status in CANCELLED


from myomap.appointments.booking_models import BookingRequest  # noqa: E402, F401
from myomap.appointments.feed_models import CalendarFeed  # noqa: E402, F401
from myomap.appointments.reminder_models import (  # noqa: E402, F401  (registered with the app)
    AppointmentLink,
    Reminder,
    ReminderPolicy,
)
from myomap.appointments.waitlist_models import (  # noqa: E402, F401
    MovedAwayTime,
    WaitlistEntry,
)
