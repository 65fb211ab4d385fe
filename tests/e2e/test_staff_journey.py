"""Staff in a real browser: log in to the admin, add a publication with two authors in a chosen
order, two topics and a PDF, watch its text extraction finish without reloading, publish it."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from publications.models import ExtractionStatus, Publication, Status
from tests.e2e.browser import publish_with_the_workflow_buttons
from tests.factories import AuthorFactory, TopicFactory
from tests.helpers import wait_for_http
from tests.pdfs import make_pdf

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]

PASSWORD = "correct horse battery staple 42"
PDF_PAGES = [
    "Water policy in coastal cities: an overview of supply and demand.",
    "Methods: interviews with utility managers and a survey of tariffs.",
    "Findings: reverse osmosis desalination membranes cut energy use by a third.",
]


def choose_in_autocomplete(page, select_id: str, text: str) -> None:
    """Pick an entry in one of the admin's autocomplete (select2) widgets, as staff do."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.press_sequentially(text)
    page.locator(".select2-container--open .select2-results__option", has_text=text).click()


def test_staff_log_in_add_a_publication_watch_extraction_and_publish(page, site, screenshot):
    get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)
    # Created in the opposite order to the byline, so neither id nor name order gives it.
    second, first = AuthorFactory(name="Daniel Abrams"), AuthorFactory(name="Ruth Okafor")
    TopicFactory(name="Water Security")
    TopicFactory(name="Urban Infrastructure")
    TopicFactory(name="Trade")

    page.goto("/admin/")
    expect(page).to_have_url(f"{site.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    screenshot(page, "admin-login")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    page.goto("/admin/publications/publication/add/")
    page.locator("#id_title").press_sequentially("Desalination and the Thirsty City")
    expect(page.locator("#id_slug")).to_have_value("desalination-and-the-thirsty-city")
    page.select_option("#id_type", "report")
    page.fill("#id_publication_date", datetime.date.today().isoformat())
    page.fill("#id_abstract", "How coastal cities can pay for fresh water from the sea.")
    choose_in_autocomplete(page, "id_topics", "Water Security")
    choose_in_autocomplete(page, "id_topics", "Urban Infrastructure")
    choose_in_autocomplete(page, "id_authorships-0-author", "Ruth Okafor")
    page.locator("#authorships-group .add-row a").click()
    choose_in_autocomplete(page, "id_authorships-1-author", "Daniel Abrams")
    page.set_input_files(
        "#id_files-0-file",
        {"name": "thirsty-city.pdf", "mimeType": "application/pdf", "buffer": make_pdf(PDF_PAGES)},
    )
    screenshot(page, "admin-add-form")

    # Held back so the form is seen while the work waits, then let go: the status changes
    # on the page by itself.
    with site.worker_paused():
        page.click("input[name=_continue]")
        expect(page.locator(".messagelist .success")).to_be_visible()
        status = page.locator("#files-group .field-text_extraction .extraction")
        expect(status).to_have_class("extraction extraction-pending")
        screenshot(page, "admin-extraction-pending")
        page.evaluate("window.sameDocument = true")
    expect(status).to_have_class("extraction extraction-done", timeout=60_000)
    expect(status.locator(".extraction-summary")).to_contain_text("3 pages")
    assert page.evaluate("window.sameDocument") is True, "the page was reloaded"
    screenshot.element(page.locator("#files-group"), "admin-extraction-done")

    publication = Publication.objects.get(slug="desalination-and-the-thirsty-city")
    assert publication.status == Status.DRAFT
    assert publication.first_pdf.extraction.status == ExtractionStatus.DONE
    assert [a.name for a in publication.ordered_authors] == [first.name, second.name]
    topics = sorted(topic.name for topic in publication.topics.all())
    assert topics == ["Urban Infrastructure", "Water Security"]
    public_url = f"{site.url}/publications/{publication.slug}/"
    assert wait_for_http(public_url)[0] == 404  # to readers, with no staff session

    publish_with_the_workflow_buttons(page)
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    row = page.locator("#result_list tbody tr", has_text="Desalination and the Thirsty City")
    expect(row.locator(".field-text_extraction .extraction-done")).to_be_visible()
    expect(row.locator(".field-byline")).to_have_text("Ruth Okafor, Daniel Abrams")
    screenshot(page, "admin-list-published")

    publication.refresh_from_db()
    assert publication.status == Status.PUBLISHED
    status, html = wait_for_http(public_url)
    assert status == 200
    assert "Ruth Okafor</a> and <a" in html
