"""Campaigns: announcing new publications, composing digests, queueing one delivery per reader."""

from __future__ import annotations

import logging
import zlib
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from newsletter import queue
from newsletter.models import (
    Campaign,
    CampaignKind,
    CampaignPublication,
    CampaignStatus,
    DeliveryStatus,
    Subscriber,
)
from publications.models import Publication

logger = logging.getLogger(__name__)
ANNOUNCE_LOCK = zlib.crc32(b"newsletter.announce")


def unannounced_publications():
    """Public publications meant to be announced, first public recently, announced by no one."""
    announced = CampaignPublication.objects.filter(publication_id=OuterRef("pk"), announcement=True)
    since = timezone.now() - timedelta(seconds=settings.NEWSLETTER_ANNOUNCE_MAX_AGE)
    return (
        Publication.objects.published()
        .filter(announce=True, first_published_at__gte=since, publish_batch__isnull=False)
        .exclude(Exists(announced))
    )


def campaigns_announce_new(*, settle_seconds: int = 0) -> list[int]:
    """One campaign per publish batch of new publications (an announcement, or a digest of
    several), queued for sending; a batch still growing within settle_seconds waits."""
    created = []
    with transaction.atomic():
        # Runs one at a time (the trigger after publishing and the periodic run may meet);
        # the partial unique constraint still guarantees one announcement per publication.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ANNOUNCE_LOCK])
        batches: dict = defaultdict(list)
        for publication in unannounced_publications().order_by("first_published_at", "pk"):
            batches[publication.publish_batch].append(publication)
        quiet_since = timezone.now() - timedelta(seconds=settle_seconds)
        for publications in batches.values():
            if settle_seconds and max(p.first_published_at for p in publications) > quiet_since:
                continue
            campaign = _announcement(publications)
            campaign_queue(campaign=campaign)
            created.append(campaign.pk)
    return created


def _announcement(publications: Sequence[Publication]) -> Campaign:
    single = len(publications) == 1
    subject = (
        f"New from {settings.SITE_NAME}: {publications[0].title}"
        if single
        else f"{len(publications)} new publications from {settings.SITE_NAME}"
    )
    campaign = Campaign.objects.create(
        subject=subject[:200],
        kind=CampaignKind.ANNOUNCEMENT if single else CampaignKind.DIGEST,
    )
    CampaignPublication.objects.bulk_create(
        CampaignPublication(
            campaign=campaign, publication=publication, position=position, announcement=True
        )
        for position, publication in enumerate(publications)
    )
    return campaign


def campaign_compose(
    *, subject: str, intro: str, publications: Sequence[Publication], created_by=None
) -> Campaign:
    """A manual digest, as a draft: previewed and tested before it is sent."""
    with transaction.atomic():
        campaign = Campaign.objects.create(
            subject=subject, intro=intro, kind=CampaignKind.MANUAL, created_by=created_by
        )
        campaign_set_publications(campaign=campaign, publications=publications)
    return campaign


def campaign_set_publications(*, campaign: Campaign, publications: Sequence[Publication]) -> None:
    """Replace a draft's publications with these, in this order."""
    campaign.items.all().delete()
    CampaignPublication.objects.bulk_create(
        CampaignPublication(campaign=campaign, publication=publication, position=position)
        for position, publication in enumerate(publications)
    )


def campaign_queue(*, campaign: Campaign) -> int:
    """Create a delivery for every receiving subscriber with something in the campaign for them,
    mark it sending and send after commit; return how many deliveries it has."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != CampaignStatus.DRAFT:
            return locked.recipients
        _deliveries_create(campaign)
        locked.recipients = campaign.deliveries.count()
        locked.status = CampaignStatus.SENDING
        locked.queued_at = timezone.now()
        locked.save(update_fields=["recipients", "status", "queued_at"])
        transaction.on_commit(partial(queue.send_campaign, campaign.pk))
    campaign.refresh_from_db()
    return locked.recipients


def _deliveries_create(campaign: Campaign) -> None:
    # One INSERT … SELECT: the audience never travels to Python and back (for 10,000 readers
    # that was most of a second). ON CONFLICT DO NOTHING: a delivery per (campaign,
    # subscriber), whatever happens. The columns without a database default are all given.
    audience = campaign_audience(campaign=campaign).order_by("id").values("id")
    sql, params = audience.query.sql_with_params()
    # S608: `sql` is the ORM's own compiled query, every value in it a parameter.
    select = f"SELECT %s, audience.id, %s, 0, '' FROM ({sql}) AS audience"  # noqa: S608
    columns = "campaign_id, subscriber_id, status, attempts, error"
    insert = f"INSERT INTO newsletter_delivery ({columns}) {select} ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(insert, [campaign.pk, DeliveryStatus.QUEUED, *params])


def campaign_audience(*, campaign: Campaign):
    """Receiving subscribers with at least one of the campaign's publications in their topics."""
    topic_ids = Publication.topics.through.objects.filter(
        publication__in=campaign.items.values("publication")
    ).values("topic_id")
    return Subscriber.objects.receiving().interested_in(topic_ids)


def campaign_send_test_request(*, campaign: Campaign, email: str) -> None:
    """Queue a test of the campaign (every publication in it) to one address, after commit."""
    transaction.on_commit(partial(queue.send_campaign_test, campaign.pk, email))


def campaigns_sweep() -> int:
    """Finish campaigns with nothing left to send; queue again those a lost task left behind."""
    queued = 0
    for campaign in Campaign.objects.unfinished():
        if not campaign.deliveries.open().exists():
            campaign_finish(campaign=campaign)
        elif campaign.deliveries.claimable().exists():
            queue.send_campaign(campaign.pk)
            queued += 1
    return queued


def campaign_finish(*, campaign: Campaign) -> bool:
    """Mark the campaign sent once none of its deliveries is queued or sending."""
    if campaign.deliveries.open().exists():
        return False
    return bool(
        Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SENDING).update(
            status=CampaignStatus.SENT, finished_at=timezone.now()
        )
    )
