from types import SimpleNamespace

import pytest
from django.core.mail import BadHeaderError

from newsletter.emails import TOKEN_PLACEHOLDER, Rendered, build_email, render_email

pytestmark = pytest.mark.django_db


def test_build_email_has_both_parts_and_the_list_headers(settings):
    settings.SITE_URL = "https://example.org"
    settings.SITE_NAME = "Institute"

    message = build_email(
        to="reader@example.org",
        token="tok123",
        name="confirm",
        context={"confirm_url": "https://example.org/c/", "expiry_days": 7},
    )

    assert message.extra_headers["List-Unsubscribe"] == (
        "<https://example.org/newsletter/unsubscribe/tok123/>"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Id"].startswith("Institute <")
    assert message.alternatives[0].mimetype == "text/html"
    assert "https://example.org/newsletter/preferences/tok123/" in message.body
    assert settings.SITE_ADDRESS in message.body
    assert settings.SITE_ADDRESS in message.alternatives[0].content


def test_a_subject_never_carries_a_line_break():
    campaign = SimpleNamespace(kind="manual", subject="Hi\r\nBcc: x@example.org", intro="")

    rendered = render_email("update", {"campaign": campaign, "publications": []})

    assert "\n" not in rendered.subject
    assert "\r" not in rendered.subject


def test_a_recipient_with_a_line_break_is_refused_before_sending():
    message = build_email(
        to="a@example.org\nBcc: victim@example.org",
        token="t",
        rendered=Rendered(subject="s", text="t", html="<p>h</p>"),
    )

    with pytest.raises(BadHeaderError):
        message.message()


def test_personalising_fills_in_each_readers_token():
    rendered = Rendered("s", f"see /u/{TOKEN_PLACEHOLDER}/", f"<a href='/u/{TOKEN_PLACEHOLDER}/'>")

    mine = rendered.personalised("abc")

    assert mine.text == "see /u/abc/"
    assert mine.html == "<a href='/u/abc/'>"
