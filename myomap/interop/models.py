"""Documents that came in from another practice: read-only, with where they came from."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class ImportedDocumentLocked(Exception):
    """An imported document is the sending clinic's record: it is never changed or deleted."""


class ImportedKind(models.TextChoices):
    SOAP_NOTE = "soap_note", "Signed SOAP note"
    AMENDMENT = "amendment", "Amendment of a signed SOAP note"


class ImportedDocument(models.Model):
    """A signed note (or amendment) of another clinic, imported from a FHIR Bundle.

    It is shown as the sending clinic wrote it, never edited; ``source_*`` say where it came
    from and ``amends`` links an amendment to its note.
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="imported_documents"
    )
    kind = models.CharField(max_length=12, choices=ImportedKind.choices)
    title = models.CharField(max_length=200)
    text = models.TextField(max_length=60000)
    description = models.CharField(max_length=600, blank=True)
    authored_at = models.DateTimeField()
    author_name = models.CharField(max_length=200, blank=True)
    amends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    source_clinic = models.CharField(max_length=200)
    """The sending clinic's name, as its Bundle gave it."""
    source_identifier = models.CharField(max_length=300, blank=True)
    """The document's identifier in the sending system (system|value)."""
    source_bundle = models.CharField(max_length=300, blank=True)
    """The Bundle it came in (identifier, and when it was written)."""
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["authored_at", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.source_clinic})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImportedDocumentLocked(f"Imported document {self.pk} cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImportedDocumentLocked(f"Imported document {self.pk} cannot be deleted.")
