from datetime import timedelta

import pytest
from django.utils import timezone

from newsletter.models import Campaign, CampaignStatus, Delivery, DeliveryStatus, SubscriberStatus
from newsletter.services import campaigns, sending
from newsletter.services import subscribers as subscriber_services
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory
from tests.newsletter.conftest import SITE_URL
from tests.workflow import publish as workflow_publish

pytestmark = pytest.mark.django_db


def queue(*publications, subject="Our latest work", intro="Hello readers."):
    campaign = campaigns.campaign_compose(
        subject=subject, intro=intro, publications=list(publications)
    )
    campaigns.campaign_queue(campaign=campaign)
    return campaign


def statuses(campaign):
    return dict(
        Delivery.objects.filter(campaign=campaign)
        .values_list("subscriber__email", "status")
        .order_by("subscriber__email")
    )


def test_each_reader_gets_one_email_with_both_parts_and_the_list_headers(
    smtp_server, confirmed, settings
):
    settings.SITE_NAME, settings.SITE_ADDRESS = "Policy Institute", "1 Policy Square, DC"
    reader = confirmed("reader@example.org")
    publication = PublicationFactory(
        title="Tariffs & Trade", abstract="On tariffs.", authors=[AuthorFactory(name="Jane Doe")]
    )
    campaign = queue(publication)

    report = sending.campaign_send(campaign_id=campaign.pk)

    assert report.sent == 1
    (received,) = smtp_server.messages
    assert received.to == "reader@example.org"
    assert received.header("Subject") == "Our latest work"
    unsubscribe = f"{SITE_URL}/newsletter/unsubscribe/{reader.token}/"
    assert received.header("List-Unsubscribe") == f"<{unsubscribe}>"
    assert received.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert received.header("List-Id") == f"Policy Institute <{settings.NEWSLETTER_LIST_ID}>"
    for part in (received.text, received.html):
        assert "Policy Institute" in part
        assert "1 Policy Square, DC" in part
        assert f"{SITE_URL}/newsletter/preferences/{reader.token}/" in part
        assert f"{SITE_URL}/publications/{publication.slug}/" in part
        assert "Jane Doe" in part
    assert "Tariffs & Trade" in received.text
    assert "Tariffs &amp; Trade" in received.html
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    assert statuses(campaign) == {"reader@example.org": DeliveryStatus.SENT}


def test_every_reader_gets_their_own_unsubscribe_link(smtp_server, confirmed):
    readers = [confirmed(f"r{n}@example.org") for n in range(3)]

    sending.campaign_send(campaign_id=queue(PublicationFactory()).pk)

    for reader in readers:
        (received,) = smtp_server.to(reader.email)
        assert reader.token in received.header("List-Unsubscribe")
        assert received.link("/unsubscribe/").endswith(f"/{reader.token}/")


def test_a_digest_carries_only_the_publications_in_the_readers_topics(smtp_server, confirmed):
    trade, energy = TopicFactory(), TopicFactory()
    confirmed("trade@example.org", topics=[trade])
    confirmed("all@example.org")
    on_trade = PublicationFactory(title="On trade", topics=[trade])
    on_energy = PublicationFactory(title="On energy", topics=[energy])
    publishing_batch = [on_trade, on_energy]
    campaign = queue(*publishing_batch)

    sending.campaign_send(campaign_id=campaign.pk)

    (trade_mail,) = smtp_server.to("trade@example.org")
    (all_mail,) = smtp_server.to("all@example.org")
    assert "On trade" in trade_mail.text
    assert "On energy" not in trade_mail.text
    assert "On trade" in all_mail.text
    assert "On energy" in all_mail.text


