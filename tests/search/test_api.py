import datetime

import pytest

from publications.models import FileRole, Publication, PublicationPage, PublicationType
from search.index.writes import index_publication
from tests.factories import (
    AuthorFactory,
    PublicationFactory,
    PublicationFileFactory,
    TopicFactory,
)
from tests.search.indexed import indexed
from tests.search.shelf import api, index, make_shelf, slugs, with_pages

pytestmark = pytest.mark.django_db


RESULT_KEYS = {
    "slug",
    "title",
    "url",
    "published",
    "released_at",
    "type",
    "type_label",
    "authors",
    "topics",
    "score",
    "snippet",
    "pages",
    "hits",
}


def test_api_answers_in_the_shape_design_md_documents(client):
    shelf = make_shelf()
    with_pages(shelf.both, ["Nothing here.", "Tariffs again on page two."])
    index([shelf.both])

    data = api(client, "q=tariffs")

    assert {"count", "count_is_estimate", "total_index", "results", "facets", "suggestion"} <= set(
        data
    )
    assert data["count"] == 3
    assert data["count_is_estimate"] is False
    assert data["total_index"] == 4
    assert data["suggestion"] is None
    both = next(result for result in data["results"] if result["slug"] == shelf.both.slug)
    assert set(both) == RESULT_KEYS
    assert both["title"] == "Both by both"
    assert both["url"] == f"/publications/{shelf.both.slug}/"
    assert both["published"] == "2024-03-01"
    assert both["released_at"] == "2024-03-01T00:00:00+00:00"  # the start of its date, UTC

    assert (both["type"], both["type_label"]) == ("report", "Report")
    assert both["authors"] == [
        {"name": "Ana Ruiz", "slug": "ana-ruiz"},
        {"name": "Bo Chen", "slug": "bo-chen"},
    ]
    assert both["topics"] == [
        {"name": "Energy", "slug": "energy"},
        {"name": "Trade", "slug": "trade"},
    ]
    assert isinstance(both["score"], float)
    assert both["score"] > 0
    assert "<mark>" in both["snippet"]
    assert both["pages"] == [2]
    pdf = shelf.both.first_pdf.pk
    assert both["hits"] == [
        {
            "file": pdf,
            "page": 2,
            "anchor": None,
            "url": f"/publications/{shelf.both.slug}/files/{pdf}/#page=2",
        }
    ]
    assert set(data["facets"]) == {"topics", "authors", "types", "years"}
    assert set(data["facets"]["topics"][0]) == {"slug", "name", "count"}
    assert set(data["facets"]["authors"][0]) == {"slug", "name", "count"}
    assert set(data["facets"]["types"][0]) == {"key", "label", "count"}
    assert set(data["facets"]["years"][0]) == {"year", "count"}


def test_api_gives_the_release_time_to_the_minute_with_the_sites_offset(client, settings):
    settings.TIME_ZONE = "America/New_York"
    shelf = make_shelf()
    Publication.objects.filter(pk=shelf.both.pk).update(
        release_at=datetime.datetime(2024, 3, 1, 14, 30, tzinfo=datetime.UTC),
        visible_from=datetime.datetime(2024, 3, 1, 14, 30, tzinfo=datetime.UTC),
    )
    index([shelf.both])

    data = api(client, "q=tariffs")

    both = next(result for result in data["results"] if result["slug"] == shelf.both.slug)
    assert (both["published"], both["released_at"]) == ("2024-03-01", "2024-03-01T09:30:00-05:00")


