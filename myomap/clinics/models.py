"""Clinics, users with roles, and failed-login tracking."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import date
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone as django_timezone

from myomap.clinics.usernames import username_normalise
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
    require_two_factor = models.BooleanField(
        default=False,
        help_text="Every user of the clinic must enrol a second factor before doing anything else.",
    )

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The clinic's time zone: days and times are the clinic's, whoever asks and from where."""
        return zoneinfo.ZoneInfo(self.timezone)

    def today(self) -> date:
        """The date now at the clinic (a client's link or the worker has no active time zone)."""
        return django_timezone.localdate(timezone=self.zone)


class Role(models.TextChoices):
    OWNER = "owner", "Clinic owner"
    THERAPIST = "therapist", "Therapist"
    FRONT_DESK = "front_desk", "Front desk"


class NormalisedUserManager(UserManager["User"]):
    """Finds a user by the normal form of the username typed, so a variant is the same account."""

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username=username_normalise(username or ""))


class User(AbstractUser):
    """A person who logs in. Belongs to one clinic with one role.

    Usernames are stored in their normal form (``username_normalise``): ``Sam``, ``sam `` and
    a full-width ``ｓａｍ`` are one account, at creation and at login.
    """

    objects: ClassVar[NormalisedUserManager] = NormalisedUserManager()

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="users", null=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.THERAPIST)
    credentials = models.CharField(
        max_length=120, blank=True, help_text="Qualifications shown on letters, e.g. LMT, CNMT."
    )
    # Set on the request's user by django_otp's middleware: a second factor was given.
    is_verified: Callable[[], bool]

    @classmethod
    def normalize_username(cls, username: str) -> str:
        return username_normalise(username or "")

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
    """One failed login, kept to lock a username, and an address, after repeated failures.

    ``username`` is the normal form of what was typed, whether or not such an account exists.
    """

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"Failed login for {self.username} at {self.created_at:%Y-%m-%d %H:%M}"
