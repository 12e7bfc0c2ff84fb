"""Intakes, the private links that let a client fill one in, and pain maps."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from myomap.common.models import TimeStamped
from myomap_core.pain import PainQuality


class IntakeStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    SUBMITTED = "submitted", "Completed"


class Intake(TimeStamped):
    """One intake questionnaire. ``answers`` maps section slug -> field -> value."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="intakes"
    )
    status = models.CharField(
        max_length=12, choices=IntakeStatus.choices, default=IntakeStatus.DRAFT
    )
    answers = models.JSONField(default=dict, blank=True)
    consent_name = models.CharField(max_length=160, blank=True)
    consent_signature = models.TextField(blank=True)  # a PNG data URL of the drawn signature
    consent_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    filled_by_client = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Intake {self.pk} of {self.patient}"

    @property
    def is_submitted(self) -> bool:
        return self.status == IntakeStatus.SUBMITTED


class IntakeLink(models.Model):
    """What an intake link opens: one intake for the client to fill (the link itself, its
    token, expiry and revocation, is ``private``)."""

    private = models.OneToOneField(
        "common.PrivateLink", on_delete=models.PROTECT, related_name="intake_link"
    )
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="links")

    class Meta:
        ordering = ["-private__created_at", "-id"]

    def __str__(self) -> str:
        return f"Intake link {self.pk}"

    @property
    def is_usable(self) -> bool:
        return self.private.is_open


class PainMapSource(models.TextChoices):
    INTAKE = "intake", "Intake"
    THERAPIST = "therapist", "Recorded by the therapist"


class PainMap(models.Model):
    """The painful regions marked at one moment."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="pain_maps"
    )
    intake = models.OneToOneField(
        Intake, on_delete=models.PROTECT, null=True, blank=True, related_name="pain_map"
    )
    source = models.CharField(max_length=12, choices=PainMapSource.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"Pain map {self.pk} of patient {self.patient_id}"


class PainMark(models.Model):
    pain_map = models.ForeignKey(PainMap, on_delete=models.CASCADE, related_name="marks")
    region_id = models.CharField(max_length=60)
    intensity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    quality = models.CharField(max_length=12, choices=[(q.value, q.label) for q in PainQuality])

    class Meta:
        ordering = ["region_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pain_map", "region_id"],
                name="one_mark_per_region",
                violation_error_message="A region can be marked only once per pain map.",
            ),
            models.CheckConstraint(
                condition=models.Q(intensity__gte=0, intensity__lte=10),
                name="intensity_0_to_10",
                violation_error_message="Intensity must be between 0 and 10.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id}: {self.intensity}/10 {self.quality}"
