"""Sending a campaign: claim a batch of deliveries with a lease, send them over one connection,
mark each one sent the moment the server accepts it.

The database is the record of work: a worker killed mid-batch leaves its claims to expire and the
next worker sends the rest, never anything marked sent. (The one window SMTP cannot close is the
instant between the server accepting a message and the mark leaving for the database: a kill
exactly there sends that one message twice.) Marks go out without waiting for their replies
(sent_marks.py), which are collected while the next email is on its way.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from newsletter.models import Campaign, Delivery, DeliveryStatus, Subscriber, SuppressionReason
from newsletter.rendering import PREVIEW_TOKEN, CampaignRenderer
from newsletter.services.campaigns import campaign_finish
from newsletter.services.sent_marks import SentMarks, sent_marks
from newsletter.services.subscribers import address_suppress

logger = logging.getLogger(__name__)


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0
    connection_failed: bool = False
    # Seconds until the earliest delivery waiting out its backoff, if any.
    retry_in: float | None = None

    def add(self, other: SendReport) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.retrying += other.retrying
        self.skipped += other.skipped


class ConnectionLost(Exception):
    """The SMTP connection failed: nothing more can go over it."""


def lease_length() -> timedelta:
    return timedelta(seconds=settings.NEWSLETTER_SEND_LEASE)


def deliveries_claim(*, campaign_id: int, limit: int) -> list[int]:
    """Take up to `limit` due deliveries: queued, or sending under an expired lease. Counts the
    attempt; rows another worker holds are skipped, not waited for."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.claimable(now)
            .filter(campaign_id=campaign_id)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.SENDING,
            lease_until=now + lease_length(),
            attempts=F("attempts") + 1,
            next_attempt_at=None,
        )
    return ids