def test_an_automatic_digest_is_titled_by_what_the_reader_gets(smtp_server, confirmed, settings):
    settings.SITE_NAME = "Policy Institute"
    trade = TopicFactory()
    confirmed("trade@example.org", topics=[trade])
    confirmed("all@example.org")
    batch = [PublicationFactory(title="On trade", topics=[trade]), PublicationFactory()]
    from publications.models import Publication, Status

    drafts = Publication.objects.filter(pk__in=[p.pk for p in batch])
    drafts.update(status=Status.DRAFT, visible_from=None)

    workflow_publish(Publication.objects.filter(pk__in=[p.pk for p in batch]))
    (campaign_id,) = campaigns.campaigns_announce_new()

    sending.campaign_send(campaign_id=campaign_id)

    assert (
        smtp_server.to("trade@example.org")[0].header("Subject")
        == "New from Policy Institute: On trade"
    )
    assert (
        smtp_server.to("all@example.org")[0].header("Subject")
        == "2 new publications from Policy Institute"
    )


def test_sends_in_batches_over_one_connection_each(smtp_server, confirmed, settings):
    settings.NEWSLETTER_BATCH_SIZE = 3
    for n in range(7):
        confirmed(f"r{n}@example.org")

    report = sending.campaign_send(campaign_id=queue(PublicationFactory()).pk)

    assert report.sent == 7
    assert smtp_server.count() == 7
    assert smtp_server.sessions() == 3


def test_refused_recipients_fail_with_the_error_and_are_suppressed_the_rest_sent(
    smtp_server, confirmed
):
    for n in range(6):
        confirmed(f"r{n}@example.org")
    smtp_server.refuse = {"r1@example.org", "r4@example.org"}
    campaign = queue(PublicationFactory())

    report = sending.campaign_send(campaign_id=campaign.pk)

    assert (report.sent, report.failed) == (4, 2)
    refused = Delivery.objects.filter(campaign=campaign, status=DeliveryStatus.FAILED)
    assert sorted(refused.values_list("subscriber__email", flat=True)) == [
        "r1@example.org",
        "r4@example.org",
    ]
    assert all(d.error.startswith("550 5.1.1 No such user") for d in refused)
    assert all(d.attempts == 1 for d in refused)  # never retried
    assert sorted(m.to for m in smtp_server.messages) == [
        "r0@example.org", "r2@example.org", "r3@example.org", "r5@example.org"
    ]  # fmt: skip
    assert all(d.subscriber.suppressed_at is not None for d in refused)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT


def test_a_dropped_connection_is_retried_and_nobody_gets_two(smtp_server, confirmed):
    for n in range(8):
        confirmed(f"r{n}@example.org")
    smtp_server.drop_at = {3}
    campaign = queue(PublicationFactory())

    first = sending.campaign_send(campaign_id=campaign.pk)
    assert first.retry_in is not None  # the dropped one waits out its backoff
    second = sending.campaign_send(campaign_id=campaign.pk)

    assert first.sent + second.sent == 8
    recipients = [m.to for m in smtp_server.messages]
    assert sorted(recipients) == sorted(f"r{n}@example.org" for n in range(8))
    dropped = Delivery.objects.get(campaign=campaign, attempts=2)
    assert dropped.status == DeliveryStatus.SENT
    assert "connection lost" in dropped.error or dropped.error == ""


