"""The mailing list's tables: subscribers and their consent, campaigns and their deliveries."""

from newsletter.models.campaigns import (
    Campaign,
    CampaignKind,
    CampaignPublication,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
)
from newsletter.models.subscribers import (
    ConsentRecord,
    Subscriber,
    SubscriberStatus,
    SuppressedAddress,
    SuppressionReason,
    address_hash,
    normalise_email,
)

__all__ = [
    "Campaign",
    "CampaignKind",
    "CampaignPublication",
    "CampaignStatus",
    "ConsentRecord",
    "Delivery",
    "DeliveryStatus",
    "Subscriber",
    "SubscriberStatus",
    "SuppressedAddress",
    "SuppressionReason",
    "address_hash",
    "normalise_email",
]