def campaign_send(*, campaign_id: int) -> SendReport:
    """Send every due delivery of the campaign, batch after batch; finish it when none is left."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    report = SendReport()
    if campaign is None:
        return report
    renderer = CampaignRenderer(campaign)
    size = settings.NEWSLETTER_BATCH_SIZE
    with _fast_commits():
        while ids := deliveries_claim(campaign_id=campaign_id, limit=size):
            batch = _send_batch(ids, renderer)
            report.add(batch)
            if batch.connection_failed:
                break
    if not campaign_finish(campaign=campaign):
        report.retry_in = _next_retry_in(campaign)
    return report


@contextlib.contextmanager
def _fast_commits():
    # Marking each delivery sent is one small commit per email; without waiting for the WAL
    # flush it costs a fraction. A killed worker loses nothing by this (the server has the
    # commit); only a PostgreSQL crash could forget the last instant's marks and resend those.
    with db.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with db.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _next_retry_in(campaign: Campaign) -> float | None:
    waiting = campaign.deliveries.filter(status=DeliveryStatus.QUEUED).order_by("next_attempt_at")
    moment = waiting.values_list("next_attempt_at", flat=True).first()
    if moment is not None:
        return max(0.0, (moment - timezone.now()).total_seconds())
    if waiting.exists():
        return 0.0
    # Only rows under another worker's lease are left: look again when the lease is up.
    return float(settings.NEWSLETTER_SEND_LEASE) if campaign.deliveries.open().exists() else None


def _send_batch(ids: list[int], renderer: CampaignRenderer) -> SendReport:
    report = SendReport()
    rows = Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("pk")
    pending = deque(rows)
    topics = _topics_of([delivery.subscriber_id for delivery in pending])
    # Stop short of the lease, so no other worker takes over a row this one is still sending.
    deadline = timezone.now() + lease_length() * 0.8
    connection = get_connection()
    try:
        connection.open()
        with sent_marks() as marks:
            while pending and timezone.now() < deadline:
                _send_one(pending[0], renderer, connection, topics, marks, report)
                pending.popleft()
    except (ConnectionLost, smtplib.SMTPException, OSError) as exc:
        logger.warning("SMTP connection failed: %s", exc)
        report.connection_failed = True
        if pending and isinstance(exc, ConnectionLost):
            _retry_later(pending.popleft(), f"connection lost: {exc}", report)
        backoff = timedelta(seconds=settings.NEWSLETTER_RETRY_BACKOFF)
        for untried in pending:
            _release(untried, error=f"connection failed: {exc}", wait=backoff)
        return report
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    for untried in pending:
        _release(untried)
    return report


def _topics_of(subscriber_ids: list[int]) -> dict[int, set[int]]:
    topics: dict[int, set[int]] = defaultdict(set)
    links = Subscriber.topics.through.objects.filter(subscriber_id__in=subscriber_ids)
    for subscriber_id, topic_id in links.values_list("subscriber_id", "topic_id"):
        topics[subscriber_id].add(topic_id)
    return topics


def _send_one(delivery, renderer, connection, topics, marks: SentMarks, report: SendReport) -> None:
    subscriber = delivery.subscriber
    if not subscriber.is_confirmed or subscriber.suppressed_at is not None:
        return _close(delivery, DeliveryStatus.SKIPPED, "no longer subscribed", report)
    if delivery.attempts > settings.NEWSLETTER_MAX_ATTEMPTS:
        return _close(delivery, DeliveryStatus.FAILED, f"gave up after {delivery.attempts - 1} "
                      "attempts that ended abruptly", report)  # fmt: skip
    try:
        message = renderer.email(
            to=subscriber.email, token=subscriber.token, topic_ids=topics[subscriber.pk]
        )
    except ValueError as exc:  # a header Django refuses to build
        return _close(delivery, DeliveryStatus.FAILED, f"cannot build: {exc}", report)
    if message is None:
        return _close(delivery, DeliveryStatus.SKIPPED, "nothing for their topics", report)
    try:
        try:
            connection.send_messages([message])
        finally:
            # The previous email's mark, answered by now; what follows may open a transaction.
            marks.collect()
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()))
        return _refused(delivery, code, reply, report, bounce=True)
    except smtplib.SMTPDataError as exc:
        return _refused(delivery, exc.smtp_code, exc.smtp_error, report, bounce=False)
    except (smtplib.SMTPException, OSError) as exc:
        raise ConnectionLost(str(exc) or type(exc).__name__) from exc
    marks.mark(delivery.pk)
    report.sent += 1
    return None


def _refused(delivery, code: int, reply, report: SendReport, *, bounce: bool) -> None:
    error = f"{code} {_text(reply)}"
    if 500 <= code < 600:
        # Refused for good: never retried; a refused recipient is a hard bounce.
        if bounce:
            address_suppress(email=delivery.subscriber.email, reason=SuppressionReason.BOUNCE)
        return _close(delivery, DeliveryStatus.FAILED, error, report)
    return _retry_later(delivery, error, report)


def _text(reply) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _close(delivery, status: str, error: str, report: SendReport) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(status=status, error=error, lease_until=None)
    if status == DeliveryStatus.FAILED:
        report.failed += 1
    else:
        report.skipped += 1


def _retry_later(delivery, error: str, report: SendReport) -> None:
    """Back to the queue after a backoff that doubles each attempt; failed after the last."""
    if delivery.attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
        return _close(
            delivery, DeliveryStatus.FAILED, f"{error} (after {delivery.attempts} attempts)", report
        )
    wait = settings.NEWSLETTER_RETRY_BACKOFF * 2 ** max(0, delivery.attempts - 1)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.QUEUED,
        error=error,
        lease_until=None,
        next_attempt_at=timezone.now() + timedelta(seconds=wait),
    )
    report.retrying += 1
    return None


def _release(delivery, *, error: str = "", wait: timedelta | None = None) -> None:
    # Claimed but never tried: the attempt it was charged is given back.
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.QUEUED,
        attempts=F("attempts") - 1,
        lease_until=None,
        next_attempt_at=timezone.now() + wait if wait else None,
        **({"error": error} if error else {}),
    )


def campaign_send_test(*, campaign_id: int, email: str) -> bool:
    """Send the whole campaign to one address (staff testing it); its links are placeholders."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return False
    message = CampaignRenderer(campaign).email(to=email, token=PREVIEW_TOKEN, topic_ids=set())
    if message is None:
        return False
    message.subject = f"[Test] {message.subject}"
    get_connection().send_messages([message])
    return True
