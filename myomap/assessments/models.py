"""Assessments: one per visit, with posture photos, examination results, palpation findings
and the therapist's overrides of the five-element ratings."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from myomap.common.models import TimeStamped


class Assessment(TimeStamped):
    """The diagnostic phase of one visit."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="assessments"
    )
    visit_date = models.DateField(default=timezone.localdate)
    pain_map = models.ForeignKey(
        "intake.PainMap", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-visit_date", "-id"]

    def __str__(self) -> str:
        return f"Assessment of {self.visit_date:%d %b %Y}"


class View(models.TextChoices):
    FRONT = "front", "Front"
    BACK = "back", "Back"
    SIDE = "side", "Side"


def photo_path(instance: PosturePhoto, filename: str) -> str:
    # The name never carries the client's name or the original file name.
    return f"posture/{instance.assessment.clinic_id}/{instance.assessment_id}/{filename}"


class PosturePhoto(models.Model):
    """A posture photo, re-encoded without metadata, with the landmarks placed on it.

    ``landmarks`` maps landmark id -> [x, y] in pixels of the stored image (y down). The
    optional scale marker is two points and the real distance between them.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="photos")
    view = models.CharField(max_length=8, choices=View.choices)
    image = models.FileField(upload_to=photo_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    landmarks = models.JSONField(default=dict, blank=True)
    scale_points = models.JSONField(default=list, blank=True)
    scale_length_mm = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5000)]
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "view", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_view_display()} photo"

    @property
    def scale_mm_per_px(self) -> float | None:
        if self.scale_length_mm is None or len(self.scale_points) != 2:
            return None
        (x1, y1), (x2, y2) = self.scale_points
        pixels: float = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        if pixels < 1:
            return None
        return float(self.scale_length_mm) / pixels


class Side(models.TextChoices):
    NONE = "", "–"
    LEFT = "left", "Left"
    RIGHT = "right", "Right"


class ExamResult(models.Model):
    """One examination test on one side: degrees, grade, or positive/negative."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="exam_results"
    )
    test_id = models.CharField(max_length=60)
    side = models.CharField(max_length=5, choices=Side.choices, blank=True)
    value = models.FloatField(null=True, blank=True)
    positive = models.BooleanField(null=True, blank=True)
    painful = models.BooleanField(default=False)
    pain_where = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["test_id", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "test_id", "side"], name="one_result_per_test_side"
            )
        ]

    def __str__(self) -> str:
        return f"{self.test_id} {self.side}".strip()


class PalpationFinding(models.Model):
    """What palpation found at one muscle (and trigger point) on one side.

    The pressure pain threshold is stored in kPa with the probe area; ``ppt_unit`` and
    ``ppt_entered`` keep what the therapist typed.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="palpation_findings"
    )
    muscle_id = models.CharField(max_length=60)
    trigger_point = models.CharField(max_length=60, blank=True)
    side = models.CharField(max_length=5, choices=Side.choices, blank=True)
    active = models.BooleanField(null=True, blank=True)  # True active, False latent
    taut_band = models.BooleanField(default=False)
    nodule = models.BooleanField(default=False)
    twitch = models.BooleanField(default=False)
    referral_reproduced = models.BooleanField(default=False)
    referral_regions = models.JSONField(default=list, blank=True)
    tenderness = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(3)]
    )
    ppt_kpa = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(2500)]
    )
    probe_cm2 = models.FloatField(
        default=1.0, validators=[MinValueValidator(0.1), MaxValueValidator(10)]
    )
    ppt_unit = models.CharField(max_length=8, blank=True)
    ppt_entered = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "muscle_id", "trigger_point", "side"],
                name="one_finding_per_point_side",
                violation_error_message="This trigger point is already recorded on that side.",
            ),
            models.CheckConstraint(
                condition=models.Q(tenderness__isnull=True) | models.Q(tenderness__lte=3),
                name="tenderness_0_to_3",
                violation_error_message="Tenderness is graded 0 to 3.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.muscle_id} {self.trigger_point} {self.side}".strip()


class ElementOverride(models.Model):
    """The therapist's rating of one of the five elements, replacing the computed one."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="element_overrides"
    )
    element = models.CharField(max_length=40)
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(3)]
    )
    reason = models.CharField(max_length=500)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["element"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "element"], name="one_override_per_element"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element}: {self.rating}"
