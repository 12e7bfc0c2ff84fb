"""Stored safety screenings and the clearances that lift a referral."""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models

# The decision values of ``myomap_core.screening.Decision``, most urgent first.
REFERRAL_DECISIONS = ("emergency", "urgent_referral", "same_day_referral", "refer_before_treatment")


class ScreeningDecision(models.TextChoices):
    EMERGENCY = "emergency", "Emergency"
    URGENT_REFERRAL = "urgent_referral", "Urgent medical referral"
    SAME_DAY_REFERRAL = "same_day_referral", "Same-day medical assessment"
    REFER_BEFORE_TREATMENT = "refer_before_treatment", "Refer before treatment"
    TREAT_WITH_PRECAUTIONS = "treat_with_precautions", "Treat with precautions"
    TREAT = "treat", "Treat"


class ScreeningTrigger(models.TextChoices):
    INTAKE = "intake", "Intake submitted"
    EDIT = "edit", "Answers edited by the therapist"
    RESCREEN = "rescreen", "Re-screened by the therapist"
    ANSWERS = "answers", "Health-check answers saved"
    CHECKIN = "checkin", "Visit check-in"
    DEMO = "demo", "Demo data"


class Screening(models.Model):
    """One run of the screening rules over a client's answers, kept as it was computed."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="screenings"
    )
    intake = models.ForeignKey(
        "intake.Intake",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screenings",
    )
    decision = models.CharField(max_length=30, choices=ScreeningDecision.choices)
    result = models.JSONField(
        default=dict, blank=True
    )  # result_json() of the core's ScreeningResult
    answers = models.JSONField(default=dict, blank=True)  # the typed answers the rules were given
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    trigger = models.CharField(max_length=12, choices=ScreeningTrigger.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-created_at"]),
            models.Index(fields=["clinic", "decision"]),
        ]

    def __str__(self) -> str:
        return f"Screening {self.pk} of patient {self.patient_id}: {self.decision}"

    @property
    def requires_clearance(self) -> bool:
        return self.decision in REFERRAL_DECISIONS

    @property
    def is_emergency(self) -> bool:
        return self.decision == ScreeningDecision.EMERGENCY


def clearance_upload_to(instance: Clearance, filename: str) -> str:
    # The stored name never reuses the uploaded name: it is private and unguessable.
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"clearances/{instance.clinic_id}/{instance.patient_id}/{secrets.token_hex(16)}{suffix}"


class Clearance(models.Model):
    """A physician's clearance for treatment after a screening that required referral."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="clearances"
    )
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="clearances")
    cleared_by = models.CharField("Cleared by", max_length=160)
    cleared_on = models.DateField("Date of the clearance")
    note = models.TextField("Note", max_length=2000)
    """What the physician said, in their words, and any limits on treatment."""
    attested = models.BooleanField("The therapist spoke to the physician", default=False)
    document = models.FileField(upload_to=clearance_upload_to, blank=True, max_length=200)
    document_name = models.CharField(max_length=200, blank=True)
    document_type = models.CharField(max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Clearance {self.pk} by {self.cleared_by} for screening {self.screening_id}"
