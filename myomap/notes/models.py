"""SOAP notes: one per treatment session, drafted, signed (then locked) and amended.

A signed note never changes: ``save`` and ``delete`` refuse it. Corrections are
``NoteAmendment`` rows, shown under the original with reason, author and time. Signed notes
and amendments form one hash chain per client (``chain_position`` orders it).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

SECTIONS = ("subjective", "objective", "assessment", "plan")
SECTION_LABELS = {
    "subjective": "Subjective",
    "objective": "Objective",
    "assessment": "Assessment",
    "plan": "Plan",
}


class NoteLocked(Exception):
    """A signed note (or an amendment) cannot be changed or deleted."""


class NoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class SoapNote(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="soap_notes"
    )
    session = models.OneToOneField(
        "treatment_sessions.TreatmentSession", on_delete=models.PROTECT, related_name="note"
    )
    subjective = models.TextField(blank=True, max_length=10000)
    objective = models.TextField(blank=True, max_length=20000)
    assessment = models.TextField(blank=True, max_length=10000)
    plan = models.TextField(blank=True, max_length=10000)
    status = models.CharField(max_length=8, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    edited = models.BooleanField(default=False)
    """The therapist changed the drafted text before signing."""
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    chain_position = models.PositiveIntegerField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "chain_position"])]

    def __str__(self) -> str:
        return f"SOAP note for session {self.session.number} of {self.patient}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = SoapNote.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == NoteStatus.SIGNED:
                raise NoteLocked(
                    f"Note {self.pk} is signed and cannot be changed; add an amendment instead."
                )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_signed:
            raise NoteLocked(f"Note {self.pk} is signed and cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.status == NoteStatus.SIGNED

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, s).strip() for s in SECTIONS)


class NoteAmendment(models.Model):
    """A correction of a signed note: the new text of the sections it changes, with why."""

    note = models.ForeignKey(SoapNote, on_delete=models.PROTECT, related_name="amendments")
    reason = models.CharField(max_length=500)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    subjective = models.TextField(blank=True, max_length=10000)
    objective = models.TextField(blank=True, max_length=20000)
    assessment = models.TextField(blank=True, max_length=10000)
    plan = models.TextField(blank=True, max_length=10000)
    """Blank: the section is unchanged by this amendment."""
    chain_position = models.PositiveIntegerField()
    previous_hash = models.CharField(max_length=64)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Amendment {self.pk} of note {self.note_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise NoteLocked(f"Amendment {self.pk} is signed and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise NoteLocked(f"Amendment {self.pk} is signed and cannot be deleted.")

    @property
    def sections(self) -> list[tuple[str, str]]:
        """(label, new text) of the sections this amendment changes."""
        return [(SECTION_LABELS[s], getattr(self, s)) for s in SECTIONS if getattr(self, s)]


class NoteChainCheck(models.Model):
    """The result of one check of a clinic's signed-note chains (the nightly task, or a run of
    the check on demand). The owner's audit page warns while the latest one failed."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(default=timezone.now, db_index=True)
    ok = models.BooleanField()
    clients = models.PositiveIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'problems'}"
