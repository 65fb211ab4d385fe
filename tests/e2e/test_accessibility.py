"""Every public page passes axe-core (no serious or critical violations) in the browser, at a
desktop width and at a phone's 375 pixels, where nothing scrolls sideways and the key controls
are on screen."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import RequestFactory

from newsletter.models import Subscriber, SubscriberStatus
from newsletter.tokens import confirm_token_make
from publications.views import page_not_found
from tests.e2e.browser import PHONE, TIMEOUT_MS, accessibility_violations, layout_problems
from tests.e2e.catalogue import catalogue_make

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(150),
]

# On every page: the site's own layout (not Django's debug pages), search box and navigation.
CHROME = [".site-name", "#site-search", ".search-box button", ".site-nav a", "h1"]
MISSING = "/no-such-page/"


def public_pages(slug: str, topic: str, author: str) -> dict[str, tuple[str, list[str]]]:
    """Name -> (path, controls that must be on screen at a phone's width)."""
    pending = Subscriber.objects.create(email="pending@example.org")
    confirmed = Subscriber.objects.create(
        email="confirmed@example.org", status=SubscriberStatus.CONFIRMED
    )
    confirm = confirm_token_make(subscriber_id=pending.pk, nonce=pending.confirm_nonce)
    footer = [".mailing-list input[type=email]", ".mailing-list button"]
    return {
        "home": ("/", footer),
        "list": ("/publications/", [".filters summary", ".pub-row__title a"]),
        "list filtered": (
            f"/publications/?topic={topic}",
            [".active-filters a, .pub-row__title a"],
        ),
        "publication": (f"/publications/{slug}/", [".download .button", ".byline a"]),
        "author": (f"/authors/{author}/", [".pub-row__title a"]),
        "authors": ("/authors/", ["main a[href^='/authors/']"]),
        "topic": (f"/topics/{topic}/", [".pub-row__title a"]),
        "topics": ("/topics/", ["main a[href^='/topics/']"]),
        "search results": ("/search/?q=osmosis+membranes", [".search-result a"]),
        "search no hit": ("/search/?q=zebra+quasar", []),
        "newsletter signup": (
            "/newsletter/",
            [".signup-form input[type=email]", ".signup-form button"],
        ),
        "newsletter confirm": (f"/newsletter/confirm/{confirm}/", ["main form button"]),
        "newsletter preferences": (
            f"/newsletter/preferences/{confirmed.token}/",
            ["main form button"],
        ),
        "newsletter unsubscribe": (
            f"/newsletter/unsubscribe/{confirmed.token}/",
            ["main form button"],
        ),
        "404": (MISSING, footer),
    }


def serve_the_404_page(page, site) -> None:
    """runserver runs with DEBUG on, which answers a missing page with Django's debug page; the
    site's own 404 page (handler404, as production serves it) is put in its place."""
    response = page_not_found(RequestFactory().get(MISSING), Http404())
    assert response.status_code == 404
    page.route(
        f"{site.url}{MISSING}",
        lambda route: route.fulfill(
            status=404, body=response.content, content_type="text/html; charset=utf-8"
        ),
    )


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_every_public_page_passes_axe_and_fits(browser, site, with_pdf, width):
    books = catalogue_make(with_pdf)
    pages = public_pages(books.publication.slug, books.water.slug, books.first_author.slug)
    viewport = PHONE if width == "phone" else {"width": 1280, "height": 900}
    context = browser.new_context(base_url=site.url, viewport=viewport)
    context.set_default_timeout(TIMEOUT_MS)
    problems: dict[str, list[str]] = {}
    try:
        page = context.new_page()
        serve_the_404_page(page, site)
        for name, (path, controls) in pages.items():
            response = page.goto(path)
            assert response.status == (404 if name == "404" else 200), (name, path)
            found = accessibility_violations(page)
            if width == "phone":
                found += layout_problems(page, CHROME + controls)
            if found:
                problems[f"{name} ({path})"] = found
    finally:
        context.close()
    assert not problems, "\n".join(
        f"{name}:\n  " + "\n  ".join(found) for name, found in problems.items()
    )


def test_the_check_finds_what_it_should(browser):
    """The checks above can fail: an unlabelled field and a too-wide table are caught."""
    page = browser.new_page(viewport=PHONE)
    try:
        page.set_content(
            "<!doctype html><html lang='en'><title>t</title><main><h1>Form</h1>"
            "<input type='text'><table style='width:600px'><tr><td>x</td></tr></table></main>"
        )
        violations = accessibility_violations(page)
        layout = layout_problems(page, ["h1"])
    finally:
        page.close()
    assert any(line.startswith("label (critical)") for line in violations), violations
    assert any("scrolls sideways (" in line for line in layout), layout