def test_api_hits_land_at_the_heading_of_the_body_and_at_the_page(client):
    body = (
        "<p>Opening words on tariffs.</p>"
        '<h2 id="quotas">Import quotas</h2><p>Tariffs and quotas compared.</p>'
        '<h2 id="other">Other</h2><p>Nothing relevant.</p>'
    )
    publication = indexed(title="Trade brief", body=body, pages=["no", "quotas on page two"])
    url = publication.get_absolute_url()

    data = api(client, "q=quotas")
    (result,) = data["results"]

    pdf = publication.first_pdf.pk
    assert result["hits"] == [
        {"file": None, "page": None, "anchor": "quotas", "url": f"{url}#quotas"},
        {"file": pdf, "page": 2, "anchor": None, "url": f"{url}files/{pdf}/#page=2"},
    ]
    assert result["pages"] == [2]
    assert "<mark>quotas</mark>" in result["snippet"]
    opening = api(client, "q=opening")["results"][0]["hits"]
    assert opening == [{"file": None, "page": None, "anchor": "body", "url": f"{url}#body"}]


def test_api_hits_in_a_second_file_link_into_that_file_and_pages_stay_the_first_pdfs(client):
    publication = indexed(title="Budget report", pages=["Overview.", "Fiscal rules apply."])
    appendix = PublicationFileFactory(publication=publication, role=FileRole.APPENDIX)
    PublicationPage.objects.create(
        publication=publication, file=appendix, number=1, text="fiscal rules, fiscal tables"
    )
    index_publication(publication.pk)
    first, url = publication.first_pdf.pk, publication.get_absolute_url()

    (result,) = api(client, "q=fiscal")["results"]

    assert result["hits"] == [
        {
            "file": appendix.pk,
            "page": 1,
            "anchor": None,
            "url": f"{url}files/{appendix.pk}/#page=1",
        },
        {"file": first, "page": 2, "anchor": None, "url": f"{url}files/{first}/#page=2"},
    ]
    assert result["pages"] == [2]
    assert "<mark>fiscal</mark> tables" in result["snippet"]


def test_api_also_answers_with_a_trailing_slash(client):
    make_shelf()

    assert slugs(api(client, "q=grid")) == slugs(client.get("/api/search/?q=grid").json())
    assert slugs(api(client, "q=grid")) == ["energy-by-ana"]


def test_api_results_are_never_cached(client):
    make_shelf()

    assert "no-store" in client.get("/api/search?q=grid")["Cache-Control"]


def test_score_is_a_number_under_relevance_sort_and_null_otherwise(client):
    make_shelf()

    assert all(isinstance(r["score"], float) for r in api(client, "q=tariffs")["results"])
    assert {r["score"] for r in api(client, "q=tariffs&sort=newest")["results"]} == {None}
    assert {r["score"] for r in api(client, "")["results"]} == {None}


def test_a_page_past_the_results_is_empty_not_an_error(client):
    make_shelf()

    data = api(client, "q=tariffs&page=50")

    assert data["results"] == []
    assert data["count"] == 3


def test_pages_split_the_results_without_overlap(client):
    make_shelf()

    first = api(client, "q=tariffs&page_size=2")
    second = api(client, "q=tariffs&page_size=2&page=2")

    assert (len(first["results"]), len(second["results"])) == (2, 1)
    assert set(slugs(first)) | set(slugs(second)) == {
        "trade-by-ana",
        "energy-by-bo",
        "both-by-both",
    }
    assert (first["page"], first["page_size"], second["page"]) == (1, 2, 2)


@pytest.mark.parametrize("query", ["topic=no-such-topic", "author=no-such-author"])
def test_an_unknown_slug_finds_nothing(client, query):
    make_shelf()

    data = api(client, f"q=tariffs&{query}")

    assert (data["count"], data["results"]) == (0, [])


def test_an_unknown_slug_beside_a_known_one_is_just_one_more_alternative(client):
    make_shelf()

    assert set(slugs(api(client, "q=tariffs&topic=trade&topic=no-such-topic"))) == {
        "trade-by-ana",
        "both-by-both",
    }


def test_filters_combine_with_the_query(client):
    make_shelf()

    assert set(slugs(api(client, "q=tariffs&topic=trade"))) == {"trade-by-ana", "both-by-both"}
    assert set(slugs(api(client, "q=tariffs&author=bo-chen"))) == {"energy-by-bo", "both-by-both"}


