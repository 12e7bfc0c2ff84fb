"""The aftercare sheet of a session, the client's home program link and the days marked done."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from myomap_core.home_program import dose_of, starts_on, with_dose


class AftercareSheet(models.Model):
    """The aftercare sheet as it was made for one session (a snapshot: later changes to the
    knowledge base or the intake do not rewrite what the client was given)."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="aftercare_sheets"
    )
    session = models.OneToOneField(
        "treatment_sessions.TreatmentSession", on_delete=models.PROTECT, related_name="aftercare"
    )
    content = models.JSONField()
    """``myomap_core.aftercare.sheet_json`` of the sheet."""
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Aftercare sheet of session {self.session_id}"

    @property
    def items(self) -> list[dict[str, object]]:
        """The home program as curated, in order; each item with its dose and first day."""
        return [self._complete(item) for item in self.content.get("home_program", [])]

    @property
    def set_aside(self) -> list[dict[str, object]]:
        """Items proposed but not in the program (cut from the proposal or removed)."""
        return [self._complete(item) for item in self.content.get("home_program_aside", [])]

    def first_day(self, item: dict[str, object]) -> date:
        """The first day ``item`` can be ticked."""
        return starts_on(item, self.start_date)

    @staticmethod
    def _complete(item: dict[str, object]) -> dict[str, object]:
        # A sheet made before doses: its kind's default dose.
        return dict(item) if "times" in item else with_dose(item, dose_of(item))

    @property
    def item_ids(self) -> list[str]:
        return [str(item["id"]) for item in self.items]

    @property
    def start_date(self) -> date:
        """The first day the home program counts: the day the sheet was made, at the clinic."""
        return timezone.localdate(self.created_at, self.clinic.zone)


class HomeProgramLink(models.Model):
    """What a home program link opens: the sheet and its home program on the client's phone
    (the link itself is ``private``)."""

    private = models.OneToOneField(
        "common.PrivateLink", on_delete=models.PROTECT, related_name="home_program_link"
    )
    sheet = models.ForeignKey(AftercareSheet, on_delete=models.PROTECT, related_name="links")

    class Meta:
        ordering = ["-private__created_at", "-id"]

    def __str__(self) -> str:
        return f"Home program link {self.pk}"

    @property
    def is_usable(self) -> bool:
        return self.private.is_open


class HomeProgramMark(models.Model):
    """One home program item done on one day, once or more."""

    sheet = models.ForeignKey(AftercareSheet, on_delete=models.CASCADE, related_name="marks")
    link = models.ForeignKey(
        HomeProgramLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="marks"
    )
    item_id = models.CharField(max_length=80)
    day = models.DateField()
    count = models.PositiveSmallIntegerField(default=1)
    """Times done that day (an item done twice a day is ticked twice)."""
    filled_by_client = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sheet", "-day", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "item_id", "day"], name="home_program_mark_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} done on {self.day}"
