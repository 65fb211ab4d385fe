import concurrent.futures
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from newsletter import queue
from newsletter.models import (
    ConsentRecord,
    Delivery,
    Subscriber,
    SubscriberStatus,
    SuppressedAddress,
    SuppressionReason,
    address_hash,
)
from newsletter.services import campaigns
from newsletter.services import subscribers as services
from tests.factories import PublicationFactory, TopicFactory

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def sign_up(email, topics=()):
    return services.subscriber_signup(
        email=email,
        topics=list(topics),
        ip_address="192.0.2.1",
        user_agent="test",
        wording="I agree.",
        form_version="test-1",
    )


@pytest.fixture
def queued(monkeypatch):
    ids = []
    monkeypatch.setattr(queue, "send_confirmation", ids.append)
    return ids


@pytest.mark.django_db(transaction=True)
def test_a_signup_storm_for_one_address_sends_at_most_the_cap(queued, settings):
    settings.NEWSLETTER_CONFIRMATIONS_PER_DAY = 3
    variants = ["storm@example.org", "Storm@Example.org", "storm@EXAMPLE.ORG", " storm@example.org"]

    def post(n):
        try:
            response = Client().post("/newsletter/", {"email": variants[n % len(variants)]})
            return response.status_code, CSRF.sub("", response.content.decode())
        finally:
            connection.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(pool.map(post, range(60)))

    assert {status for status, _ in responses} == {200}
    assert len({body for _, body in responses}) == 1
    subscriber = Subscriber.objects.get()
    assert len(queued) == 3
    assert queued == [subscriber.pk] * 3
    assert ConsentRecord.objects.count() == 3


@pytest.mark.django_db
def test_the_cap_counts_only_the_last_24_hours(queued, settings):
    settings.NEWSLETTER_CONFIRMATIONS_PER_DAY = 2
    day_ago = timezone.now() - timedelta(hours=25)
    Subscriber.objects.create(email="a@example.org", confirmations_sent=[day_ago, day_ago])

    assert sign_up("a@example.org") is True
    assert sign_up("a@example.org") is True
    assert sign_up("a@example.org") is False
    assert len(Subscriber.objects.get().recent_confirmations(timedelta(hours=24))) == 2


@pytest.mark.django_db
def test_a_bounced_or_complaining_address_gets_no_confirmation_email(queued):
    services.address_suppress(email="Bounced@Example.org", reason=SuppressionReason.BOUNCE)

    assert sign_up("bounced@example.org") is False
    assert queued == []


@pytest.mark.django_db
def test_purging_deletes_only_pending_subscribers_whose_link_expired(settings):
    settings.NEWSLETTER_CONFIRM_MAX_AGE = 7 * 86400
    old = timezone.now() - timedelta(days=8)
    stale = Subscriber.objects.create(email="stale@example.org", pending_since=old)
    fresh = Subscriber.objects.create(email="fresh@example.org", pending_since=timezone.now())
    kept = Subscriber.objects.create(
        email="kept@example.org", status=SubscriberStatus.CONFIRMED, pending_since=None
    )

    assert services.subscribers_purge_pending() == 1

    remaining = set(Subscriber.objects.values_list("pk", flat=True))
    assert remaining == {fresh.pk, kept.pk}
    assert stale.pk not in remaining


@pytest.mark.django_db
def test_erasure_leaves_only_the_hash_of_the_address(confirmed):
    subscriber = confirmed("Erase.Me@Example.org", topics=[TopicFactory()])
    ConsentRecord.objects.create(subscriber=subscriber, wording="I agree.", form_version="1")
    campaign = campaigns.campaign_compose(
        subject="Digest", intro="", publications=[PublicationFactory()]
    )
    Delivery.objects.create(campaign=campaign, subscriber=subscriber)

    services.subscriber_erase(subscriber=subscriber)

    assert not Subscriber.objects.exists()
    assert not ConsentRecord.objects.exists()
    assert not Delivery.objects.exists()
    suppressed = SuppressedAddress.objects.get()
    assert suppressed.address_sha256 == address_hash("erase.me@example.org")
    assert suppressed.reason == SuppressionReason.ERASURE
    assert "erase" not in str(list(SuppressedAddress.objects.values())).lower()


@pytest.mark.django_db
def test_after_erasure_the_owner_may_sign_up_again_and_confirming_lifts_it(queued):
    subscriber = Subscriber.objects.create(email="back@example.org")
    services.subscriber_erase(subscriber=subscriber)

    assert sign_up("back@example.org") is True
    again = Subscriber.objects.get()
    from newsletter.tokens import confirm_token_make

    token = confirm_token_make(subscriber_id=again.pk, nonce=again.confirm_nonce)
    outcome, _ = services.subscriber_confirm(token=token)

    assert outcome is services.ConfirmOutcome.CONFIRMED
    assert not SuppressedAddress.objects.exists()


@pytest.mark.django_db
def test_suppressing_an_address_marks_its_subscriber(confirmed):
    subscriber = confirmed("Hard@Example.org")

    services.address_suppress(email="hard@example.org", reason=SuppressionReason.COMPLAINT)

    subscriber.refresh_from_db()
    assert subscriber.suppressed_at is not None
    assert subscriber.suppression_reason == SuppressionReason.COMPLAINT
    assert not Subscriber.objects.receiving().exists()


@pytest.mark.django_db
def test_one_row_per_address_compared_case_insensitively():
    from django.db import IntegrityError

    Subscriber.objects.create(email="Same@example.org")

    with pytest.raises(IntegrityError):
        Subscriber.objects.create(email="same@EXAMPLE.org")
