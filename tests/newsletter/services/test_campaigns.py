import datetime
import json
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from newsletter import queue
from newsletter.models import (
    Campaign,
    CampaignKind,
    CampaignPublication,
    CampaignStatus,
    Delivery,
    Subscriber,
    SubscriberStatus,
)
from newsletter.services import campaigns
from publications import services as publishing
from publications.models import Publication, Status
from publications.workflow import services as workflow_services
from tests.factories import PublicationFactory, TopicFactory
from tests.workflow import approve, publisher
from tests.workflow import publish as workflow_publish
from tests.workflow import withdraw as workflow_withdraw

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[3]


def draft(**fields):
    return PublicationFactory(status=Status.DRAFT, **fields)


def publish(*publications):
    pks = [publication.pk for publication in publications]
    return workflow_publish(Publication.objects.filter(pk__in=pks))


def announced():
    return list(Campaign.objects.order_by("pk"))


def items(campaign):
    return list(campaign.items.values_list("publication_id", flat=True))


def test_a_published_publication_is_announced_once_ever(confirmed):
    confirmed("r@example.org")
    publication = draft()
    publish(publication)

    campaigns.campaigns_announce_new()
    campaigns.campaigns_announce_new()

    (campaign,) = announced()
    assert campaign.kind == CampaignKind.ANNOUNCEMENT
    assert items(campaign) == [publication.pk]
    assert campaign.status == CampaignStatus.SENDING
    assert campaign.deliveries.count() == 1


def test_unpublishing_and_publishing_again_announces_nothing_new():
    publication = draft()
    publish(publication)
    campaigns.campaigns_announce_new()
    workflow_withdraw(Publication.objects.filter(pk=publication.pk))

    publish(publication)
    campaigns.campaigns_announce_new()

    assert len(announced()) == 1


def test_publications_published_together_go_out_as_one_digest():
    together = [draft(), draft(), draft()]
    alone = draft()
    publish(*together)
    publish(alone)

    campaigns.campaigns_announce_new()

    digest, single = announced()
    assert digest.kind == CampaignKind.DIGEST
    assert sorted(items(digest)) == sorted(p.pk for p in together)
    assert single.kind == CampaignKind.ANNOUNCEMENT
    assert items(single) == [alone.pk]


def test_the_database_refuses_a_second_announcement_of_a_publication():
    publication = PublicationFactory()
    first = Campaign.objects.create(subject="a", kind=CampaignKind.ANNOUNCEMENT)
    second = Campaign.objects.create(subject="b", kind=CampaignKind.ANNOUNCEMENT)
    CampaignPublication.objects.create(campaign=first, publication=publication, announcement=True)
    CampaignPublication.objects.create(campaign=second, publication=publication)  # manual: fine

    with pytest.raises(IntegrityError):
        CampaignPublication.objects.create(
            campaign=second, publication=publication, announcement=True
        )


def test_a_publication_not_to_be_announced_is_not():
    publication = draft(announce=False)
    publish(publication)

    assert campaigns.campaigns_announce_new() == []


def test_drafts_and_future_scheduled_items_are_not_announced_until_they_come_due():
    draft()
    scheduled = draft()
    approve(Publication.objects.filter(pk=scheduled.pk))
    workflow_services.publication_schedule(
        publication=scheduled, actor=publisher(), release_at=timezone.now() + timedelta(days=3)
    )
    assert campaigns.campaigns_announce_new() == []

    # Its time comes: the row as the clock finds it, then released as the beat releases it.
    due = timezone.now() - timedelta(minutes=1)
    Publication.objects.filter(pk=scheduled.pk).update(release_at=due, visible_from=due)
    workflow_services.publications_release_due()

    (campaign,) = [Campaign.objects.get(pk=pk) for pk in campaigns.campaigns_announce_new()]
    assert items(campaign) == [scheduled.pk]


def test_publications_first_public_long_ago_are_never_announced(settings):
    settings.NEWSLETTER_ANNOUNCE_MAX_AGE = 3 * 86400
    PublicationFactory(
        first_published_at=timezone.now() - timedelta(days=30), publish_batch=uuid.uuid4()
    )

    assert campaigns.campaigns_announce_new() == []


def test_a_batch_still_growing_waits_for_the_periodic_run_to_settle():
    publish(draft())

    assert campaigns.campaigns_announce_new(settle_seconds=60) == []
    assert len(campaigns.campaigns_announce_new(settle_seconds=0)) == 1


