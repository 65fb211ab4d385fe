import datetime

import pytest

from tests.factories import AuthorFactory, PublicationFactory, TopicFactory
from tests.publications.pages import HIDDEN_TITLES, attach_pdf, listed_titles, make_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return make_catalogue()


# --- Drafts and scheduled items stay hidden --------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/publications/",
        "/publications/?topic=defense-industry",
        "/topics/defense-industry/",
        "/authors/jane-public/",
        # /search/ reads the search index: tests/search/test_views.py checks it hides them too.
    ],
)
def test_lists_show_public_publications_but_not_drafts_or_future_ones(client, catalogue, url):
    html = client.get(url).content.decode()

    assert "Visible report" in html
    for title in HIDDEN_TITLES:
        assert title not in html


@pytest.mark.parametrize("suffix", ["", "pdf/", "download/", "cite.bib", "cite.ris"])
@pytest.mark.parametrize("which", ["draft", "future"])
def test_hidden_publications_are_404_to_the_public(client, catalogue, which, suffix):
    publication = getattr(catalogue, which)
    attach_pdf(publication)

    assert client.get(f"/publications/{publication.slug}/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["", "pdf/", "download/", "cite.bib", "cite.ris"])
def test_staff_see_hidden_publications(admin_client, catalogue, suffix):
    attach_pdf(catalogue.draft)

    assert admin_client.get(f"/publications/{catalogue.draft.slug}/{suffix}").status_code == 200


def test_staff_view_of_a_draft_says_it_is_not_public_and_is_not_cached(admin_client, catalogue):
    response = admin_client.get(f"/publications/{catalogue.draft.slug}/")

    assert "Preview — not public" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


def test_an_author_of_only_hidden_publications_has_no_public_page(client, catalogue):
    assert client.get("/authors/hidden-writer/").status_code == 404


def test_staff_can_open_the_page_of_an_author_without_public_work(admin_client, catalogue):
    response = admin_client.get("/authors/hidden-writer/")

    assert response.status_code == 200
    assert listed_titles(response) == []


def test_author_list_names_only_authors_with_public_publications(client, catalogue):
    response = client.get("/authors/")

    authors = {author.name: author.publication_count for author in response.context["page_obj"]}
    assert authors == {"Jane Public": 1}


def test_total_index_counts_only_public_publications(client, catalogue):
    assert "Total Index: 1 publication." in client.get("/").content.decode()


# --- Home, author and topic pages ----------------------------------------------------------


def test_home_lists_the_latest_publications_newest_first(client):
    PublicationFactory(title="Older", publication_date=datetime.date(2023, 1, 5))
    PublicationFactory(title="Newer", publication_date=datetime.date(2024, 6, 1))

    response = client.get("/")

    assert [p.title for p in response.context["latest"]] == ["Newer", "Older"]


def test_home_lists_top_level_topics_with_public_counts(client, catalogue):
    TopicFactory(name="Trade", parent=catalogue.topic)

    html = client.get("/").content.decode()

    assert 'href="/topics/defense-industry/"' in html
    assert 'href="/topics/trade/"' not in html


def test_author_page_shows_bio_role_affiliation_and_publications(client):
    author = AuthorFactory(
        name="Ana Ruiz", role="Senior Fellow", affiliation="Asia Program", bio="Ana studies Korea."
    )
    PublicationFactory(title="Alliance report", authors=[author])
    PublicationFactory(title="Someone else's report")

    response = client.get("/authors/ana-ruiz/")
    html = response.content.decode()

    assert "<h1>Ana Ruiz</h1>" in html
    assert "Senior Fellow, Asia Program" in html
    assert "Ana studies Korea." in html
    assert listed_titles(response) == ["Alliance report"]


def test_author_page_is_paginated(client, settings):
    settings.PUBLICATIONS_PER_PAGE = 2
    author = AuthorFactory()
    for _ in range(3):
        PublicationFactory(authors=[author])

    first = client.get(author.get_absolute_url())
    second = client.get(author.get_absolute_url() + "?page=2")

    assert len(listed_titles(first)) == 2
    assert len(listed_titles(second)) == 1
    assert 'href="?page=2"' in first.content.decode()


def test_topic_page_shows_description_subtopics_and_their_publications(client):
    parent = TopicFactory(name="Security", description="Defense and deterrence.")
    child = TopicFactory(name="Nuclear Policy", parent=parent)
    PublicationFactory(title="On security", topics=[parent])
    PublicationFactory(title="On nuclear policy", topics=[child])
    PublicationFactory(title="On both", topics=[parent, child])
    PublicationFactory(title="Elsewhere", topics=[TopicFactory()])

    response = client.get("/topics/security/")
    html = response.content.decode()

    assert "Defense and deterrence." in html
    assert 'href="/topics/nuclear-policy/"' in html
    assert sorted(listed_titles(response)) == ["On both", "On nuclear policy", "On security"]


def test_topic_list_nests_subtopics_under_their_parent(client):
    parent = TopicFactory(name="Security")
    TopicFactory(name="Nuclear Policy", parent=parent)

    response = client.get("/topics/")

    [root] = response.context["topics"]
    assert root.name == "Security"
    assert [t.name for t in root.subtopics] == ["Nuclear Policy"]


def test_unknown_topic_or_author_is_404(client):
    assert client.get("/topics/nothing/").status_code == 404
    assert client.get("/authors/nobody/").status_code == 404
