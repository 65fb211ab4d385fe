"""A subscriber in a real browser, with mail through a real SMTP server: sign up in the footer,
confirm from the email, choose a topic, get the email when staff publish in it (and none for
another topic), leave with the email's link; a mail provider's one-click POST works too."""

from __future__ import annotations

import datetime
import re
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from newsletter.models import Campaign, Subscriber, SubscriberStatus
from publications.models import Status
from tests.e2e.browser import admin_log_in, assert_accessible
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory
from tests.servers import wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(150),
]

READER = "reader@example.org"
ONE_CLICK = "one-click@example.org"
PASSWORD = "correct horse battery staple 42"


def mail_for(mail, address: str, count: int):
    """The first `count` messages to address, once they have arrived."""
    return wait_until(
        lambda: mail.to(address)[:count] if len(mail.to(address)) >= count else None,
        timeout=60,
        message=f"{count} message(s) to {address} never arrived; got {len(mail.to(address))}",
    )


def publish_in_admin(page, title: str) -> None:
    """Staff tick the publication in the admin's list and run "Publish selected"."""
    page.goto("/admin/publications/publication/")
    row = page.locator("#result_list tbody tr", has_text=title)
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "publish_selected")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("1 publication published")


def test_subscriber_signs_up_confirms_gets_an_update_and_leaves(
    page, browser, site, mail, screenshot
):
    water, trade = TopicFactory(name="Water Security"), TopicFactory(name="Trade")
    today = timezone.localdate()
    drafts = {
        topic.name: PublicationFactory(
            title=title,
            status=Status.APPROVED,  # reviewed: the bulk action publishes it
            publication_date=today - datetime.timedelta(days=1),
            authors=[AuthorFactory(name=author)],
            topics=[topic],
        )
        for topic, title, author in [
            (water, "Aquifers under Pressure", "Ruth Okafor"),
            (trade, "Tariffs and the Port Economy", "Lena Varga"),
        ]
    }
    # Another reader of the same topic, for the provider's one-click unsubscribe.
    other = Subscriber.objects.create(
        email=ONE_CLICK, status=SubscriberStatus.CONFIRMED, confirmed_at=timezone.now()
    )
    other.topics.set([water])
    get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)

    page.goto("/")
    footer = page.locator(".mailing-list")
    footer.get_by_label("Email address").fill(READER)
    footer.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert_accessible(page)
    screenshot(page, "signed-up")

    (confirmation,) = mail_for(mail, READER, 1)
    assert (
        confirmation.header("Subject")
        == "Confirm your subscription to Institute for Policy Research"
    )
    page.goto(confirmation.link("/newsletter/confirm/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your subscription")
    screenshot(page, "confirm")
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    assert_accessible(page)
    screenshot(page, "confirmed")
    assert Subscriber.objects.get(email=READER).status == SubscriberStatus.CONFIRMED

    page.get_by_role("link", name="Choose your topics").click()
    page.get_by_label("Water Security").check()
    page.get_by_role("button", name="Save my topics").click()
    expect(page.locator(".notice")).to_have_text("Your topics are saved.")
    screenshot(page, "preferences-saved")

    staff = browser.new_context(base_url=site.url)
    try:
        staff_page = staff.new_page()
        admin_log_in(staff_page, "editor", PASSWORD)
        publish_in_admin(staff_page, "Tariffs and the Port Economy")
        # Its announcement is settled (nobody follows Trade) before the next one goes out.
        trade_campaign = wait_until(
            lambda: Campaign.objects.filter(items__publication=drafts["Trade"]).first(),
            timeout=60,
            message="the Trade publication was never announced",
        )
        assert trade_campaign.recipients == 0
        publish_in_admin(staff_page, "Aquifers under Pressure")
    finally:
        staff.close()

    _, update = mail_for(mail, READER, 2)
    assert (
        update.header("Subject")
        == "New from Institute for Policy Research: Aquifers under Pressure"
    )
    assert "Aquifers under Pressure" in update.text
    assert "Tariffs" not in update.text
    token = Subscriber.objects.get(email=READER).token
    assert update.header("List-Unsubscribe") == f"<{site.url}/newsletter/unsubscribe/{token}/>"
    assert update.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    page.goto(update.link("/newsletter/unsubscribe/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert_accessible(page)
    screenshot(page, "unsubscribed")
    assert Subscriber.objects.get(email=READER).status == SubscriberStatus.UNSUBSCRIBED

    # As a mail provider does it (RFC 8058): a bare POST, no cookie, no CSRF token.
    (provider_copy,) = mail_for(mail, ONE_CLICK, 1)
    url = re.fullmatch(r"<(https?://[^>]+)>", provider_copy.header("List-Unsubscribe")).group(1)
    request = urllib.request.Request(  # noqa: S310 - an http(s) URL on loopback
        url,
        data=provider_copy.header("List-Unsubscribe-Post").encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 200
    other.refresh_from_db()
    assert other.status == SubscriberStatus.UNSUBSCRIBED
    assert len(mail.to(READER)) == 2  # the confirmation and the one update, nothing for Trade
