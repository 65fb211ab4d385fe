import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from newsletter.models import Campaign, CampaignKind, CampaignStatus, Delivery
from newsletter.services import campaigns
from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db


def staff(*permissions, email="editor@example.org"):
    user = User.objects.create_user("editor", email=email, password="x", is_staff=True)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def sender(client):
    user = staff("send_campaign", "view_campaign")
    client.force_login(user)
    return user


@pytest.fixture
def tasks_sent(monkeypatch):
    """Tasks the admin queued (run on commit), by name and arguments."""
    from django.db import transaction

    from newsletter import tasks

    sent = []
    monkeypatch.setattr(transaction, "on_commit", lambda func, *args, **kwargs: func())
    monkeypatch.setattr(
        tasks.send_campaign_test, "delay", lambda *args: sent.append(("test", *args))
    )
    monkeypatch.setattr(
        tasks.send_campaign,
        "apply_async",
        lambda args, countdown=None: sent.append(("send", *args)),
    )
    return sent


def draft(**fields):
    return campaigns.campaign_compose(
        subject=fields.pop("subject", "Our week"),
        intro=fields.pop("intro", "Dear readers,\nhere is our week."),
        publications=fields.pop("publications", None) or [PublicationFactory(title="On tariffs")],
    )


def test_staff_with_the_permission_compose_a_manual_digest(client, sender):
    first, second = PublicationFactory(), PublicationFactory()

    response = client.post(
        reverse("admin:newsletter_campaign_add"),
        {"subject": "Our week", "intro": "Hello.", "chosen_publications": [second.pk, first.pk]},
    )

    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.kind == CampaignKind.MANUAL
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.created_by == sender
    assert sorted(campaign.items.values_list("publication_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )


def test_staff_without_the_permission_can_neither_compose_nor_send(client, tasks_sent):
    client.force_login(staff("view_campaign"))
    campaign = draft()

    assert client.get(reverse("admin:newsletter_campaign_add")).status_code == 403
    send = reverse("admin:newsletter_campaign_send", args=[campaign.pk])
    assert client.post(send).status_code == 403
    preview = reverse("admin:newsletter_campaign_preview_html", args=[campaign.pk])
    assert client.get(preview).status_code == 403
    assert tasks_sent == []


def test_preview_as_html_and_as_plain_text(client, sender):
    campaign = draft()

    html = client.get(reverse("admin:newsletter_campaign_preview_html", args=[campaign.pk]))
    text = client.get(reverse("admin:newsletter_campaign_preview_text", args=[campaign.pk]))

    assert html["Content-Type"].startswith("text/html")
    assert "<html" in html.content.decode()
    assert "On tariffs" in html.content.decode()
    assert text["Content-Type"].startswith("text/plain")
    body = text.content.decode()
    assert body.startswith("Subject: Our week")
    assert "here is our week." in body
    assert "<" not in body.split("\n\n", 1)[1].replace("<https", "")


def test_the_change_page_links_preview_test_and_send(client, sender):
    campaign = draft()

    html = client.get(
        reverse("admin:newsletter_campaign_change", args=[campaign.pk])
    ).content.decode()

    for name in ("preview_html", "preview_text", "send_test", "send"):
        assert reverse(f"admin:newsletter_campaign_{name}", args=[campaign.pk]) in html


def test_send_a_test_to_oneself(client, sender, tasks_sent):
    campaign = draft()

    client.post(reverse("admin:newsletter_campaign_send_test", args=[campaign.pk]))

    assert tasks_sent == [("test", campaign.pk, "editor@example.org")]
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_the_test_send_arrives_with_every_publication(smtp_server, sender):
    from newsletter.services.sending import campaign_send_test

    campaign = draft()

    assert campaign_send_test(campaign_id=campaign.pk, email="editor@example.org")

    (received,) = smtp_server.messages
    assert received.header("Subject") == "[Test] Our week"
    assert "On tariffs" in received.text


def test_sending_asks_for_confirmation_then_queues_the_campaign(
    client, sender, tasks_sent, confirmed
):
    confirmed("reader@example.org")
    campaign = draft()
    url = reverse("admin:newsletter_campaign_send", args=[campaign.pk])

    page = client.get(url)
    assert "Send this campaign?" in page.content.decode()
    assert "1 confirmed subscriber" in page.content.decode()
    assert tasks_sent == []

    client.post(url)

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENDING
    assert Delivery.objects.filter(campaign=campaign).count() == 1
    assert tasks_sent == [("send", campaign.pk)]


def test_a_sent_campaign_cannot_be_edited_or_sent_again(client, sender, tasks_sent):
    campaign = draft()
    campaigns.campaign_queue(campaign=campaign)
    tasks_sent.clear()

    client.post(reverse("admin:newsletter_campaign_send", args=[campaign.pk]))
    edit = client.post(
        reverse("admin:newsletter_campaign_change", args=[campaign.pk]),
        {"subject": "Changed", "intro": "", "chosen_publications": []},
    )

    assert tasks_sent == []
    assert edit.status_code == 403
    assert Campaign.objects.get().subject == "Our week"


def test_the_campaign_list_shows_queued_sent_and_failed_counts(admin_client, confirmed):
    from newsletter.models import DeliveryStatus

    for n in range(4):
        confirmed(f"r{n}@example.org")
    campaign = draft(subject="Counted")
    campaigns.campaign_queue(campaign=campaign)
    deliveries = list(Delivery.objects.filter(campaign=campaign))
    Delivery.objects.filter(pk=deliveries[0].pk).update(status=DeliveryStatus.SENT)
    Delivery.objects.filter(pk=deliveries[1].pk).update(status=DeliveryStatus.FAILED)

    response = admin_client.get(reverse("admin:newsletter_campaign_changelist"))

    row = response.content.decode().split(">Counted</a>")[1].split("</tr>")[0]
    assert '<td class="field-queued">2</td>' in row
    assert '<td class="field-sent">1</td>' in row
    assert '<td class="field-failed">1</td>' in row
