"""Bounces and complaints reported by the email service provider (django-anymail's tracking
webhook) suppress the address: never emailed again, hard bounces never retried."""

from __future__ import annotations

import logging

from newsletter.models import SuppressionReason
from newsletter.services.subscribers import address_suppress

logger = logging.getLogger(__name__)

# Soft bounces (a full mailbox, a greylisting server) say nothing lasting about the address.
SOFT_BOUNCE_TYPES = {"SoftBounce", "Transient", "DnsError", "AutoResponder"}
HARD_REJECT_REASONS = {"bounced", "invalid", "spam"}


def suppression_reason(event) -> str | None:
    """What a tracking event means for the address: bounce, complaint, or nothing."""
    if event.event_type == "complained":
        return SuppressionReason.COMPLAINT
    esp_type = (event.esp_event or {}).get("Type") if isinstance(event.esp_event, dict) else None
    if event.event_type == "bounced" and esp_type not in SOFT_BOUNCE_TYPES:
        return SuppressionReason.BOUNCE
    if event.event_type == "rejected" and event.reject_reason in HARD_REJECT_REASONS:
        return (
            SuppressionReason.COMPLAINT
            if event.reject_reason == "spam"
            else SuppressionReason.BOUNCE
        )
    return None


def handle_tracking(sender, event, esp_name, **kwargs) -> None:
    """anymail.signals.tracking receiver: suppress bounced and complaining addresses."""
    reason = suppression_reason(event)
    if reason and event.recipient:
        address_suppress(email=event.recipient, reason=reason)
        logger.info("Suppressed an address after a %s reported by %s.", reason, esp_name)
