"""Clinics, users with roles, and failed-login tracking."""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from myomap.common.models import TimeStamped


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"Unknown time zone {value!r}; use a name such as Europe/London.")


class Clinic(TimeStamped):
    """One practice. Every client-scoped row belongs to exactly one clinic."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    timezone = models.CharField(
        max_length=60, default="Europe/London", validators=[validate_timezone]
    )
    address = models.TextField(blank=True, max_length=500)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Clinic owner"
    THERAPIST = "therapist", "Therapist"
    FRONT_DESK = "front_desk", "Front desk"


class User(AbstractUser):
    """A person who logs in. Belongs to one clinic with one role."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="users", null=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.THERAPIST)
    credentials = models.CharField(
        max_length=120, blank=True, help_text="Qualifications shown on letters, e.g. LMT, CNMT."
    )

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_clinician(self) -> bool:
        """Owners and therapists see clinical content; the front desk does not."""
        return self.role in (Role.OWNER, Role.THERAPIST)

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER


class LoginFailure(models.Model):
    """One failed login, kept to lock a username after repeated failures."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"Failed login for {self.username} at {self.created_at:%Y-%m-%d %H:%M}"
