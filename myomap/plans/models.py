"""A treatment plan: the course of care and the ordered steps each session follows."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from myomap.common.models import TimeStamped
from myomap_core.planning import Technique

TECHNIQUE_CHOICES = [(t.value, t.label) for t in Technique]


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Replaced"


class Plan(TimeStamped):
    """A client's plan, proposed from a screening and an assessment and edited by the therapist.

    One plan is active per client; proposing a new one archives the previous one.
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="plans")
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        related_name="plans",
        null=True,
        blank=True,
    )
    screening = models.ForeignKey(
        "screening.Screening",
        on_delete=models.PROTECT,
        related_name="plans",
        null=True,
        blank=True,
    )
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default="active")
    chronic = models.BooleanField(default=False)
    initial_sessions = models.PositiveSmallIntegerField()
    sessions_per_week = models.PositiveSmallIntegerField()
    session_minutes = models.PositiveSmallIntegerField()
    review_at_session = models.PositiveSmallIntegerField(default=5)
    maintenance_every_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    proposal = models.JSONField(default=dict, blank=True)
    """The proposal as the core made it (course reasons, coverage, left-out steps)."""
    notes = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return f"Plan {self.pk} for {self.patient}"


class PlanStep(models.Model):
    """One step of a session: a muscle (and trigger point), a technique and its parameters."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    muscle_id = models.CharField(max_length=60)
    trigger_point = models.CharField(max_length=60, blank=True)
    side = models.CharField(max_length=5, blank=True)  # left, right or "" (both / midline)
    technique = models.CharField(max_length=30, choices=TECHNIQUE_CHOICES)
    pressure_min_kg = models.FloatField(null=True, blank=True)
    pressure_max_kg = models.FloatField(null=True, blank=True)
    contact = models.CharField(max_length=20, blank=True)
    hold_s = models.PositiveSmallIntegerField(null=True, blank=True)
    repetitions = models.PositiveSmallIntegerField(default=1)
    duration_s = models.PositiveSmallIntegerField(null=True, blank=True)
    body_position = models.CharField(max_length=1000, blank=True)
    contract_s = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes = models.FloatField(default=0)
    elements = models.JSONField(default=list, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=40, blank=True)
    added_by_therapist = models.BooleanField(default=False)

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.muscle_id} {self.technique}"


class PressureUnit(models.TextChoices):
    KG = "kg", "kilograms (kg)"
    LB = "lb", "pounds (lb)"


class PlanSettings(models.Model):
    """A clinic's plan settings: the unit its plan editor takes pressures in. Pressures are
    stored in kilograms whatever the unit."""

    clinic = models.OneToOneField(
        "clinics.Clinic", on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    pressure_unit = models.CharField(
        max_length=2, choices=PressureUnit.choices, default=PressureUnit.KG
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Plan settings of clinic {self.clinic_id}"
