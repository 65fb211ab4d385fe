"""Every public page makes the same number of SQL queries however many publications, authors and
topics it shows: each page is counted on a small catalogue, the catalogue grows (more
publications, each with authors and topics of its own; the lead publication gains co-authors and
topics), and the page is counted again. Pages that cache are counted as rendered, not as served
from the cache."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.models import Publication, PublicationAuthor
from search.index.writes import index_publications
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory
from tests.search.shelf import with_pages

pytestmark = pytest.mark.django_db

LEAD = "lead-publication"
FILTERS = "topic=topic-a&author=writer-a&type=report&published_after=2000-01-01"
# page: (URL, what each shown item puts in the response, once or more)
PAGES = {
    "home": ("/", b"Harbour study"),
    "list with filters": (f"/publications/?{FILTERS}", b"Harbour study"),
    "publication page": (f"/publications/{LEAD}/", b"Co-writer"),
    "author": ("/authors/writer-a/", b"Harbour study"),
    "topic": ("/topics/topic-a/", b"Harbour study"),
    "search page": (f"/search/?q=harbour&{FILTERS}", b"Harbour study"),
    "latest feed": ("/feeds/latest/", b"Harbour study"),
    "topic feed": ("/feeds/topics/topic-a/atom/", b"Harbour study"),
    "author feed": ("/feeds/authors/writer-a/", b"Harbour study"),
    "sitemap": ("/sitemap.xml", b"<loc>"),
    "API search": (f"/api/search?q=harbour&{FILTERS}&page_size=100", b'"slug"'),
}


class Catalogue:
    """Topic A and Writer A on every publication, each publication with an author and a topic of
    its own, and a lead publication whose byline and topics grow with the rest."""

    def __init__(self):
        self.topic = TopicFactory(name="Topic A", slug="topic-a")
        self.writer = AuthorFactory(name="Writer A", slug="writer-a")
        self.lead = PublicationFactory(
            title="Lead publication", slug=LEAD, authors=[self.writer], topics=[self.topic]
        )
        self.size = 0

    def grow(self, count: int) -> None:
        added = []
        for n in range(self.size, self.size + count):
            publication = PublicationFactory(
                title=f"Harbour study {n}",
                abstract="Harbour dredging and port capacity.",
                type="report",
                authors=[self.writer, AuthorFactory(name=f"Harbour Writer {n}")],
                topics=[self.topic, TopicFactory(name=f"Harbour Topic {n}")],
            )
            added.append(with_pages(publication, [f"Harbour page {n}.", "More harbour."]))
            PublicationAuthor.objects.create(
                publication=self.lead,
                author=AuthorFactory(name=f"Co-writer {n}"),
                position=n + 1,
            )
            self.lead.topics.add(TopicFactory(name=f"Lead Topic {n}"))
        self.size += count
        index_publications([self.lead.pk, *(publication.pk for publication in added)])


def rendered(client, url: str):
    """The response and the queries it cost, the second time it is asked for: the total-index
    count and the search statistics are warm, as on a running site."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response, [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("page", PAGES)
def test_public_page_makes_the_same_queries_for_3_or_15_items(client, settings, page):
    settings.PUBLICATIONS_PER_PAGE = 50
    settings.PAGE_CACHE_SECONDS = 0  # the queries of rendering (a kept page makes none)
    url, marker = PAGES[page]
    catalogue = Catalogue()
    catalogue.grow(3)
    small, small_queries = rendered(client, url)

    catalogue.grow(12)
    large, large_queries = rendered(client, url)

    assert len(large_queries) == len(small_queries), "\n".join(large_queries)
    assert large.content.count(marker) > small.content.count(marker) > 0
    assert Publication.objects.count() == 16
