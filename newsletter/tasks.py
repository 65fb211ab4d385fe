"""Celery tasks of the mailing list (the `email` queue): thin wrappers that call one service."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.conf import settings

from newsletter.services import campaigns, sending, subscribers


@shared_task
def announce_new_publications(settle_seconds: int = 0) -> list[int]:
    """Queue a campaign for each batch of newly public publications not yet announced."""
    return campaigns.campaigns_announce_new(settle_seconds=settle_seconds)


@shared_task(bind=True, max_retries=None)
def send_campaign(self, campaign_id: int) -> dict:
    """Send the campaign's due deliveries; come back when those waiting out a backoff are due."""
    report = sending.campaign_send(campaign_id=campaign_id)
    if report.retry_in is not None:
        raise self.retry(countdown=max(1, round(report.retry_in)))
    return {"sent": report.sent, "failed": report.failed, "skipped": report.skipped}


@shared_task(
    autoretry_for=(smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError),
    retry_backoff=settings.NEWSLETTER_RETRY_BACKOFF,
    max_retries=settings.NEWSLETTER_MAX_ATTEMPTS,
)
def send_confirmation(subscriber_id: int) -> bool:
    """Email a pending subscriber their confirmation link."""
    return subscribers.subscriber_send_confirmation(subscriber_id=subscriber_id)


@shared_task
def send_campaign_test(campaign_id: int, email: str) -> bool:
    """Send a campaign to one member of staff, to see it as readers will."""
    return sending.campaign_send_test(campaign_id=campaign_id, email=email)


@shared_task
def sweep_campaigns() -> int:
    """Finish campaigns with nothing left; queue again those a dead worker left behind."""
    return campaigns.campaigns_sweep()


@shared_task
def purge_pending_subscribers() -> int:
    """Delete pending subscribers whose confirmation link has expired."""
    return subscribers.subscribers_purge_pending()
