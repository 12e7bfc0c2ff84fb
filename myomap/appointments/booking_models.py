"""Booking requests: a client asks, on their private appointment link, for a free slot the
clinic offers online; the front desk books it or declines. Nothing is reserved until then."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from myomap.common.models import TimeStamped


class RequestStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    BOOKED = "booked", "Booked"
    DECLINED = "declined", "Declined"


class BookingRequest(TimeStamped):
    """One slot a client asked for. Booked links the appointment made from it; declined keeps
    who, when and why. Nothing is deleted."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="booking_requests"
    )
    type = models.ForeignKey(
        "appointments.AppointmentType", on_delete=models.PROTECT, related_name="+"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.TextField(blank=True, max_length=300)
    link = models.ForeignKey(
        "appointments.AppointmentLink", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.WAITING
    )
    appointment = models.OneToOneField(
        "appointments.Appointment",
        on_delete=models.PROTECT,
        related_name="booking_request",
        null=True,
        blank=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["clinic", "status", "created_at"])]

    def __str__(self) -> str:
        return f"Booking request {self.pk} ({self.status})"
