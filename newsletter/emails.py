"""Every email the mailing list sends is built here (after Zulip's build_email): templates from
templates/email/<name>/ (subject.txt, body.txt, body.html), both parts, and the list headers."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

# Stands in for the subscriber's token while a campaign's body is rendered once for many readers.
TOKEN_PLACEHOLDER = "__subscriber_token__"  # noqa: S105 - a marker, not a secret


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str

    def personalised(self, token: str) -> Rendered:
        """This rendering with the placeholder replaced by one subscriber's token."""
        return Rendered(
            subject=self.subject,
            text=self.text.replace(TOKEN_PLACEHOLDER, token),
            html=self.html.replace(TOKEN_PLACEHOLDER, token),
        )


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def subscriber_links(token: str) -> dict[str, str]:
    """The unsubscribe and preferences URLs for a subscriber's token (absolute, from SITE_URL)."""
    return {
        "unsubscribe_url": absolute_url(reverse("newsletter:unsubscribe", args=[token])),
        "preferences_url": absolute_url(reverse("newsletter:preferences", args=[token])),
    }


def render_email(name: str, context: dict) -> Rendered:
    """Render templates/email/<name>/ with the site's name and address in the context."""
    context = {
        "site_name": settings.SITE_NAME,
        "site_address": settings.SITE_ADDRESS,
        "site_url": settings.SITE_URL,
        **context,
    }
    subject = render_to_string(f"email/{name}/subject.txt", context)
    return Rendered(
        # A header is one line: newlines from a template (or a title) never reach it.
        subject=" ".join(subject.split()),
        text=render_to_string(f"email/{name}/body.txt", context),
        html=render_to_string(f"email/{name}/body.html", context),
    )


def build_email(
    *,
    to: str,
    token: str,
    name: str = "",
    context: dict | None = None,
    rendered: Rendered | None = None,
    links: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """An email to one address, from templates `name` (or a ready rendering), with List-Id,
    List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) for the subscriber's token (whose
    `links` a caller sending many may pass in, worked out without a reverse() per email)."""
    if links is None:
        links = subscriber_links(token)
    if rendered is None:
        rendered = render_email(name, {**links, **(context or {})})
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "List-Id": f"{settings.SITE_NAME} <{settings.NEWSLETTER_LIST_ID}>",
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(rendered.html, "text/html")
    return message
