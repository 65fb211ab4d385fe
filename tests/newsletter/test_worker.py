"""The mailing list end to end: a real Celery worker, a real SMTP server, real faults."""

from __future__ import annotations

import pytest
from django.test import Client

from newsletter.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    Subscriber,
    SubscriberStatus,
)
from newsletter.services import campaigns
from publications.models import Publication, Status
from tests.factories import PublicationFactory, TopicFactory
from tests.newsletter.conftest import SITE_URL
from tests.servers import wait_until
from tests.workflow import publish as workflow_publish

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]


def path_of(url: str) -> str:
    assert url.startswith(SITE_URL), url
    return url.removeprefix(SITE_URL)


def publish(publication) -> None:
    workflow_publish(Publication.objects.filter(pk=publication.pk))


def delivery_counts(campaign) -> dict[str, int]:
    rows = Delivery.objects.filter(campaign=campaign)
    return {status: rows.filter(status=status).count() for status in DeliveryStatus.values}


def test_signup_confirm_publish_and_one_click_unsubscribe(celery_worker, smtp_server, client):
    trade = TopicFactory(name="Trade")
    celery_worker()

    response = client.post("/newsletter/", {"email": "Reader@Example.org", "topics": [trade.pk]})
    assert response.status_code == 200

    (confirmation,) = wait_until(lambda: smtp_server.to("Reader@example.org"), timeout=60)
    confirm_path = path_of(confirmation.link("/newsletter/confirm/"))
    assert "Confirm my subscription" in client.get(confirm_path).content.decode()
    assert "You are subscribed" in client.post(confirm_path).content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.CONFIRMED

    publish(PublicationFactory(title="Tariffs and allies", status=Status.DRAFT, topics=[trade]))

    update = wait_until(lambda: smtp_server.to("Reader@example.org")[1:], timeout=60)[0]
    assert "Tariffs and allies" in update.header("Subject")
    assert "Tariffs and allies" in update.text
    assert "Tariffs and allies" in update.html
    unsubscribe_url = f"{SITE_URL}/newsletter/unsubscribe/{subscriber.token}/"
    assert update.header("List-Unsubscribe") == f"<{unsubscribe_url}>"
    assert update.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"

    # What a mail provider sends for RFC 8058: no session, no CSRF token.
    provider = Client(enforce_csrf_checks=True)
    one_click = provider.post(
        path_of(unsubscribe_url),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED

    later = PublicationFactory(title="A later report", status=Status.DRAFT, topics=[trade])
    publish(later)
    campaign = wait_until(
        lambda: Campaign.objects.filter(
            items__publication=later, status=CampaignStatus.SENT
        ).first(),
        timeout=60,
    )
    assert campaign.deliveries.count() == 0
    assert len(smtp_server.to("Reader@example.org")) == 2


def test_a_worker_killed_mid_campaign_of_1000_sends_each_exactly_once(
    celery_worker, smtp_server, many_confirmed
):
    readers = many_confirmed(1000)
    # The server holds message 350 unanswered; the worker is killed while it waits for the
    # reply, so that message was never accepted and the kill lands mid-batch, mid-SMTP.
    smtp_server.pause_at = 350
    first = celery_worker()
    campaign = campaigns.campaign_compose(
        subject="A big digest", intro="", publications=[PublicationFactory()]
    )
    campaigns.campaign_queue(campaign=campaign)

    assert smtp_server.paused.wait(timeout=120), first.output()
    first.kill()
    smtp_server.resume.set()
    assert smtp_server.count() == 349
    celery_worker(name="w2")
    celery_worker(beat=True, name="beat")

    wait_until(
        lambda: delivery_counts(campaign)[DeliveryStatus.SENT] == 1000,
        timeout=180,
        message=str(delivery_counts(campaign)),
    )
    recipients = [message.to for message in smtp_server.messages]
    assert len(recipients) == 1000
    assert sorted(recipients) == sorted(reader.email for reader in readers)
    assert Delivery.objects.filter(campaign=campaign, attempts=2).count() >= 1
    wait_until(lambda: Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SENT)


def test_refused_and_dropped_recipients_through_the_worker(
    celery_worker, smtp_server, many_confirmed
):
    readers = many_confirmed(30)
    smtp_server.refuse = {"reader3@example.org", "reader17@example.org"}
    smtp_server.drop_at = {10}
    celery_worker()
    campaign = campaigns.campaign_compose(
        subject="Digest", intro="", publications=[PublicationFactory()]
    )
    campaigns.campaign_queue(campaign=campaign)

    wait_until(
        lambda: Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SENT,
        timeout=60,
        message=str(delivery_counts(campaign)),
    )
    assert delivery_counts(campaign)[DeliveryStatus.SENT] == 28
    failed = Delivery.objects.filter(campaign=campaign, status=DeliveryStatus.FAILED)
    assert sorted(failed.values_list("subscriber__email", flat=True)) == [
        "reader17@example.org",
        "reader3@example.org",
    ]
    assert all("550" in delivery.error for delivery in failed)
    recipients = sorted(message.to for message in smtp_server.messages)
    expected = sorted(r.email for r in readers if r.email not in smtp_server.refuse)
    assert recipients == expected  # the one cut off was sent again, and only once
