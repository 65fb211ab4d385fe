"""Tampered public forms: fields a form does not have (mass assignment) change nothing, and CR/LF
typed into an address or a title never reaches an email header. Emails are sent by the real
services to a real SMTP server (aiosmtpd) and read back as received."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.encoding import punycode

from newsletter.models import ConsentRecord, Subscriber, SubscriberStatus
from newsletter.services import campaigns, sending
from newsletter.services import subscribers as subscriber_services
from newsletter.tokens import confirm_token_make
from publications.models import Publication, Status
from tests.factories import PublicationFactory, TopicFactory
from tests.workflow import publish as workflow_publish

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(120)]

# Every field name a Subscriber, a consent record or a user has, with values an attacker wants.
FORGED = {
    "id": "424242",
    "pk": "424242",
    "status": "confirmed",
    "confirmed_at": "2020-01-01T00:00:00Z",
    "unsubscribed_at": "2020-01-01T00:00:00Z",
    "pending_since": "2020-01-01T00:00:00Z",
    "created_at": "2020-01-01T00:00:00Z",
    "suppressed_at": "",
    "suppression_reason": "",
    "token": "attacker-chosen-token",
    "confirm_nonce": "attacker-nonce",
    "confirmations_sent": "",
    "ip_address": "203.0.113.66",
    "user_agent": "forged",
    "wording": "I agree to nothing",
    "form_version": "forged",
    "is_staff": "1",
    "is_superuser": "1",
    "is_active": "1",
    "password": "pwned",
    "username": "attacker",
    "groups": "1",
    "email_verified": "1",
}
EXPECTED_HEADERS = {
    "content-type", "mime-version", "subject", "from", "to", "date", "message-id",
    "list-id", "list-unsubscribe", "list-unsubscribe-post",
}  # fmt: skip
# CR, LF and the other line breaks Python's str.splitlines() (and some mail code) honour.
LINE_BREAKS = ["\r\n", "\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1e"]


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.RATELIMIT_ENABLED = False
    settings.NEWSLETTER_CONFIRMATION_INTERVAL = 0
    settings.SITE_URL = "https://news.example.org"


@pytest.fixture
def smtp(smtp_server):
    return smtp_server


@pytest.fixture
def queued(monkeypatch):
    """Subscriber ids whose confirmation was queued (on-commit callbacks run at once, since the
    test's transaction never commits); the caller sends them through the real service."""
    from newsletter import tasks

    ids: list[int] = []
    monkeypatch.setattr(tasks.send_confirmation, "delay", ids.append)
    monkeypatch.setattr(transaction, "on_commit", lambda func, *args, **kwargs: func())
    return ids


def send_confirmations(ids: list[int]) -> None:
    for subscriber_id in ids:
        subscriber_services.subscriber_send_confirmation(subscriber_id=subscriber_id)


def assert_clean_headers(received, recipient: str) -> None:
    """One recipient, only the headers we write, and none of them spans a line."""
    assert received.envelope_to == [recipient]
    names = {name.lower() for name in received.message}
    assert names <= EXPECTED_HEADERS, names - EXPECTED_HEADERS
    assert len(received.message.get_all("To")) == 1
    head = received.message.as_string().split("\n\n", 1)[0]
    assert not [line for line in head.splitlines() if line.lower().startswith(("bcc", "x-inj"))]


# --- Mass assignment ----------------------------------------------------------------------------


def test_signup_ignores_every_field_the_form_does_not_have(client, queued):
    topic = TopicFactory()

    response = client.post(
        "/newsletter/",
        {"email": "reader@example.org", "topics": [topic.pk], **FORGED},
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="203.0.113.66",  # not trusted: BEHIND_PROXY is off
    )

    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.pk != 424242
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.confirmed_at is None
    assert subscriber.token != FORGED["token"]
    assert subscriber.confirm_nonce != FORGED["confirm_nonce"]
    assert subscriber.pending_since > datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    assert list(subscriber.topics.all()) == [topic]
    consent = ConsentRecord.objects.get(subscriber=subscriber)
    assert str(consent.ip_address) == "198.51.100.7"
    assert consent.form_version != "forged"
    assert "I agree to nothing" not in consent.wording
    assert not get_user_model().objects.exists()
    assert queued == [subscriber.pk]


def test_signup_with_forged_fields_never_changes_a_confirmed_or_unsubscribed_subscriber(
    client, queued
):
    confirmed = Subscriber.objects.create(
        email="kept@example.org", status=SubscriberStatus.CONFIRMED
    )
    gone = Subscriber.objects.create(email="gone@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    before = {s.pk: (s.status, s.token, s.confirm_nonce) for s in (confirmed, gone)}

    client.post("/newsletter/", {"email": "KEPT@example.org", **FORGED, "status": "unsubscribed"})
    client.post("/newsletter/", {"email": "gone@example.org", **FORGED})

    confirmed.refresh_from_db()
    gone.refresh_from_db()
    assert (confirmed.status, confirmed.token) == before[confirmed.pk][:2]
    # Unsubscribed signing up again is pending, awaiting a confirmation it has to click.
    assert gone.status == SubscriberStatus.PENDING
    assert gone.token == before[gone.pk][1]
    assert gone.confirmed_at is None
    assert queued == [gone.pk]


def test_preferences_change_topics_and_nothing_else(client):
    subscriber = Subscriber.objects.create(
        email="reader@example.org", status=SubscriberStatus.CONFIRMED
    )
    other = Subscriber.objects.create(email="other@example.org", status=SubscriberStatus.PENDING)
    topic = TopicFactory()
    before = Subscriber.objects.values().get(pk=subscriber.pk)

    response = client.post(
        f"/newsletter/preferences/{subscriber.token}/",
        {
            "topics": [topic.pk],
            **FORGED,
            "email": "attacker@example.org",
            "status": "unsubscribed",
            "subscriber": str(other.pk),
        },
    )

    assert "Your topics are saved." in response.content.decode()
    assert list(subscriber.topics.all()) == [topic]
    assert Subscriber.objects.values().get(pk=subscriber.pk) == before
    assert Subscriber.objects.get(pk=other.pk).status == SubscriberStatus.PENDING
    assert not other.topics.exists()


def test_confirm_and_unsubscribe_act_on_their_token_only(client):
    pending = Subscriber.objects.create(email="p@example.org", status=SubscriberStatus.PENDING)
    bystander = Subscriber.objects.create(email="b@example.org", status=SubscriberStatus.PENDING)
    reader = Subscriber.objects.create(email="r@example.org", status=SubscriberStatus.CONFIRMED)
    token = confirm_token_make(subscriber_id=pending.pk, nonce=pending.confirm_nonce)
    forged = {**FORGED, "email": "b@example.org", "id": str(bystander.pk), "token": reader.token}

    client.post(f"/newsletter/confirm/{token}/", forged)
    client.post(f"/newsletter/unsubscribe/{pending.token}/", forged)

    assert Subscriber.objects.get(pk=pending.pk).status == SubscriberStatus.UNSUBSCRIBED
    assert Subscriber.objects.get(pk=bystander.pk).status == SubscriberStatus.PENDING
    assert Subscriber.objects.get(pk=reader.pk).status == SubscriberStatus.CONFIRMED


# --- CR/LF into email headers -------------------------------------------------------------------


def injected_addresses() -> list[str]:
    addresses = []
    for brk in LINE_BREAKS:
        addresses += [
            f"victim@example.org{brk}Bcc: evil@example.org",
            f"victim@example.org{brk}X-Injected: yes",
            f"victim{brk}Bcc:evil@example.org@example.org",
            f"victim@example.org{brk}{brk}body injected",
            f'"victim{brk}Bcc: evil@example.org"@example.org',
            f"victim@exa{brk}mple.org",
            f"Victim <victim@example.org>{brk}Bcc: evil@example.org",
        ]
    # Encoded words that a mail library decodes into a line break or into another address.
    return [
        *addresses,
        "=?utf-8?q?=0D=0ABcc=3A_evil=40example.org?=@example.org",
        "=?utf-8?b?dmljdGltDQpCY2M6IGV2aWxAZXhhbXBsZS5vcmc=?=@example.org",
        "=?utf-8?q?evil?=@example.org",
    ]


def test_an_address_with_a_line_break_is_refused_and_mails_nobody(client, queued, smtp):
    for address in injected_addresses():
        response = client.post("/newsletter/", {"email": address})
        assert response.status_code == 200
        assert "Enter a valid email address." in response.content.decode(), repr(address)

    assert not Subscriber.objects.exists()
    assert queued == []
    assert smtp.count() == 0


def test_odd_but_valid_addresses_get_exactly_one_clean_confirmation(client, queued, smtp):
    """Addresses the validator accepts carry header-ish text but no line break: each gets one
    message, to itself alone, with only our headers."""
    addresses = [
        "bcc=evil%0d%0a@example.org",
        "victim@bücher.example",
        "victim+bcc.evil@example.org",
        "  Spaced.Out@EXAMPLE.org  ",
    ]
    for address in addresses:
        client.post("/newsletter/", {"email": address})
    send_confirmations(queued)

    stored = sorted(Subscriber.objects.values_list("email", flat=True))
    assert len(stored) == len(addresses)
    assert smtp.count() == len(addresses)
    for email in stored:
        local, _, domain = email.rpartition("@")
        envelope = f"{local}@{punycode(domain)}"  # an IDN domain travels in its ASCII form
        (received,) = smtp.to(envelope)
        assert_clean_headers(received, envelope)


def test_invisible_characters_cannot_make_a_second_row_for_one_mailbox(client, queued):
    """IDNA drops soft hyphens and zero-width characters from a domain: accepted, they would
    give the same mailbox another row and another per-address cap on confirmations."""
    client.post("/newsletter/", {"email": "victim@example.org"})
    invisible_characters = ["\u00ad", "\u200b", "\u200d", "\u2060", "\ufeff", "\u034f", "\ufe0f"]
    for invisible in invisible_characters:
        response = client.post("/newsletter/", {"email": f"victim@exa{invisible}mple.org"})
        assert "Enter a valid email address." in response.content.decode(), repr(invisible)

    assert list(Subscriber.objects.values_list("email", flat=True)) == ["victim@example.org"]
    assert len(queued) == 1


@pytest.mark.parametrize("brk", LINE_BREAKS)
def test_a_title_with_a_line_break_stays_inside_the_subject(smtp, brk):
    """A title is typed by staff or imported; the announcement's subject carries it."""
    reader = Subscriber.objects.create(
        email="reader@example.org", status=SubscriberStatus.CONFIRMED
    )
    title = f"Tariffs{brk}Bcc: evil@example.org{brk}X-Injected: yes{brk}{brk}Body"
    publication = PublicationFactory(title=title, status=Status.DRAFT)
    workflow_publish(Publication.objects.filter(pk=publication.pk))
    (campaign_id,) = campaigns.campaigns_announce_new()

    sending.campaign_send(campaign_id=campaign_id)

    (received,) = smtp.messages
    assert_clean_headers(received, reader.email)
    assert received.header("Subject").endswith("Tariffs Bcc: evil@example.org X-Injected: yes Body")


def test_a_manual_campaign_subject_with_line_breaks_stays_one_header(smtp):
    reader = Subscriber.objects.create(
        email="reader@example.org", status=SubscriberStatus.CONFIRMED
    )
    campaign = campaigns.campaign_compose(
        subject="Digest\r\nBcc: evil@example.org\nX-Injected: yes\u2028end",
        intro="Hello.\r\nBcc: evil@example.org",
        publications=[PublicationFactory(title="Ports\r\nX-Injected: yes")],
    )
    campaigns.campaign_queue(campaign=campaign)

    sending.campaign_send(campaign_id=campaign.pk)

    (received,) = smtp.messages
    assert_clean_headers(received, reader.email)
    assert received.header("Subject") == "Digest Bcc: evil@example.org X-Injected: yes end"
