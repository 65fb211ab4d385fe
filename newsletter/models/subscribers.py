"""Subscribers, the consent they gave, and the addresses we must never email again."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from publications.models import Topic


def normalise_email(address: str) -> str:
    """Trimmed, with the domain lower-cased (the local part is the mailbox owner's to case)."""
    local, at, domain = address.strip().rpartition("@")
    return f"{local}{at}{domain.lower()}" if at else address.strip()


def address_hash(address: str) -> str:
    """SHA-256 of the address compared case-insensitively: all that suppression keeps."""
    return hashlib.sha256(normalise_email(address).lower().encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", "Pending confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class SuppressionReason(models.TextChoices):
    BOUNCE = "bounce", "Hard bounce"
    COMPLAINT = "complaint", "Spam complaint"
    ERASURE = "erasure", "Erased on request"


class SubscriberQuerySet(models.QuerySet):
    def by_email(self, address: str):
        """The one row for this address, compared case-insensitively (as the constraint does)."""
        return self.alias(email_lower=Lower("email")).filter(
            email_lower=normalise_email(address).lower()
        )

    def receiving(self):
        """Confirmed and not suppressed: the only subscribers update emails go to."""
        return self.filter(status=SubscriberStatus.CONFIRMED, suppressed_at__isnull=True)

    def interested_in(self, topic_ids):
        """Subscribers to all topics, or to any of these."""
        links = Subscriber.topics.through.objects.filter(
            subscriber_id=OuterRef("pk"), topic_id__in=topic_ids
        )
        any_topic = Subscriber.topics.through.objects.filter(subscriber_id=OuterRef("pk"))
        return self.filter(~Exists(any_topic) | Exists(links))

    def stale_pending(self, max_age: timedelta):
        """Pending subscribers whose last confirmation link has expired."""
        cutoff = timezone.now() - max_age
        return self.filter(status=SubscriberStatus.PENDING, pending_since__lt=cutoff)


class Subscriber(models.Model):
    email = models.CharField(max_length=254)
    status = models.CharField(
        max_length=16, choices=SubscriberStatus.choices, default=SubscriberStatus.PENDING
    )
    topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="newsletter_subscribers",
        help_text="None chosen means every topic.",
    )
    # The secret in unsubscribe and preferences links; never shown elsewhere.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # Carried in the signed confirmation link and replaced when used: each link works once.
    confirm_nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    # When each recent confirmation email was queued; the per-address cap counts these.
    confirmations_sent = ArrayField(models.DateTimeField(), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    pending_since = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    suppressed_at = models.DateTimeField(null=True, blank=True)
    suppression_reason = models.CharField(
        max_length=16, choices=SuppressionReason.choices, blank=True
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_unique"),
            models.CheckConstraint(
                condition=Q(status__in=SubscriberStatus.values), name="subscriber_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "pending_since"], name="subscriber_status_idx")]
        permissions = [("export_subscribers", "Can export subscribers as CSV")]

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.status == SubscriberStatus.CONFIRMED

    def recent_confirmations(self, window: timedelta) -> list:
        cutoff = timezone.now() - window
        return [moment for moment in self.confirmations_sent if moment > cutoff]


class ConsentRecord(models.Model):
    """What a person agreed to, when and from where: kept for as long as the subscriber is."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    created_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    wording = models.TextField()
    form_version = models.CharField(max_length=32)
    topics = models.JSONField(default=list, blank=True, help_text="Topic names chosen, if any.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.subscriber_id} at {self.created_at:%Y-%m-%d %H:%M}"


class SuppressedAddress(models.Model):
    """An address never to be emailed again, kept only as a hash (erasure keeps nothing more)."""

    address_sha256 = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=16, choices=SuppressionReason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "suppressed addresses"

    def __str__(self):
        return f"{self.address_sha256[:12]}… ({self.get_reason_display()})"
