"""A withdrawn publication: 410 with its title, date and reason for the page and every file
address, and gone from search, feeds and the sitemap."""

from __future__ import annotations

import pytest

from publications.models import Publication, Status
from publications.page_cache import page_cache_invalidate
from search.index.writes import index_publications
from tests.factories import PublicationFactory, PublicationFileFactory
from tests.workflow import withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def withdrawn():
    publication = PublicationFactory(slug="flawed", title="A Flawed Estimate")
    file = PublicationFileFactory(publication=publication)
    index_publications([publication.pk])
    withdraw(Publication.objects.filter(pk=publication.pk), reason="The data were wrong.")
    page_cache_invalidate()
    return publication, file


@pytest.mark.parametrize(
    "path", ["", "pdf/", "download/", "files/{file}/", "files/{file}/download/", "cite.bib"]
)
def test_its_page_and_files_answer_410_with_title_and_reason(client, withdrawn, path):
    _, file = withdrawn

    response = client.get(f"/publications/flawed/{path.format(file=file.pk)}")

    assert response.status_code == 410
    html = response.content.decode()
    assert "A Flawed Estimate" in html
    assert "The data were wrong." in html
    assert "December 9, 2024" in html  # its date


@pytest.mark.parametrize(
    "url",
    ["/search/?q=flawed", "/api/search?q=flawed", "/feeds/latest/", "/sitemap.xml", "/"],
)
def test_it_leaves_search_feeds_and_the_sitemap(client, withdrawn, url):
    assert "/publications/flawed/" not in client.get(url).content.decode()


def test_a_page_that_was_never_public_is_still_404(client):
    PublicationFactory(slug="unwritten", status=Status.DRAFT)

    assert client.get("/publications/unwritten/").status_code == 404