def test_subscribers_get_deliveries_only_for_publications_in_their_topics(confirmed):
    trade, energy, health = TopicFactory(), TopicFactory(), TopicFactory()
    everything = confirmed("all@example.org")
    trade_reader = confirmed("trade@example.org", topics=[trade])
    energy_reader = confirmed("energy@example.org", topics=[energy, health])
    health_reader = confirmed("health@example.org", topics=[health])
    publish(draft(topics=[trade]), draft(topics=[energy]))

    (campaign_id,) = campaigns.campaigns_announce_new()

    readers = set(
        Delivery.objects.filter(campaign_id=campaign_id).values_list("subscriber_id", flat=True)
    )
    assert readers == {everything.pk, trade_reader.pk, energy_reader.pk}
    assert health_reader.pk not in readers


def test_unconfirmed_unsubscribed_and_suppressed_subscribers_get_nothing(confirmed):
    Subscriber.objects.create(email="pending@example.org")
    Subscriber.objects.create(email="gone@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    confirmed("bounced@example.org", suppressed_at=timezone.now())
    reader = confirmed("reader@example.org")
    publish(draft())

    (campaign_id,) = campaigns.campaigns_announce_new()

    assert list(
        Delivery.objects.filter(campaign_id=campaign_id).values_list("subscriber_id", flat=True)
    ) == [reader.pk]


def test_queueing_a_campaign_twice_creates_no_second_delivery(confirmed):
    confirmed("r@example.org")
    campaign = campaigns.campaign_compose(
        subject="S", intro="", publications=[PublicationFactory()]
    )

    assert campaigns.campaign_queue(campaign=campaign) == 1
    assert campaigns.campaign_queue(campaign=campaign) == 1
    assert Delivery.objects.count() == 1


def queued_by_name(sent):
    """A stand-in for the task registry: records the names of the tasks queued."""
    return lambda name: SimpleNamespace(delay=lambda *args: sent.append(name))


def test_publishing_tells_the_newsletter_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(queue, "task", queued_by_name(sent))

    with django_capture_on_commit_callbacks(execute=True):
        publish(draft())
        assert sent == []

    assert sent == ["newsletter.tasks.announce_new_publications"]


def test_saving_a_publication_that_becomes_public_asks_for_an_announcement(
    monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(queue, "task", queued_by_name(sent))
    publication = draft()
    future = draft(publication_date=timezone.localdate() + timedelta(days=5))

    with django_capture_on_commit_callbacks(execute=True):
        publishing.publication_save(publication=publication)  # still a draft
        future.status = Status.PUBLISHED
        publishing.publication_save(publication=future)  # scheduled, not yet public
    assert sent == []

    with django_capture_on_commit_callbacks(execute=True):
        publication.status = Status.PUBLISHED
        publishing.publication_save(publication=publication)
    assert sent == ["newsletter.tasks.announce_new_publications"]


def write_jsonl(tmp_path, rows):
    path = tmp_path / "import.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows))
    return path


def rows(prefix):
    today = datetime.date.today().isoformat()
    return [
        {"slug": f"{prefix}-{n}", "title": f"T {n}", "abstract": "A", "published": today,
         "type": "report", "authors": ["Jane Doe"], "topics": ["Trade"], "text": "Body."}
        for n in range(3)
    ]  # fmt: skip


def test_an_import_without_notify_announces_nothing(tmp_path):
    call_command("import_publications", str(write_jsonl(tmp_path, rows("quiet"))), "--quiet")

    assert campaigns.campaigns_announce_new() == []


def test_an_import_with_notify_is_announced_as_one_digest(tmp_path, monkeypatch):
    monkeypatch.setattr(queue, "task", queued_by_name([]))
    path = write_jsonl(tmp_path, rows("loud"))
    call_command("import_publications", str(path), "--quiet", "--notify")

    (campaign_id,) = campaigns.campaigns_announce_new()

    campaign = Campaign.objects.get(pk=campaign_id)
    assert campaign.kind == CampaignKind.DIGEST
    assert campaign.items.count() == 3


def test_publications_never_import_the_newsletter():
    sources = (BASE_DIR / "publications").rglob("*.py")
    offending = [
        str(path)
        for path in sources
        if "import newsletter" in (text := path.read_text()) or "from newsletter" in text
    ]

    assert offending == []
