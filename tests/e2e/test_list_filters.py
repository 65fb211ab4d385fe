"""The publication list's filter panel in a real browser: every topic on show, and a part of a
name typed in the author box and applied finds the authors whose names contain it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import AuthorFactory, PublicationFactory, TopicFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(150),
]


def test_every_topic_is_on_show_and_part_of_a_name_filters(page, site, screenshot):
    topics = [TopicFactory(name=f"Topic {letter}") for letter in "ABCDEFGHIJK"]
    PublicationFactory(title="By Parker", authors=[AuthorFactory(name="Sam Parker")])
    PublicationFactory(title="By Wong", authors=[AuthorFactory(name="Lee Wong")], topics=topics)

    page.goto("/publications/")
    form = page.locator(".filter-form")
    topic_list = form.locator(".choices").first
    for topic in topics:
        expect(topic_list.get_by_label(topic.name)).to_be_visible()
    # A scroll box would hide the last topics while each still counts as "visible".
    assert topic_list.evaluate("list => list.scrollHeight - list.clientHeight") <= 0
    screenshot(page, "filters")

    form.get_by_label("Author name").fill("par")
    form.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"/publications/\?author=par$"))
    expect(page.locator(".pub-row__title")).to_have_text(["By Parker"])
    expect(page.locator(".active-filters li").first).to_have_text(re.compile("Name contains “par”"))
    expect(form.get_by_label("Names containing “par”")).to_be_checked()
    screenshot(page, "list-filtered-by-part-of-a-name")
