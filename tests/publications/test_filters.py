import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.models import PublicationType, Status
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory
from tests.publications.pages import listed_titles, tags

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    """Five publications across two topics, two authors, two types and three years."""
    trade, energy = TopicFactory(name="Trade"), TopicFactory(name="Energy")
    ana, bo = AuthorFactory(name="Ana Ruiz"), AuthorFactory(name="Bo Chen")
    PublicationFactory(
        title="Trade by Ana",
        topics=[trade],
        authors=[ana],
        type=PublicationType.REPORT,
        publication_date=datetime.date(2022, 3, 1),
    )
    PublicationFactory(
        title="Energy by Bo",
        topics=[energy],
        authors=[bo],
        type=PublicationType.ISSUE_BRIEF,
        publication_date=datetime.date(2023, 3, 1),
    )
    PublicationFactory(
        title="Both by both",
        topics=[trade, energy],
        authors=[ana, bo],
        type=PublicationType.REPORT,
        publication_date=datetime.date(2024, 3, 1),
    )
    PublicationFactory(
        title="Energy by Ana",
        topics=[energy],
        authors=[ana],
        type=PublicationType.COMMENTARY,
        publication_date=datetime.date(2024, 6, 1),
    )
    PublicationFactory(title="Untagged", publication_date=datetime.date(2021, 1, 1))


def titles_for(client, query: str) -> set[str]:
    return set(listed_titles(client.get(f"/publications/?{query}")))


def test_no_filter_lists_every_public_publication_newest_first(client, shelf):
    assert listed_titles(client.get("/publications/")) == [
        "Energy by Ana",
        "Both by both",
        "Energy by Bo",
        "Trade by Ana",
        "Untagged",
    ]


def test_topic_filter(client, shelf):
    assert titles_for(client, "topic=trade") == {"Trade by Ana", "Both by both"}


def test_several_topics_are_alternatives(client, shelf):
    assert titles_for(client, "topic=trade&topic=energy") == {
        "Trade by Ana",
        "Energy by Bo",
        "Both by both",
        "Energy by Ana",
    }


def test_author_filter_takes_the_slug(client, shelf):
    assert titles_for(client, "author=bo-chen") == {"Energy by Bo", "Both by both"}


def test_several_authors_are_alternatives(client, shelf):
    assert titles_for(client, "author=bo-chen&author=ana-ruiz") == {
        "Trade by Ana",
        "Energy by Bo",
        "Both by both",
        "Energy by Ana",
    }


def test_author_typed_by_name_without_javascript_still_filters(client, shelf):
    assert titles_for(client, "author=Bo+Chen") == {"Energy by Bo", "Both by both"}


def test_unknown_author_matches_nothing_rather_than_everything(client, shelf):
    assert titles_for(client, "author=nobody-at-all") == set()


@pytest.mark.parametrize("typed", ["ru", "RUIZ", "  ana r  "])
def test_part_of_a_name_finds_every_author_whose_name_contains_it(client, shelf, typed):
    assert titles_for(client, urlencode({"author": typed})) == {
        "Trade by Ana",
        "Both by both",
        "Energy by Ana",
    }


def test_part_of_a_name_is_listed_as_a_filter_that_can_be_removed(client, shelf):
    response = client.get("/publications/?author=chen&topic=energy")

    html = response.content.decode()
    [active] = [f for f in response.context["listing"].active if f.label.startswith("Name")]
    assert active.label == "Name contains “chen”"
    assert parse_qs(active.remove_query) == {"topic": ["energy"]}
    checked = {(i["name"], i["value"]) for i in tags(html, "input") if "checked" in i}
    assert ("author", "chen") in checked
    assert "Names containing “chen”" in html
    assert "apply what you typed to find every author whose name contains it" in html


def test_an_authors_slug_picks_that_author_alone(client, shelf):
    PublicationFactory(title="By Bo alone", authors=[AuthorFactory(name="Bo")])

    assert titles_for(client, "author=bo") == {"By Bo alone"}
    assert titles_for(client, "author=Bo") == {"By Bo alone"}


def test_too_many_author_values_is_an_error_not_a_slow_query(client, shelf):
    query = urlencode([("author", f"name {n}") for n in range(21)])

    response = client.get(f"/publications/?{query}")

    assert listed_titles(response) == []
    assert "At most 20 authors, please." in response.content.decode()


def test_type_filter_and_alternatives(client, shelf):
    assert titles_for(client, "type=issue-brief") == {"Energy by Bo"}
    assert titles_for(client, "type=issue-brief&type=commentary") == {
        "Energy by Bo",
        "Energy by Ana",
    }


def test_date_range_is_inclusive_at_both_ends(client, shelf):
    assert titles_for(client, "published_after=2023-03-01&published_before=2024-03-01") == {
        "Energy by Bo",
        "Both by both",
    }


