from urllib.parse import urlsplit

import pytest

from tests.publications.pages import tags
from tests.search.shelf import links, make_shelf, page, params_of, result_titles

pytestmark = pytest.mark.django_db


def test_sort_links_switch_the_order_and_keep_the_filters(client):
    make_shelf()

    _, html = page(client, "q=tariffs&topic=trade")
    oldest = next(href for href in links(html) if params_of(href).get("sort") == ["oldest"])
    response, _ = page(client, urlsplit(oldest).query)

    assert params_of(oldest)["topic"] == ["trade"]
    assert result_titles(response) == ["Trade by Ana", "Both by both"]


def test_facet_links_add_a_filter_and_remove_it_again(client):
    make_shelf()

    _, html = page(client, "q=tariffs")
    add_trade = next(href for href in links(html) if params_of(href).get("topic") == ["trade"])
    response, filtered = page(client, urlsplit(add_trade).query)
    remove = [
        href
        for href in links(filtered)
        if href.startswith("/search/") and params_of(href).get("q") == ["tariffs"]
        if "topic" not in params_of(href) and "sort" not in params_of(href)
    ]

    assert set(result_titles(response)) == {"Trade by Ana", "Both by both"}
    assert remove
    assert 'facet__link--current" href="/search/?q=tariffs">' in filtered


def test_facets_show_counts_for_many_valued_fields(client):
    make_shelf()

    response, _ = page(client, "q=tariffs")
    facets = response.context["facets"]

    assert {(link.label, link.count) for link in facets["topics"]} == {("Trade", 2), ("Energy", 2)}
    assert {(link.label, link.count) for link in facets["authors"]} == {
        ("Ana Ruiz", 2),
        ("Bo Chen", 2),
    }
    assert [(link.label, link.count) for link in facets["years"]] == [
        ("2024", 1),
        ("2023", 1),
        ("2022", 1),
    ]


def test_year_facet_sets_the_date_range_to_that_year(client):
    make_shelf()

    response, _ = page(client, "q=tariffs")
    year = next(link for link in response.context["facets"]["years"] if link.label == "2023")
    filtered, _ = page(client, urlsplit(year.url).query)

    assert params_of(year.url)["published_after"] == ["2023-01-01"]
    assert params_of(year.url)["published_before"] == ["2023-12-31"]
    assert result_titles(filtered) == ["Energy by Bo"]
    assert filtered.context["facets"]["years"][0].current


def test_pagination_keeps_every_parameter(client):
    make_shelf()

    _, html = page(client, "q=tariffs&topic=trade&topic=energy&page_size=1&sort=newest")
    next_page = next(href for href in links(html) if params_of(href).get("page") == ["2"])
    response, _ = page(client, urlsplit(next_page).query)

    assert params_of(next_page) == {
        "q": ["tariffs"],
        "topic": ["trade", "energy"],
        "page_size": ["1"],
        "sort": ["newest"],
        "page": ["2"],
    }
    assert result_titles(response) == ["Energy by Bo"]


def test_a_page_past_the_results_says_so(client):
    make_shelf()

    response, html = page(client, "q=tariffs&page=9")

    assert result_titles(response) == []
    assert "no more results" in html


def test_filter_form_reuses_the_list_page_patterns(client):
    shelf = make_shelf()

    _, html = page(client, f"q=tariffs&author={shelf.bo.slug}&type=report")
    inputs = {(a.get("name"), a.get("value")): a for a in tags(html, "input")}

    assert "checked" in inputs[("author", "bo-chen")]
    assert "checked" in inputs[("type", "report")]
    assert ("topic", "trade") in inputs
    assert inputs[("q", "tariffs")]["type"] == "hidden"
    assert any(attrs.get("id") == "author-search" for attrs in tags(html, "input"))
    assert tags(html, "style") == []


def test_a_typed_author_name_filters_like_the_slug(client):
    make_shelf()

    response, _ = page(client, "q=tariffs&author=Bo+Chen")

    assert set(result_titles(response)) == {"Energy by Bo", "Both by both"}


def test_malformed_filters_are_left_out_and_named(client):
    make_shelf()

    response, html = page(client, "q=tariffs&type=pamphlet&published_after=2024-13-01&page=x")

    assert len(result_titles(response)) == 3
    assert "could not be read" in html
    assert "Enter a date as YYYY-MM-DD." in html


def test_without_words_the_sort_choices_are_newest_and_oldest(client):
    make_shelf()

    response, _ = page(client, "topic=energy")

    assert [(link.label, link.current) for link in response.context["sorts"]] == [
        ("Newest first", True),
        ("Oldest first", False),
    ]


def test_paging_too_deep_shows_the_first_page_and_says_why(client):
    make_shelf()

    response, html = page(client, "q=tariffs&page=1000")

    assert len(result_titles(response)) == 3
    assert "Only the first 10,000 results can be paged through." in html
