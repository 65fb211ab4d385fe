"""Queuing the mailing list's tasks. Services call these and never import newsletter.tasks, which
imports the services: the task is looked up by name in the Celery app."""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError

from core.queueing import task

logger = logging.getLogger(__name__)


def announce_new_publications() -> None:
    """Announce what became public; the periodic run (60 s) catches anything this misses, such as
    a broker that is down, so failing to queue is only logged."""
    try:
        task("newsletter.tasks.announce_new_publications").delay()
    except (OperationalError, OSError):
        logger.warning(
            "Could not queue the announcement task; the periodic run will.", exc_info=True
        )


def send_campaign(campaign_id: int, countdown: int | None = None) -> None:
    task("newsletter.tasks.send_campaign").apply_async((campaign_id,), countdown=countdown)


def send_campaign_test(campaign_id: int, email: str) -> None:
    task("newsletter.tasks.send_campaign_test").delay(campaign_id, email)


def send_confirmation(subscriber_id: int) -> None:
    task("newsletter.tasks.send_confirmation").delay(subscriber_id)
