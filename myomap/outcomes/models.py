"""Outcome questionnaire responses, each stored with its score, and private questionnaire links."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

INSTRUMENT_CHOICES = [
    ("nprs", "Pain rating (NPRS)"),
    ("odi", "Oswestry Disability Index"),
    ("rmdq", "Roland-Morris Disability Questionnaire"),
    ("startback", "Keele STarT Back"),
    ("psfs", "Patient-Specific Functional Scale"),
]


class OutcomeResponse(models.Model):
    """One filled questionnaire and the score the clinical core gave it.

    ``answers`` maps item id -> answer; a skipped item is absent (never stored as 0).
    ``session_number`` is the number of treatment sessions completed when it was taken
    (0 = before the first treatment, the baseline).
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="outcome_responses"
    )
    instrument = models.CharField(max_length=12, choices=INSTRUMENT_CHOICES)
    answers = models.JSONField(default=dict, blank=True)
    score_value = models.FloatField()
    score_display = models.CharField(max_length=20)
    band = models.CharField(max_length=20, blank=True)
    band_label = models.CharField(max_length=80, blank=True)
    subscores = models.JSONField(default=dict, blank=True)
    answered = models.PositiveSmallIntegerField(default=0)
    skipped = models.JSONField(default=list, blank=True)
    session_number = models.PositiveSmallIntegerField(default=0)
    taken_at = models.DateTimeField(default=timezone.now)
    filled_by_client = models.BooleanField(default=False)
    link = models.ForeignKey(
        "outcomes.QuestionnaireLink",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-taken_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "instrument", "-taken_at"]),
            models.Index(fields=["clinic", "-taken_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {self.score_display} of patient {self.patient_id}"


class QuestionnaireLink(models.Model):
    """What a questionnaire link opens: one or more questionnaires (the link itself is
    ``private``). ``draft`` keeps the answers as the client goes (instrument id -> item id ->
    answer), so the same link resumes where they stopped."""

    private = models.OneToOneField(
        "common.PrivateLink", on_delete=models.PROTECT, related_name="questionnaire_link"
    )
    instruments = models.JSONField(default=list)
    draft = models.JSONField(default=dict, blank=True)
    session_number = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-private__created_at", "-id"]

    def __str__(self) -> str:
        return f"Questionnaire link {self.pk}"

    @property
    def is_usable(self) -> bool:
        return self.private.is_open


class ProgressStanding(models.Model):
    """Where one client stands, kept beside their responses so the dashboard reads it.

    Every client has one from the moment they are registered: never measured
    (``last_taken`` empty, due since registration) until their first response. Rewritten in
    the same transaction as every response of the client (``myomap.outcomes.standing``);
    ``active`` follows the client's archiving (``myomap.outcomes.receivers``). The dashboard
    compares ``due_at`` with the time it is read, so nothing here goes stale with the calendar.
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.PROTECT, related_name="progress_standing"
    )
    active = models.BooleanField(default=True)
    status = models.CharField(max_length=24, blank=True)
    group = models.CharField(max_length=16, blank=True)
    label = models.CharField(max_length=80, blank=True)
    explanation = models.TextField(blank=True)
    flag = models.CharField(max_length=32, blank=True)
    sessions = models.PositiveSmallIntegerField(default=0)
    reassess_in_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    latest = models.JSONField(default=list, blank=True)
    last_taken = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Of the active clients only, so the archived never cost a read: each group's size
        # and first rows in client order from the index alone; the due ones (their count,
        # less the emergencies, and rows) by due time.
        indexes = [
            models.Index(
                fields=["clinic", "group", "patient"],
                condition=models.Q(active=True),
                name="outcomes_standing_group",
            ),
            models.Index(
                fields=["clinic", "due_at", "patient"],
                condition=models.Q(active=True),
                name="outcomes_standing_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status or 'unscored'} for patient {self.patient_id}"
