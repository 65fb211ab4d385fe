"""A reader in a real browser: find a publication from the home page's search box by words on
page 3 of its PDF, open it, check the PDF it serves, filter the list by topic, follow an author."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.catalogue import PHRASE, TITLE, catalogue_make

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(150),
]


def test_reader_searches_opens_filters_and_follows_an_author(page, site, with_pdf, screenshot):
    books = catalogue_make(with_pdf)
    slug = books.publication.slug

    page.goto("/")
    expect(page.locator(".total-index")).to_have_text("Total Index: 2 publications.")
    screenshot(page, "home")
    page.get_by_label("Search All Site Content").fill(PHRASE)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"/search/\?q=osmosis\+membranes$"))
    results = page.locator(".search-result")
    expect(results).to_have_count(1)
    result = results.first
    expect(result.locator(".pub-row__title")).to_have_text(TITLE)
    marks = result.locator(".search-result__snippet mark").all_inner_texts()
    assert {mark.lower() for mark in marks} == {"osmosis", "membranes"}
    page_links = result.locator(".search-result__pages a")
    expect(page_links).to_have_text(["p. 3"])
    file_id = books.publication.first_pdf.pk
    expect(page_links).to_have_attribute("href", f"/publications/{slug}/files/{file_id}/#page=3")
    screenshot(page, "search-results")

    result.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(f"{site.url}/publications/{slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    date = page.locator(".published time")
    expect(date).to_have_text("March 14, 2025")
    expect(date).to_have_attribute("datetime", "2025-03-14")
    expect(page.locator(".byline")).to_have_text("By Ruth Okafor and Daniel Abrams")
    expect(page.locator(".abstract")).to_contain_text("How coastal cities can pay")
    download = page.get_by_role("link", name="Download PDF").first
    expect(download).to_have_attribute("href", f"/publications/{slug}/download/")
    viewer = page.locator("object.pdf-viewer__frame")
    expect(viewer).to_have_attribute("type", "application/pdf")
    expect(viewer).to_have_attribute("data", f"/publications/{slug}/pdf/")
    expect(viewer).to_have_attribute("aria-label", f"PDF: {TITLE}")
    screenshot(page, "publication")

    # Headless chromium draws no PDF: what the viewer would load is checked instead.
    inline = page.request.get(f"/publications/{slug}/pdf/")
    assert inline.status == 200
    assert inline.headers["content-type"] == "application/pdf"
    assert inline.headers["content-disposition"].startswith("inline; filename=")
    assert inline.headers["x-content-type-options"] == "nosniff"
    assert inline.headers["accept-ranges"] == "bytes"
    assert inline.body() == books.pdf
    part = page.request.get(f"/publications/{slug}/pdf/", headers={"Range": "bytes=100-199"})
    assert part.status == 206
    assert part.headers["content-range"] == f"bytes 100-199/{len(books.pdf)}"
    assert part.body() == books.pdf[100:200]
    with page.expect_download() as downloaded:
        download.click()
    assert downloaded.value.suggested_filename.endswith(".pdf")
    assert downloaded.value.path().read_bytes() == books.pdf
    attachment = page.request.get(f"/publications/{slug}/download/")
    assert attachment.headers["content-disposition"].startswith("attachment; filename=")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Publications").click()
    titles = page.locator(".pub-row__title")
    expect(titles).to_have_text([TITLE, "Tariffs and the Port Economy"])
    page.locator(".filter-form").get_by_label("Water Security").check()
    page.locator(".filter-form").get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/publications/\?topic=water-security$"))
    expect(titles).to_have_text([TITLE])
    screenshot(page, "list-filtered-by-topic")

    page.locator(".pub-row__authors").get_by_role("link", name="Daniel Abrams").click()
    expect(page).to_have_url(f"{site.url}/authors/daniel-abrams/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Daniel Abrams")
    expect(page.locator(".pub-row__title")).to_have_text([TITLE])
    screenshot(page, "author")
