"""A clinic's clients. Never hard-deleted: archived instead."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from myomap.common.models import TimeStamped


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Prefer not to say"


def digits_only(value: str) -> str:
    return re.sub(r"\D", "", value or "")


EARLIEST_BIRTH_YEAR = 1900
JOINERS = "\u200c\u200d\u00ad"
"""Invisible characters that belong in some names (zero-width (non-)joiner, soft hyphen)."""


def single_line_problem(value: str) -> str | None:
    """Why ``value`` is not one line of printable text (a name), or None when it is."""
    for char in value:
        if char in "\r\n\u2028\u2029":
            return "A name is one line: remove the line break."
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") and char not in JOINERS:
            return f"Remove the invisible control character (U+{ord(char):04X})."
    return None


NEVER_SCREENED = models.Q(first_screened_at__isnull=True, archived_at__isnull=True)
"""Active clients never screened (``first_screened_at`` is written by the screening app)."""


class Patient(TimeStamped):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="patients")
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    preferred_name = models.CharField(max_length=80, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    phone = models.CharField(max_length=40, blank=True)
    phone_digits = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True, max_length=500)
    occupation = models.CharField(max_length=120, blank=True)
    emergency_contact = models.CharField(max_length=200, blank=True)
    physician_name = models.CharField("Physician", max_length=120, blank=True)
    physician_contact = models.CharField("Physician's contact", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    first_screened_at = models.DateTimeField(null=True, blank=True, editable=False)
    """When the client's first safety screening was stored; empty until then. Written by the
    screening app with that screening (decision 0026), never cleared: screenings are kept."""

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["clinic", "last_name", "first_name"]),
            models.Index(fields=["clinic", "date_of_birth"]),
            # Active clients never screened: the dashboard lists them by name from this one.
            models.Index(
                fields=["clinic", "last_name", "first_name", "id"],
                condition=NEVER_SCREENED,
                name="patients_never_screened",
            ),
            # Counts read from the index alone: the client list's active (or archived) clients
            # and the dashboard's never screened. SQLite has no statistics on these files, so
            # one full index serves both counts rather than a partial index per count, which
            # would draw its planner away from the list's index above.
            models.Index(
                fields=["clinic", "archived_at", "first_screened_at"], name="patients_counted"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        """Names are one line of printable text; the date of birth lies between 1900 and today."""
        errors: dict[str, str] = {}
        for name in ("first_name", "last_name", "preferred_name"):
            problem = single_line_problem(getattr(self, name) or "")
            if problem:
                errors[name] = problem
        born = self.date_of_birth
        if isinstance(born, date):
            if born > date.today():
                errors["date_of_birth"] = "The date of birth cannot be in the future."
            elif born.year < EARLIEST_BIRTH_YEAR:
                errors["date_of_birth"] = (
                    f"Check the year: {born.year} is before {EARLIEST_BIRTH_YEAR}."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class PatientSearchKey(models.Model):
    """One key that finds a client in a search (``myomap.common.search.client_keys``).

    Rewritten with the client's names, email, phone and date of birth, in the same
    transaction; a search looks its words up by equality in the ``(clinic, key)`` index.
    """

    clinic = models.ForeignKey(
        "clinics.Clinic",
        on_delete=models.PROTECT,
        related_name="patient_search_keys",
        db_index=False,  # the unique (clinic, key, patient) index starts with it
    )
    key = models.CharField(max_length=40)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="search_keys")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "key", "patient"], name="patient_search_key_unique"
            )
        ]

    def __str__(self) -> str:
        return self.key
