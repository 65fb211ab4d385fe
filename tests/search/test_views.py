import pytest

from publications.models import Status
from tests.factories import PublicationFactory
from tests.publications.pages import listed_titles

pytestmark = pytest.mark.django_db


def test_search_matches_titles_ignoring_case(client):
    PublicationFactory(title="Defense industrial cooperation")
    PublicationFactory(title="Trade policy")

    response = client.get("/search/?q=DEFENSE")

    assert listed_titles(response) == ["Defense industrial cooperation"]
    assert "1 publication with “DEFENSE” in the title." in response.content.decode()


def test_search_leaves_out_drafts(client):
    PublicationFactory(title="Defense draft", status=Status.DRAFT)

    assert listed_titles(client.get("/search/?q=defense")) == []


def test_empty_search_asks_for_words_and_lists_nothing(client):
    PublicationFactory(title="Anything")

    response = client.get("/search/?q=+")

    assert listed_titles(response) == []
    assert "Type words from a publication" in response.content.decode()


def test_search_results_are_paginated_keeping_the_query(client, settings):
    settings.PUBLICATIONS_PER_PAGE = 2
    for n in range(3):
        PublicationFactory(title=f"Report on ports {n}")

    first = client.get("/search/?q=ports")

    assert len(listed_titles(first)) == 2
    assert 'href="?q=ports&amp;page=2"' in first.content.decode()
    assert len(listed_titles(client.get("/search/?q=ports&page=2"))) == 1


def test_search_box_keeps_the_query_escaped(client):
    html = client.get('/search/?q="><b>x').content.decode()

    assert 'value="&quot;&gt;&lt;b&gt;x"' in html
