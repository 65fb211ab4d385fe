import pytest
from anymail.signals import AnymailTrackingEvent

from newsletter.models import Subscriber, SuppressedAddress, SuppressionReason, address_hash
from newsletter.webhooks import handle_tracking

pytestmark = pytest.mark.django_db


def event(event_type, recipient="reader@example.org", esp_type=None, reject_reason=None):
    esp_event = {"RecordType": "Bounce", "Type": esp_type} if esp_type else {}
    return AnymailTrackingEvent(
        event_type=event_type,
        recipient=recipient,
        esp_event=esp_event,
        reject_reason=reject_reason,
    )


@pytest.mark.parametrize(
    ("tracking", "reason"),
    [
        (
            event("bounced", esp_type="HardBounce", reject_reason="bounced"),
            SuppressionReason.BOUNCE,
        ),
        (event("complained", esp_type="SpamComplaint"), SuppressionReason.COMPLAINT),
        (event("rejected", reject_reason="invalid"), SuppressionReason.BOUNCE),
    ],
)
def test_hard_bounces_and_complaints_suppress_the_address(confirmed, tracking, reason):
    subscriber = confirmed("Reader@Example.org")

    handle_tracking(sender=None, event=tracking, esp_name="Postmark")

    subscriber.refresh_from_db()
    assert subscriber.suppressed_at is not None
    assert subscriber.suppression_reason == reason
    assert SuppressedAddress.objects.get().address_sha256 == address_hash("reader@example.org")
    assert not Subscriber.objects.receiving().exists()


@pytest.mark.parametrize(
    "tracking",
    [
        event("bounced", esp_type="SoftBounce", reject_reason="bounced"),
        event("deferred"),
        event("delivered"),
        event("opened"),
    ],
)
def test_soft_bounces_and_other_events_suppress_nothing(confirmed, tracking):
    subscriber = confirmed("reader@example.org")

    handle_tracking(sender=None, event=tracking, esp_name="Postmark")

    subscriber.refresh_from_db()
    assert subscriber.suppressed_at is None
    assert not SuppressedAddress.objects.exists()
