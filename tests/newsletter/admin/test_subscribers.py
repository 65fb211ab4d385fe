import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from newsletter.models import (
    ConsentRecord,
    Subscriber,
    SubscriberStatus,
    SuppressedAddress,
    address_hash,
)
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:newsletter_subscriber_changelist"


def act(client, action, subscribers, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [s.pk for s in subscribers], **extra}
    return client.post(reverse(CHANGELIST), data)


def test_the_list_shows_status_topics_consent_and_dates(admin_client, confirmed):
    subscriber = confirmed("listed@example.org", topics=[TopicFactory(name="Energy")])
    ConsentRecord.objects.create(subscriber=subscriber, wording="I agree.", form_version="2025-01")

    html = admin_client.get(reverse(CHANGELIST)).content.decode()

    assert "listed@example.org" in html
    assert "Energy" in html
    assert "Confirmed" in html
    assert "v2025-01" in html


def test_the_list_is_searchable_and_filterable(admin_client, confirmed):
    confirmed("findme@example.org")
    Subscriber.objects.create(email="other@example.org")

    found = admin_client.get(reverse(CHANGELIST), {"q": "findme"}).content.decode()
    pending = admin_client.get(reverse(CHANGELIST), {"status__exact": "pending"}).content.decode()

    assert "findme@example.org" in found
    assert "other@example.org" not in found
    assert "other@example.org" in pending
    assert "findme@example.org" not in pending


def test_csv_export_of_the_selected_subscribers(admin_client, confirmed):
    first = confirmed("one@example.org", topics=[TopicFactory(name="Trade")])
    ConsentRecord.objects.create(
        subscriber=first, wording="I agree.", form_version="2025-01", ip_address="192.0.2.5"
    )
    second = confirmed("=cmd@example.org")

    response = act(admin_client, "export_csv", [first, second])

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_email = {row["email"]: row for row in rows}
    assert by_email["one@example.org"]["topics"] == "Trade"
    assert by_email["one@example.org"]["consent_ip"] == "192.0.2.5"
    assert by_email["one@example.org"]["status"] == "confirmed"
    assert "'=cmd@example.org" in by_email  # a formula-like cell is made text


def test_csv_export_needs_its_permission(client, confirmed):
    subscriber = confirmed("one@example.org")
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    user.user_permissions.add(Permission.objects.get(codename="change_subscriber"))
    client.force_login(user)

    response = act(client, "export_csv", [subscriber])

    assert not response.get("Content-Type", "").startswith("text/csv")


def test_unsubscribe_on_request(admin_client, confirmed):
    subscriber = confirmed("leave@example.org")

    act(admin_client, "unsubscribe_on_request", [subscriber])

    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_erasure_asks_first_then_leaves_only_the_hash(admin_client, confirmed):
    subscriber = confirmed("Erase@Example.org")
    ConsentRecord.objects.create(subscriber=subscriber, wording="I agree.", form_version="1")

    page = act(admin_client, "erase_selected", [subscriber])
    assert "Yes, erase them" in page.content.decode()
    assert Subscriber.objects.exists()

    act(admin_client, "erase_selected", [subscriber], confirm="yes")

    assert not Subscriber.objects.exists()
    assert not ConsentRecord.objects.exists()
    (kept,) = SuppressedAddress.objects.all()
    assert kept.address_sha256 == address_hash("erase@example.org")


def test_staff_cannot_add_subscribers_by_hand(admin_client):
    assert admin_client.get(reverse("admin:newsletter_subscriber_add")).status_code == 403