def test_a_server_that_is_down_leaves_everything_queued_for_later(confirmed, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    from tests.helpers import free_port

    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.NEWSLETTER_RETRY_BACKOFF = 60
    confirmed("r@example.org")
    campaign = queue(PublicationFactory())

    report = sending.campaign_send(campaign_id=campaign.pk)

    delivery = Delivery.objects.get(campaign=campaign)
    assert report.sent == 0
    assert delivery.status == DeliveryStatus.QUEUED
    assert delivery.attempts == 0
    assert delivery.next_attempt_at > timezone.now()
    assert 50 < report.retry_in <= 60


def test_a_temporary_refusal_is_retried_until_the_limit_then_failed(
    smtp_server, confirmed, settings
):
    settings.NEWSLETTER_MAX_ATTEMPTS = 3
    confirmed("busy@example.org")
    campaign = queue(PublicationFactory())
    original = smtp_server.handle_RCPT

    async def busy(server, session, envelope, address, options):
        return "452 4.2.2 Mailbox full"

    smtp_server.handle_RCPT = busy
    for _ in range(3):
        sending.campaign_send(campaign_id=campaign.pk)
    smtp_server.handle_RCPT = original

    delivery = Delivery.objects.get(campaign=campaign)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3
    assert "452" in delivery.error
    assert smtp_server.count() == 0


def test_a_reader_who_unsubscribed_after_queueing_is_skipped(smtp_server, confirmed):
    reader = confirmed("leaving@example.org")
    confirmed("staying@example.org")
    campaign = queue(PublicationFactory())

    subscriber_services.subscriber_unsubscribe(subscriber=reader)
    sending.campaign_send(campaign_id=campaign.pk)

    assert [m.to for m in smtp_server.messages] == ["staying@example.org"]
    assert statuses(campaign)["leaving@example.org"] == DeliveryStatus.SKIPPED
    assert reader.status == SubscriberStatus.UNSUBSCRIBED


def test_sending_again_sends_nothing_already_sent(smtp_server, confirmed):
    confirmed("r@example.org")
    campaign = queue(PublicationFactory())

    sending.campaign_send(campaign_id=campaign.pk)
    sending.campaign_send(campaign_id=campaign.pk)

    assert smtp_server.count() == 1


def test_a_delivery_whose_lease_expired_is_taken_over_one_still_held_is_not(smtp_server, confirmed):
    confirmed("a@example.org")
    confirmed("b@example.org")
    campaign = queue(PublicationFactory())
    abandoned, held = Delivery.objects.filter(campaign=campaign).order_by("subscriber__email")
    now = timezone.now()
    Delivery.objects.filter(pk=abandoned.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, lease_until=now - timedelta(seconds=1)
    )
    Delivery.objects.filter(pk=held.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, lease_until=now + timedelta(minutes=5)
    )

    report = sending.campaign_send(campaign_id=campaign.pk)

    assert [m.to for m in smtp_server.messages] == ["a@example.org"]
    assert statuses(campaign) == {
        "a@example.org": DeliveryStatus.SENT,
        "b@example.org": DeliveryStatus.SENDING,
    }
    assert 200 < report.retry_in <= 300  # comes back when the other lease is up
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENDING


def test_the_sweep_finishes_done_campaigns_and_requeues_abandoned_ones(confirmed, monkeypatch):
    from newsletter import tasks

    sent = []
    monkeypatch.setattr(
        tasks.send_campaign, "apply_async", lambda args, countdown=None: sent.append(args[0])
    )
    confirmed("r@example.org")
    stuck = queue(PublicationFactory())
    empty = campaigns.campaign_compose(subject="x", intro="", publications=[PublicationFactory()])
    Campaign.objects.filter(pk=empty.pk).update(status=CampaignStatus.SENDING)

    assert campaigns.campaigns_sweep() == 1

    assert sent == [stuck.pk]
    empty.refresh_from_db()
    assert empty.status == CampaignStatus.SENT


def test_the_confirmation_email_carries_a_working_link(smtp_server, client):
    from newsletter.models import Subscriber

    subscriber = Subscriber.objects.create(email="new@example.org")

    assert subscriber_services.subscriber_send_confirmation(subscriber_id=subscriber.pk)

    (received,) = smtp_server.messages
    assert received.header("Subject").startswith("Confirm your subscription")
    assert received.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    link = received.link("/newsletter/confirm/")
    assert link.startswith(f"{SITE_URL}/newsletter/confirm/")
    client.post(link.removeprefix(SITE_URL))
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


def test_no_confirmation_email_once_confirmed(smtp_server, confirmed):
    subscriber = confirmed("done@example.org")

    assert not subscriber_services.subscriber_send_confirmation(subscriber_id=subscriber.pk)
    assert smtp_server.count() == 0
