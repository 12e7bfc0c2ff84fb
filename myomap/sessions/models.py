"""A treatment session, its steps (copied from the plan when it starts) and its event log."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from myomap.plans.models import TECHNIQUE_CHOICES
from myomap_core.checkin import Response, Soreness
from myomap_core.session import EventKind

RESPONSES = [(r.value, r.label) for r in Response]
SORENESS = [(s.value, s.label) for s in Soreness]


class SessionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    FINISHED = "finished", "Finished"
    STOPPED_FOR_SAFETY = "stopped_for_safety", "Stopped for safety"


class TreatmentSession(models.Model):
    """One visit's treatment. ``number`` counts the client's sessions from 1."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="treatment_sessions"
    )
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.PROTECT, related_name="sessions", null=True, blank=True
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    pain_before = models.PositiveSmallIntegerField(null=True, blank=True)  # NPRS 0–10
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True)  # NPRS 0–10
    checkin = models.TextField(blank=True, max_length=2000)
    """How the client has been since the last visit, in their words."""
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Stopped for safety: when, by whom, why, and what the client was told to do.
    stopped_at = models.DateTimeField(null=True, blank=True)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stop_reason = models.TextField(blank=True, max_length=2000)
    stop_advice = models.TextField(blank=True, max_length=2000)
    """What the client was told to do (the screening decision's instruction)."""
    stop_screening = models.ForeignKey(
        "screening.Screening", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "number"], name="session_number_unique"),
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status="in_progress"),
                name="one_open_session_per_client",
                violation_error_message=(
                    "This client already has a session in progress: open it, or finish or "
                    "stop it, before starting another."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status="stopped_for_safety", stopped_at__isnull=False)
                | ~models.Q(status="stopped_for_safety"),
                name="stopped_session_has_time",
                violation_error_message="A session stopped for safety records when it stopped.",
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.number} for {self.patient}"

    @property
    def is_finished(self) -> bool:
        """Closed: finished, or stopped for safety. Its log takes no more taps."""
        return self.status != SessionStatus.IN_PROGRESS

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.IN_PROGRESS

    @property
    def is_stopped(self) -> bool:
        return self.status == SessionStatus.STOPPED_FOR_SAFETY

    @property
    def ease_off_count(self) -> int:
        return sum(step.ease_off_count for step in self.steps.all())


class StepStatus(models.TextChoices):
    PENDING = "pending", "Not yet"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


class SessionStep(models.Model):
    """A plan step as it stood when the session started, and what happened in it."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.CASCADE, related_name="steps")
    plan_step = models.ForeignKey(
        "plans.PlanStep", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField()
    muscle_id = models.CharField(max_length=60)
    trigger_point = models.CharField(max_length=60, blank=True)
    side = models.CharField(max_length=5, blank=True)
    technique = models.CharField(max_length=30, choices=TECHNIQUE_CHOICES)
    pressure_min_kg = models.FloatField(null=True, blank=True)
    pressure_max_kg = models.FloatField(null=True, blank=True)
    contact = models.CharField(max_length=20, blank=True)
    hold_s = models.PositiveSmallIntegerField(null=True, blank=True)
    repetitions = models.PositiveSmallIntegerField(default=1)
    duration_s = models.PositiveSmallIntegerField(null=True, blank=True)
    body_position = models.CharField(max_length=1000, blank=True)
    contract_s = models.PositiveSmallIntegerField(null=True, blank=True)
    # What happened, kept up to date from the events:
    status = models.CharField(max_length=8, choices=StepStatus.choices, default="pending")
    discomfort_max = models.PositiveSmallIntegerField(null=True, blank=True)  # 0–10
    discomfort_readings = models.JSONField(default=list, blank=True)
    """Every discomfort reading (0–10) in the order given."""
    ease_off_count = models.PositiveSmallIntegerField(default=0)
    released = models.BooleanField(default=False)
    twitch = models.BooleanField(default=False)
    referral_reproduced = models.BooleanField(default=False)
    hold_s_total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["session", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "order"], name="session_step_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.muscle_id} {self.technique}"


class SessionEvent(models.Model):
    """One tap in the session guide. ``event_id`` is chosen by the browser: a repeated send
    of the same event is stored once."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="events")
    event_id = models.UUIDField()
    seq = models.PositiveIntegerField()
    """The guide's own counter: the order the taps were made in."""
    kind = models.CharField(max_length=24, choices=[(k.value, k.value) for k in EventKind])
    step = models.ForeignKey(
        SessionStep, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    value = models.FloatField(null=True, blank=True)
    text = models.CharField(max_length=500, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["session", "seq", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "event_id"], name="session_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.seq} in session {self.session_id}"


class CheckInVia(models.TextChoices):
    TABLET = "tablet", "On the tablet"
    LINK = "link", "On the client's private link"
    API = "api", "Through the API"


class CheckInLink(models.Model):
    """What a check-in link opens: the visit's check-in, answered once ahead of the visit
    (the link itself, its expiry and revocation, is ``private``)."""

    private = models.OneToOneField(
        "common.PrivateLink", on_delete=models.PROTECT, related_name="checkin_link"
    )

    class Meta:
        ordering = ["-private__created_at", "-id"]

    def __str__(self) -> str:
        return f"Check-in link {self.pk}"

    @property
    def is_usable(self) -> bool:
        return self.private.is_open


class CheckIn(models.Model):
    """The visit's check-in: pain now, response to the last treatment, what changed, and the
    per-visit safety answers (question id -> "yes" / "no", ``myomap_core.checkin``)."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="checkins"
    )
    session = models.OneToOneField(
        TreatmentSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visit_checkin",
    )
    pain_now = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    response = models.CharField(max_length=8, blank=True, choices=RESPONSES)
    soreness = models.CharField(max_length=20, blank=True, choices=SORENESS)
    changes = models.TextField(blank=True, max_length=2000)
    safety = models.JSONField(default=dict)
    answers_changed = models.JSONField(default=list, blank=True)
    """Screening question ids this check-in turned to yes."""
    screening = models.ForeignKey(
        "screening.Screening", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=8, choices=CheckInVia.choices)
    link = models.ForeignKey(
        CheckInLink, on_delete=models.PROTECT, null=True, blank=True, related_name="checkins"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Check-in {self.pk} of patient {self.patient_id}"

    @property
    def said_yes(self) -> list[str]:
        return [k for k, v in self.safety.items() if v == "yes"]
