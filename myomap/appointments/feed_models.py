"""A therapist's private calendar feed: one usable link at a time, its token stored hashed."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CalendarFeed(models.Model):
    """The private address a therapist's calendar app subscribes to.

    Only the token's SHA-256 hash is stored (``myomap.common.links``). A feed is usable until
    it is revoked; replacing it revokes the old one, so a therapist has at most one.
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["therapist"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_usable_feed_per_therapist",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed {self.pk} ({'revoked' if self.revoked_at else 'active'})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None
