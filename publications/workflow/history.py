"""The record of every workflow transition: who moved a publication from which state to which,
when, and why. Imported by publications.models, so Django registers it with the app."""

from django.conf import settings
from django.db import models

from publications.models import Status


class PublicationTransition(models.Model):
    publication = models.ForeignKey(
        "publications.Publication", on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(max_length=16)
    from_status = models.CharField(max_length=16, choices=Status.choices)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    # Null for the system's own moves (the clock releasing a scheduled item, an import):
    # actor_label names them, and keeps a deleted user's name.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    comment = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    release_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["publication", "-created_at"], name="transition_publication_idx")
        ]

    def __str__(self):
        return f"{self.publication_id}: {self.from_status} → {self.to_status} by {self.actor_label}"