def test_different_filters_must_all_hold(client, shelf):
    assert titles_for(client, "topic=energy&author=ana-ruiz") == {"Both by both", "Energy by Ana"}
    assert titles_for(client, "topic=energy&author=ana-ruiz&type=commentary") == {"Energy by Ana"}
    assert titles_for(client, "topic=energy&published_before=2023-12-31") == {"Energy by Bo"}


def test_a_publication_in_two_matching_topics_is_listed_once(client, shelf):
    assert (
        listed_titles(client.get("/publications/?topic=trade&topic=energy")).count("Both by both")
        == 1
    )


def test_malformed_date_shows_an_error_and_no_results(client, shelf):
    response = client.get("/publications/?published_after=2024-13-45")

    assert listed_titles(response) == []
    assert "Enter a valid date." in response.content.decode()


def test_filters_hide_drafts(client, shelf):
    PublicationFactory(title="Draft on trade", status=Status.DRAFT, topics=[TopicFactory()])

    assert "Draft on trade" not in titles_for(client, "type=report")


def test_pagination_keeps_every_filter_value(client, shelf, settings):
    settings.PUBLICATIONS_PER_PAGE = 2
    first = client.get("/publications/?author=ana-ruiz&author=bo-chen&type=report&type=commentary")

    [next_link] = [a["href"] for a in tags(first.content.decode(), "a") if a.get("rel") == "next"]
    query = parse_qs(urlsplit(next_link).query)
    second = client.get("/publications/" + next_link)

    assert query == {
        "author": ["ana-ruiz", "bo-chen"],
        "type": ["report", "commentary"],
        "page": ["2"],
    }
    assert len(listed_titles(first)) == 2
    assert listed_titles(second) == ["Trade by Ana"]


def test_active_filters_each_have_a_link_removing_only_that_one(client, shelf):
    response = client.get("/publications/?author=ana-ruiz&author=bo-chen&topic=trade&page=2")

    removals = {f.label: parse_qs(f.remove_query) for f in response.context["listing"].active}
    assert removals["Ana Ruiz"] == {"author": ["bo-chen"], "topic": ["trade"]}
    assert removals["Trade"] == {"author": ["ana-ruiz", "bo-chen"]}
    assert 'aria-label="Remove filter: Bo Chen"' in response.content.decode()


def test_filter_form_shows_chosen_values_checked(client, shelf):
    html = client.get("/publications/?topic=trade&author=bo-chen&type=report").content.decode()

    checked = {(i["name"], i["value"]) for i in tags(html, "input") if "checked" in i}
    assert checked == {("topic", "trade"), ("author", "bo-chen"), ("type", "report")}


def test_author_filter_is_a_search_field_not_a_list_of_every_author(client, shelf):
    AuthorFactory.create_batch(5)

    html = client.get("/publications/").content.decode()

    [field] = [i for i in tags(html, "input") if i.get("id") == "author-search"]
    assert field["list"] == "author-suggestions"
    assert field["data-suggest-url"] == "/authors/suggest/"
    assert "<select" not in html
    assert "<option" not in html
    assert any(s.get("src", "").endswith("js/publication-filters.js") for s in tags(html, "script"))


# --- Query counts ---------------------------------------------------------------------------


def add_publications(count: int, topics, authors) -> None:
    for _ in range(count):
        PublicationFactory(topics=topics, authors=authors)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/publications/",
        "/publications/?topic=topic-a&author=writer-a&type=report&published_after=2000-01-01",
        "/topics/topic-a/",
        "/authors/writer-a/",
        # /search/ is pinned in tests/search/test_views.py (the engine's fixed set of queries).
        "/feeds/latest/",
        "/feeds/topics/topic-a/atom/",
    ],
)
def test_list_pages_make_the_same_queries_for_5_or_25_rows(
    client, settings, django_assert_max_num_queries, url
):
    settings.PUBLICATIONS_PER_PAGE = 50
    topics = [TopicFactory(name="Topic A"), TopicFactory(name="Topic B")]
    authors = [AuthorFactory(name="Writer A"), AuthorFactory(name="Writer B")]
    add_publications(5, topics, authors)
    client.get(url)  # fills the cached Total Index
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    add_publications(20, topics, authors)

    with django_assert_max_num_queries(len(five)):
        response = client.get(url)

    assert len(five) <= 8
    rows = response.content.count(b"Publication number")
    assert rows >= (10 if url == "/" else 25)


def test_typed_author_text_with_a_nul_byte_is_no_server_error(client):
    # Found by the search fuzz test: PostgreSQL refuses text holding NUL (0x00).
    response = client.get("/publications/?author=%26%00%26")

    assert response.status_code == 200
