"""Fixtures of the mailing-list tests: a real SMTP server, mail settings, subscribers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from newsletter.models import Subscriber, SubscriberStatus

SITE_URL = "https://news.example.org"
WORKER_SECRET_KEY = "test-worker-secret-key-not-for-production"


@pytest.fixture(autouse=True)
def _newsletter_settings(settings):
    settings.SITE_URL = SITE_URL
    settings.RATELIMIT_ENABLED = False
    settings.NEWSLETTER_CONFIRMATION_INTERVAL = 0
    settings.NEWSLETTER_RETRY_BACKOFF = 0
    # Worker and test process sign and check the same confirmation links.
    settings.SECRET_KEY = WORKER_SECRET_KEY


@pytest.fixture
def worker_env(worker_env, smtp_server, settings):
    """The worker sends to the same SMTP server, with retries and leases shrunk to seconds."""
    worker_env.update(
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(settings.EMAIL_PORT),
        SITE_URL=SITE_URL,
        SECRET_KEY=WORKER_SECRET_KEY,
        NEWSLETTER_SEND_LEASE="3",
        NEWSLETTER_RETRY_BACKOFF="1",
        NEWSLETTER_SWEEP_INTERVAL="1",
        NEWSLETTER_CONFIRMATION_INTERVAL="0",
        RATELIMIT_ENABLED="0",
    )
    return worker_env


@pytest.fixture
def confirmed():
    """confirmed("a@example.org", topics=[...]) -> a confirmed subscriber."""

    def make(email: str, topics=(), **fields) -> Subscriber:
        subscriber = Subscriber.objects.create(
            email=email, status=SubscriberStatus.CONFIRMED, confirmed_at=timezone.now(), **fields
        )
        subscriber.topics.set(topics)
        return subscriber

    return make


@pytest.fixture
def many_confirmed():
    """many_confirmed(n) -> n confirmed subscribers of every topic, in one insert."""

    def make(count: int, prefix: str = "reader") -> list[Subscriber]:
        now = timezone.now()
        return Subscriber.objects.bulk_create(
            Subscriber(
                email=f"{prefix}{n}@example.org",
                status=SubscriberStatus.CONFIRMED,
                confirmed_at=now,
            )
            for n in range(count)
        )

    return make
