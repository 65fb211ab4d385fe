"""Subscribers: double opt-in signup, confirmation, topics, unsubscribe, erasure, suppression."""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from newsletter import queue
from newsletter.emails import absolute_url, build_email
from newsletter.models import (
    ConsentRecord,
    Subscriber,
    SubscriberStatus,
    SuppressedAddress,
    SuppressionReason,
    address_hash,
    normalise_email,
)
from newsletter.models.subscribers import new_nonce
from newsletter.tokens import ConfirmToken, TokenState, confirm_token_make, confirm_token_read
from publications.models import Topic

logger = logging.getLogger(__name__)
CAP_WINDOW = timedelta(hours=24)


class ConfirmOutcome(enum.Enum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already-confirmed"
    EXPIRED = "expired"
    USED = "used"
    INVALID = "invalid"


def subscriber_signup(
    *,
    email: str,
    topics: Sequence[Topic],
    ip_address: str | None,
    user_agent: str,
    wording: str,
    form_version: str,
) -> bool:
    """Make the address pending with this consent and queue a confirmation email, within the
    per-address cap; a confirmed subscriber is left as is. True when an email was queued."""
    address = normalise_email(email)
    now = timezone.now()
    with transaction.atomic():
        # ON CONFLICT DO NOTHING, then lock the row: concurrent signups for one address queue
        # here one after the other, so the cap below counts exactly.
        Subscriber.objects.bulk_create(
            [Subscriber(email=address, pending_since=now)], ignore_conflicts=True
        )
        subscriber = Subscriber.objects.select_for_update().by_email(address).get()
        if subscriber.is_confirmed or not _may_send_confirmation(subscriber, now=now):
            return False
        if _suppressed(address, keep_for=(SuppressionReason.BOUNCE, SuppressionReason.COMPLAINT)):
            return False
        subscriber.status = SubscriberStatus.PENDING
        subscriber.pending_since = now
        subscriber.confirmations_sent = [*subscriber.recent_confirmations(CAP_WINDOW), now]
        subscriber.save()
        subscriber.topics.set(topics)
        ConsentRecord.objects.create(
            subscriber=subscriber,
            created_at=now,
            ip_address=ip_address or None,
            user_agent=user_agent[:500],
            wording=wording,
            form_version=form_version,
            topics=[topic.name for topic in topics],
        )
        transaction.on_commit(partial(queue.send_confirmation, subscriber.pk))
    return True


def _may_send_confirmation(subscriber: Subscriber, *, now) -> bool:
    recent = subscriber.recent_confirmations(CAP_WINDOW)
    if len(recent) >= settings.NEWSLETTER_CONFIRMATIONS_PER_DAY:
        return False
    interval = timedelta(seconds=settings.NEWSLETTER_CONFIRMATION_INTERVAL)
    return not recent or now - max(recent) >= interval


def _suppressed(address: str, *, keep_for: Sequence[str]) -> bool:
    return SuppressedAddress.objects.filter(
        address_sha256=address_hash(address), reason__in=keep_for
    ).exists()


def subscriber_send_confirmation(*, subscriber_id: int) -> bool:
    """Email a pending subscriber their confirmation link; False when there is nothing to send."""
    subscriber = Subscriber.objects.filter(
        pk=subscriber_id, status=SubscriberStatus.PENDING, suppressed_at__isnull=True
    ).first()
    if subscriber is None:
        return False
    token = confirm_token_make(subscriber_id=subscriber.pk, nonce=subscriber.confirm_nonce)
    context = {
        "confirm_url": absolute_url(reverse("newsletter:confirm", args=[token])),
        "expiry_days": max(1, settings.NEWSLETTER_CONFIRM_MAX_AGE // 86400),
    }
    message = build_email(
        to=subscriber.email, token=subscriber.token, name="confirm", context=context
    )
    get_connection().send_messages([message])
    return True


def subscriber_confirm(*, token: str) -> tuple[ConfirmOutcome, Subscriber | None]:
    """Confirm the subscriber a link names, once; a used, expired or forged link confirms nobody."""
    parsed = confirm_token_read(token)
    if parsed.state is TokenState.INVALID:
        return ConfirmOutcome.INVALID, None
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=parsed.subscriber_id).first()
        refused = _refusal(parsed, subscriber)
        if refused is not None:
            return refused, subscriber
        subscriber.status = SubscriberStatus.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.pending_since = None
        subscriber.confirm_nonce = new_nonce()
        subscriber.save()
        # Asking again, and confirming, lifts an earlier erasure's suppression of the address.
        SuppressedAddress.objects.filter(
            address_sha256=address_hash(subscriber.email), reason=SuppressionReason.ERASURE
        ).delete()
    return ConfirmOutcome.CONFIRMED, subscriber


def confirm_token_check(*, token: str) -> tuple[ConfirmOutcome | None, Subscriber | None]:
    """What confirming with this link would do, without doing it (None: it would confirm)."""
    parsed = confirm_token_read(token)
    if parsed.state is TokenState.INVALID:
        return ConfirmOutcome.INVALID, None
    subscriber = Subscriber.objects.filter(pk=parsed.subscriber_id).first()
    return _refusal(parsed, subscriber), subscriber


def _refusal(parsed: ConfirmToken, subscriber: Subscriber | None) -> ConfirmOutcome | None:
    if subscriber is None:
        return ConfirmOutcome.INVALID
    if subscriber.is_confirmed:
        return ConfirmOutcome.ALREADY_CONFIRMED
    if subscriber.confirm_nonce != parsed.nonce:
        return ConfirmOutcome.USED
    if parsed.state is TokenState.EXPIRED:
        return ConfirmOutcome.EXPIRED
    return None


def subscriber_unsubscribe(*, subscriber: Subscriber) -> bool:
    """Unsubscribe at once; True when this changed anything (a second time changes nothing)."""
    changed = (
        Subscriber.objects.filter(pk=subscriber.pk)
        .exclude(status=SubscriberStatus.UNSUBSCRIBED)
        .update(
            status=SubscriberStatus.UNSUBSCRIBED,
            unsubscribed_at=timezone.now(),
            pending_since=None,
            # An old confirmation link must not subscribe them again.
            confirm_nonce=new_nonce(),
        )
    )
    subscriber.refresh_from_db()
    return bool(changed)


def subscriber_set_topics(*, subscriber: Subscriber, topics: Sequence[Topic]) -> None:
    """Replace the subscriber's topics (none: every topic)."""
    subscriber.topics.set(topics)


def subscriber_erase(*, subscriber: Subscriber) -> None:
    """Delete the subscriber with their consent and deliveries; keep only the address's hash."""
    with transaction.atomic():
        SuppressedAddress.objects.get_or_create(
            address_sha256=address_hash(subscriber.email),
            defaults={"reason": SuppressionReason.ERASURE},
        )
        subscriber.delete()


def address_suppress(*, email: str, reason: str) -> bool:
    """Never email this address again (a hard bounce or a complaint); True when it was new."""
    with transaction.atomic():
        _, created = SuppressedAddress.objects.update_or_create(
            address_sha256=address_hash(email), defaults={"reason": reason}
        )
        Subscriber.objects.by_email(email).filter(suppressed_at__isnull=True).update(
            suppressed_at=timezone.now(), suppression_reason=reason
        )
    return created


def subscribers_purge_pending() -> int:
    """Delete pending subscribers whose confirmation link has expired; return how many."""
    max_age = timedelta(seconds=settings.NEWSLETTER_CONFIRM_MAX_AGE)
    deleted, _ = Subscriber.objects.stale_pending(max_age).delete()
    return deleted
