"""A web-native publication in a real browser: staff write a body with a heading, a list and a
link in the editor, attach a PDF and a CSV, publish; a reader finds the body's words and the
PDF's words in search and lands at the heading and at the page."""

from __future__ import annotations

import datetime
import time

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from publications.models import ExtractionStatus, FileRole, Publication
from tests.e2e.browser import admin_log_in, publish_with_the_workflow_buttons
from tests.pdfs import make_pdf

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]


@pytest.fixture(scope="module")
def site(fresh_site):
    """A runserver of this module's own (see fresh_site): it writes in the admin."""
    return fresh_site


PASSWORD = "correct horse battery staple 42"
TITLE = "Groundwater in a Warming Delta"
PDF_PAGES = [
    "Technical annex: wells, aquifers and monitoring networks.",
    "Sampling methods used across the delta.",
    "Salinity intrusion measured in piezometers rose each dry season.",
]
CSV = b"well,year,salinity\nW-1,2023,1.2\nW-2,2023,3.4\n"


def type_the_body(page) -> None:
    """Write in the editor as staff do: its markdown-like shortcuts make the heading and the
    list, and a typed address becomes a link."""
    editor = page.locator(".prose-editor [contenteditable=true]")
    editor.click()
    editor.press_sequentially("Farmers on the coast are moving inland.")
    editor.press("Enter")
    editor.press_sequentially("## Pumping and subsidence")
    editor.press("Enter")
    editor.press_sequentially("Aquicludes compact when wells draw down the water table.")
    editor.press("Enter")
    editor.press_sequentially("- Rice paddies")
    editor.press("Enter")
    editor.press_sequentially("Shrimp ponds")
    editor.press("Enter")
    editor.press("Enter")  # out of the list
    editor.press_sequentially("Data from https://www.example.org/delta-wells ")


def test_staff_write_a_body_attach_files_and_readers_land_at_the_heading_and_page(
    page, site, screenshot
):
    get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)
    admin_log_in(page, "editor", PASSWORD)
    page.goto("/admin/publications/publication/add/")

    page.locator("#id_title").press_sequentially(TITLE)
    page.select_option("#id_type", "commentary")
    page.fill("#id_publication_date", datetime.date.today().isoformat())
    type_the_body(page)
    page.set_input_files(
        "#id_files-0-file",
        {"name": "annex.pdf", "mimeType": "application/pdf", "buffer": make_pdf(PDF_PAGES)},
    )
    page.fill("#id_files-0-title", "Technical annex")
    page.locator("#files-group .add-row a").click()
    page.set_input_files(
        "#id_files-1-file", {"name": "wells.csv", "mimeType": "text/csv", "buffer": CSV}
    )
    page.select_option("#id_files-1-role", FileRole.DATA)
    page.fill("#id_files-1-title", "Well readings")
    screenshot(page, "admin-body-and-files")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    publication = Publication.objects.get(title=TITLE)
    page.goto(f"/admin/publications/publication/{publication.pk}/change/")
    publish_with_the_workflow_buttons(page)
    assert '<h2 id="pumping-and-subsidence">Pumping and subsidence</h2>' in publication.body
    assert "<ul><li><p>Rice paddies</p></li><li><p>Shrimp ponds</p></li></ul>" in publication.body
    assert 'href="https://www.example.org/delta-wells"' in publication.body
    pdf, csv = publication.files.order_by("position")
    assert (pdf.role, csv.role, csv.content_type) == (
        FileRole.FULL_REPORT,
        FileRole.DATA,
        "text/csv",
    )
    _wait_for_extraction(pdf)

    # The body's words: the hit is the heading, and it lands there.
    page.goto("/search/?q=aquicludes")
    result = page.locator(".search-result")
    expect(result).to_have_count(1)
    heading_link = result.get_by_role("link", name="Pumping and subsidence")
    expect(heading_link).to_have_attribute(
        "href", f"/publications/{publication.slug}/#pumping-and-subsidence"
    )
    screenshot(page, "search-body-hit")
    heading_link.click()
    expect(page).to_have_url(f"{site.url}/publications/{publication.slug}/#pumping-and-subsidence")
    heading = page.get_by_role("heading", name="Pumping and subsidence", level=2)
    expect(heading).to_be_in_viewport()
    expect(page.locator("#body li")).to_have_text(["Rice paddies", "Shrimp ponds"])
    outside = page.locator("#body a", has_text="https://www.example.org/delta-wells")
    expect(outside).to_have_attribute("rel", "noopener noreferrer")
    files = page.locator(".files li")
    expect(files).to_have_count(2)
    expect(files.nth(1)).to_contain_text("Well readings")
    screenshot(page, "publication-body-and-files")

    # The PDF's words: the hit is its page, in that file, by the file's id.
    page.goto("/search/?q=piezometers")
    page_link = page.locator(".search-result").get_by_role("link", name="p. 3")
    expect(page_link).to_have_attribute(
        "href", f"/publications/{publication.slug}/files/{pdf.pk}/#page=3"
    )
    served = page.request.get(f"/publications/{publication.slug}/files/{pdf.pk}/")
    assert served.headers["content-type"] == "application/pdf"
    data = page.request.get(f"/publications/{publication.slug}/files/{csv.pk}/download/")
    assert data.body() == CSV
    assert data.headers["content-disposition"].startswith("attachment")


def _wait_for_extraction(file, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        file.extraction.refresh_from_db()
        if file.extraction.status == ExtractionStatus.DONE:
            return
        assert file.extraction.status != ExtractionStatus.FAILED, file.extraction.detail
        assert time.monotonic() < deadline, f"extraction still {file.extraction.status}"
        time.sleep(0.25)
