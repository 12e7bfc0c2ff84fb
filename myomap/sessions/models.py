"""A treatment session, its steps (copied from the plan when it starts) and its event log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from myomap.plans.models import TECHNIQUE_CHOICES
from myomap_core.session import EventKind


class SessionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    FINISHED = "finished", "Finished"


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
        max_length=12, choices=SessionStatus.choices, default=SessionStatus.IN_PROGRESS
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

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "number"], name="session_number_unique")
        ]

    def __str__(self) -> str:
        return f"Session {self.number} for {self.patient}"

    @property
    def is_finished(self) -> bool:
        return self.status == SessionStatus.FINISHED

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
