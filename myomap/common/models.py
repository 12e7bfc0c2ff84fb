"""Base models and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class TimeStamped(models.Model):
    """A row that knows when it was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    ARCHIVE = "archive", "Archived"
    RESTORE = "restore", "Restored"
    SEND = "send", "Sent"
    REVOKE = "revoke", "Revoked"
    SUBMIT = "submit", "Submitted"
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login_failed", "Failed login"
    LOGOUT = "logout", "Logged out"
    EXPORT = "export", "Exported"
    VERIFY = "verify", "Verified"


class AuditEvent(models.Model):
    """Who did what to which record, when and from where. Written in the same transaction."""

    clinic = models.ForeignKey(
        "clinics.Clinic", on_delete=models.PROTECT, related_name="audit_events", null=True
    )
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        related_name="audit_events",
        null=True,
        blank=True,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="audit_events",
        null=True,
        blank=True,
    )
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=500)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "-created_at"]),
            models.Index(fields=["patient", "-created_at"]),
            models.Index(fields=["actor", "-created_at"]),
            models.Index(fields=["clinic", "action", "-created_at"]),
            # The signed-note chain heads (myomap.notes.chain.HEAD_OBJECT), read by every
            # backup and the nightly check: a partial index holds only their rows.
            models.Index(
                fields=["id"],
                condition=models.Q(object_type="NoteChainHead"),
                name="audit_chain_heads",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.summary}"


class LinkPurpose(models.TextChoices):
    """What a private link opens for the client."""

    INTAKE = "intake", "Intake"
    QUESTIONNAIRE = "questionnaire", "Questionnaires"
    HOME_PROGRAM = "home_program", "Home program"
    CHECK_IN = "check_in", "Check-in"
    APPOINTMENT = "appointment", "Appointment"


class PrivateLink(models.Model):
    """A private link sent to a client without an account, whatever it opens.

    One row per link holds what every purpose shares: the token's SHA-256 hash (the token is
    shown once), expiry, revocation, when it was opened and completed. What the link opens is
    a detail row in the app that owns it (``IntakeLink``, ``QuestionnaireLink``,
    ``HomeProgramLink``, ``CheckInLink``, ``AppointmentLink``), joined one-to-one through
    ``private``. ``myomap.common.links`` is the one copy of the code that creates, finds,
    opens and revokes them.
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="private_links"
    )
    purpose = models.CharField(max_length=16, choices=LinkPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="None: the link closes with what it opens, not by date."
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "purpose", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link {self.pk} ({self.state})"

    @property
    def state(self) -> str:
        """revoked, completed (what it asked was sent), closed (the client is archived),
        expired or open, in that order."""
        if self.revoked_at is not None:
            return "revoked"
        if self.submitted_at is not None:
            return "completed"
        if self.patient.is_archived:
            return "closed"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "open"

    @property
    def is_open(self) -> bool:
        return self.state == "open"
