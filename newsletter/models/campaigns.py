"""Update emails: campaigns, the publications they carry and one delivery per subscriber."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from newsletter.models.subscribers import Subscriber
from publications.models import Publication


class CampaignKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", "Announcement"
    DIGEST = "digest", "Digest"
    MANUAL = "manual", "Manual digest"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # Unsubscribed or suppressed between queueing and sending.
    SKIPPED = "skipped", "Skipped"


OPEN_DELIVERY = [DeliveryStatus.QUEUED, DeliveryStatus.SENDING]


class CampaignQuerySet(models.QuerySet):
    def with_counts(self):
        """Each campaign with how many of its deliveries are queued, sent and failed."""

        def count(*statuses):
            return Count("deliveries", filter=Q(deliveries__status__in=statuses))

        return self.annotate(
            queued_count=count(*OPEN_DELIVERY),
            sent_count=count(DeliveryStatus.SENT),
            failed_count=count(DeliveryStatus.FAILED),
            skipped_count=count(DeliveryStatus.SKIPPED),
        )

    def unfinished(self):
        return self.filter(status=CampaignStatus.SENDING)


class Campaign(models.Model):
    subject = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="Plain text shown above the publications.")
    kind = models.CharField(max_length=16, choices=CampaignKind.choices)
    status = models.CharField(
        max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    publications = models.ManyToManyField(
        Publication, through="CampaignPublication", related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("send_campaign", "Can compose and send campaigns")]

    def __str__(self):
        return self.subject


class CampaignPublication(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    # Automatic announcements only: each publication is announced once, ever. Manual digests may
    # carry a publication again.
    announcement = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "publication"], name="campaign_publication_unique"
            ),
            models.UniqueConstraint(
                fields=["publication"],
                condition=Q(announcement=True),
                name="publication_announced_once",
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id}: {self.publication_id}"


class DeliveryQuerySet(models.QuerySet):
    def claimable(self, now=None):
        """Due to be sent: queued (past any backoff), or sending under a lease that expired."""
        now = now or timezone.now()
        queued = Q(status=DeliveryStatus.QUEUED) & (
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )
        abandoned = Q(status=DeliveryStatus.SENDING, lease_until__lt=now)
        return self.filter(queued | abandoned)

    def open(self):
        return self.filter(status__in=OPEN_DELIVERY)


class Delivery(models.Model):
    """One campaign to one subscriber: the record that says whether it went."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "subscriber"], name="delivery_campaign_subscriber_unique"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="delivery_campaign_status_idx")]

    def __str__(self):
        return f"{self.campaign_id} → {self.subscriber_id}: {self.status}"
