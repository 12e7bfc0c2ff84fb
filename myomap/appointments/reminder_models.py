"""Reminders and the client's confirm/cancel link: the clinic's policy, one row per message.

A reminder is unique per appointment and rule, so a restart or a second worker never sends
it twice (see ``myomap.appointments.reminders``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from myomap.appointments.models import Appointment, Status
from myomap_core.errors import DomainError
from myomap_core.reminders import parse_offsets

DEFAULT_OFFSETS = "48,24"
"""Hours before the start at which reminders go out [ours: the issue's default]."""

DEFAULT_CANCELLATION_HOURS = 24
"""A client may cancel up to this many hours before the start; later is a late cancellation
[ours: the common 24-hour policy of massage and bodywork practices]."""


class ReminderPolicy(models.Model):
    """A clinic's reminder offsets and cancellation policy; a clinic without a row uses the
    defaults."""

    clinic = models.OneToOneField(
        "clinics.Clinic", on_delete=models.PROTECT, related_name="reminder_policy"
    )
    offsets = models.CharField(
        max_length=40,
        default=DEFAULT_OFFSETS,
        help_text="Hours before the start at which reminders go out, such as 48,24.",
    )
    cancellation_hours = models.PositiveSmallIntegerField(
        default=DEFAULT_CANCELLATION_HOURS, validators=[MaxValueValidator(168)]
    )
    sms = models.BooleanField(default=True, help_text="Also send reminders by SMS to a phone.")

    def __str__(self) -> str:
        return f"Reminders {self.offsets} h before; cancel {self.cancellation_hours} h ahead"

    def clean(self) -> None:
        try:
            parse_offsets(self.offsets)
        except DomainError as exc:
            raise ValidationError({"offsets": exc.message}) from None

    @property
    def offset_hours(self) -> list[int]:
        """The offsets, longest first, without repeats."""
        return parse_offsets(self.offsets)


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"


class Channel(models.TextChoices):
    EMAIL = "email", "email"
    SMS = "sms", "SMS"
    BOTH = "email+sms", "email and SMS"
    NONE = "", "not sent"


class Reminder(models.Model):
    """One message about one appointment: the confirmation at booking, a reminder at an
    offset, or the notice of a move. Unique per appointment and rule."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="reminders")
    rule = models.CharField(max_length=40)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, validators=[MinValueValidator(0)])
    last_error = models.CharField(max_length=200, blank=True)
    with_checkin = models.BooleanField(
        default=False, help_text="The message carried the visit's check-in link."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "rule"], name="one_reminder_per_appointment_and_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} for appointment {self.appointment_id} ({self.status})"


class AppointmentLink(models.Model):
    """What an appointment link opens: confirm the appointment or ask to cancel it; one per
    message (the link itself is ``private``, with no expiry date). It opens while the
    appointment is booked or confirmed and has not started, and the client's record is open."""

    private = models.OneToOneField(
        "common.PrivateLink", on_delete=models.PROTECT, related_name="appointment_link"
    )
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="links")

    class Meta:
        ordering = ["-private__created_at", "-id"]

    def __str__(self) -> str:
        return f"Appointment link {self.pk}"

    @property
    def is_usable(self) -> bool:
        appointment = self.appointment
        return (
            self.private.is_open
            and appointment.status in (Status.BOOKED, Status.CONFIRMED)
            and appointment.starts_at > timezone.now()
        )