def test_values_of_one_filter_are_alternatives(client):
    make_shelf()

    assert set(slugs(api(client, "topic=trade&topic=energy"))) == {
        "trade-by-ana",
        "energy-by-bo",
        "both-by-both",
        "energy-by-ana",
    }
    assert set(slugs(api(client, "type=issue-brief&type=commentary"))) == {
        "energy-by-bo",
        "energy-by-ana",
    }


def test_different_filters_must_all_hold(client):
    make_shelf()

    assert set(slugs(api(client, "topic=energy&author=ana-ruiz"))) == {
        "both-by-both",
        "energy-by-ana",
    }
    assert slugs(api(client, "q=tariffs&topic=energy&author=ana-ruiz&type=report")) == [
        "both-by-both"
    ]


def test_date_range_includes_both_ends(client):
    make_shelf()

    data = api(client, "published_after=2023-03-01&published_before=2024-03-01")

    assert slugs(data) == ["both-by-both", "energy-by-bo"]


def test_facets_count_a_publication_once_per_value_of_a_many_valued_field(client):
    make_shelf()

    facets = api(client, "q=tariffs")["facets"]

    assert facets["topics"] == [
        {"slug": "energy", "name": "Energy", "count": 2},
        {"slug": "trade", "name": "Trade", "count": 2},
    ]
    assert facets["authors"] == [
        {"slug": "ana-ruiz", "name": "Ana Ruiz", "count": 2},
        {"slug": "bo-chen", "name": "Bo Chen", "count": 2},
    ]
    assert facets["types"] == [
        {"key": "report", "label": "Report", "count": 2},
        {"key": "issue-brief", "label": "Issue Brief", "count": 1},
    ]
    assert facets["years"] == [
        {"year": 2024, "count": 1},
        {"year": 2023, "count": 1},
        {"year": 2022, "count": 1},
    ]


def test_facets_follow_the_filters(client):
    make_shelf()

    facets = api(client, "q=tariffs&topic=trade")["facets"]

    assert {item["slug"]: item["count"] for item in facets["topics"]} == {"trade": 2, "energy": 1}


def test_sort_newest_and_oldest_order_by_date(client):
    make_shelf()

    newest = ["both-by-both", "energy-by-bo", "trade-by-ana"]
    assert slugs(api(client, "q=tariffs&sort=newest")) == newest
    assert slugs(api(client, "q=tariffs&sort=oldest")) == newest[::-1]


def test_an_empty_query_lists_publications_newest_first_under_the_filters(client):
    make_shelf()

    assert slugs(api(client, "q=")) == [
        "energy-by-ana",
        "both-by-both",
        "energy-by-bo",
        "trade-by-ana",
    ]
    assert slugs(api(client, "topic=trade")) == ["both-by-both", "trade-by-ana"]
    assert slugs(api(client, "topic=trade&sort=oldest")) == ["trade-by-ana", "both-by-both"]


def test_count_may_be_an_estimate_past_the_exact_limit(tuned, client):
    make_shelf()
    tuned(countable_postings=0, exact_count_limit=1)

    data = api(client, "q=tariffs")

    assert data["count_is_estimate"] is True
    assert data["count"] >= 2


@pytest.mark.parametrize("size", [5, 25])
def test_api_query_count_does_not_grow_with_the_results(
    client, size, django_assert_max_num_queries
):
    topic, author = TopicFactory(), AuthorFactory()
    for n in range(size):
        publication = PublicationFactory(
            title=f"Harbour study {n}",
            topics=[topic, TopicFactory()],
            authors=[author, AuthorFactory()],
            type=PublicationType.REPORT,
        )
        with_pages(publication, [f"Harbour page {n}.", "More harbour."])
    index(PublicationFactory._meta.model.objects.all())
    api(client, "q=harbour")  # the statistics and the total index settle on the first search

    with django_assert_max_num_queries(19):
        data = api(client, f"q=harbour&topic={topic.slug}&author={author.slug}&page_size=100")

    assert len(data["results"]) == size
