"""The waitlist: clients waiting for a slot with a therapist (or any), a type and times."""

from __future__ import annotations

from datetime import time, timedelta

from django.conf import settings
from django.db import models

from myomap.common.models import TimeStamped
from myomap_core.waitlist import Window, Wish, windows_text


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    BOOKED = "booked", "Booked"
    REMOVED = "removed", "Removed"


class WaitlistEntry(TimeStamped):
    """A client waiting for a slot. ``windows`` holds the wanted weekdays and local time
    ranges (``[{"weekdays": [0, 2], "start": "08:00", "end": "12:00"}]``); which free slots
    fit is computed (``myomap_core.waitlist``), never stored. Booked links the appointment;
    removed keeps who and why. Nothing is deleted."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="waitlist_entries"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Empty: any therapist.",
    )
    type = models.ForeignKey(
        "appointments.AppointmentType", on_delete=models.PROTECT, related_name="+"
    )
    windows = models.JSONField()
    first_day = models.DateField()
    last_day = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    appointment = models.OneToOneField(
        "appointments.Appointment",
        on_delete=models.PROTECT,
        related_name="waitlist_entry",
        null=True,
        blank=True,
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    remove_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["clinic", "status", "created_at"])]
        verbose_name_plural = "waitlist entries"

    def __str__(self) -> str:
        return f"Waitlist entry {self.pk} ({self.status})"

    @property
    def window_list(self) -> tuple[Window, ...]:
        return tuple(
            Window(
                frozenset(w["weekdays"]),
                time.fromisoformat(w["start"]),
                time.fromisoformat(w["end"]),
            )
            for w in self.windows
        )

    @property
    def type_duration(self) -> timedelta:
        return timedelta(minutes=self.type.minutes)

    @property
    def wish(self) -> Wish:
        return Wish(self.window_list, self.first_day, self.last_day)

    @property
    def windows_label(self) -> str:
        return windows_text(self.window_list)


class MovedAwayTime(models.Model):
    """The time an appointment was moved away from. A move overwrites the appointment's
    time, so this row keeps the old one for the waitlist, which offers it as it offers a
    cancelled time; which entries fit it is still computed on every read."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        "appointments.Appointment", on_delete=models.PROTECT, related_name="+"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["clinic", "starts_at"])]

    def __str__(self) -> str:
        return f"Moved away from {self.starts_at:%Y-%m-%d %H:%M}"
