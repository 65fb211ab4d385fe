import pytest

from tests.factories import PublicationFactory
from tests.publications.pages import make_catalogue
from tests.search.shelf import HOSTILE, api, index, slugs, tags_in, with_pages

pytestmark = pytest.mark.django_db


def test_snippets_escape_hostile_abstracts_and_mark_only_the_matches(client):
    PublicationFactory(title="Hostile", abstract=f"Tariffs {HOSTILE} tariffs again.")
    index(PublicationFactory._meta.model.objects.all())

    snippet = api(client, "q=tariffs")["results"][0]["snippet"]

    assert tags_in(snippet) == {"<mark>", "</mark>"}
    assert "<script" not in snippet
    assert "onerror" not in snippet
    assert "&quot;&gt;&lt;svg/onload=alert(3)&gt; 1 &lt; 2 &amp; 3" in snippet


def test_snippets_escape_hostile_page_text(client):
    publication = with_pages(
        PublicationFactory(title="Plain title", abstract="Plain abstract."),
        ["Cover page.", f"Quarantine {HOSTILE} quarantine measures."],
    )
    index([publication])

    result = api(client, "q=quarantine")["results"][0]

    assert result["pages"] == [2]
    assert tags_in(result["snippet"]) == {"<mark>", "</mark>"}
    assert "&lt;svg/onload=alert(3)&gt;" in result["snippet"]


def test_page_hits_point_at_the_page_holding_the_phrase(client):
    publication = with_pages(
        PublicationFactory(title="Long report", abstract="About many things."),
        ["An introduction.", "Methods and data.", "Our finding on desalination plants.", "End."],
    )
    index([publication])

    assert api(client, 'q="desalination plants"')["results"][0]["pages"] == [3]


def test_page_hits_list_at_most_five_pages_best_first(client):
    pages = ["Filler text."] + ["Turbines."] * 6 + ["Turbines, turbines, turbines and turbines."]
    publication = with_pages(PublicationFactory(title="Wind", abstract="Wind."), pages)
    index([publication])

    hits = api(client, "q=turbines")["results"][0]["pages"]

    assert len(hits) == 5
    assert hits[0] == 8


def test_a_misspelt_query_gets_a_suggestion(client):
    PublicationFactory(title="Maritime security in the Baltic", abstract="Navies and ports.")
    index(PublicationFactory._meta.model.objects.all())

    data = api(client, "q=securty")

    assert data["count"] == 0
    assert data["suggestion"] == "security"


def test_drafts_and_scheduled_items_never_appear(client):
    catalogue = make_catalogue()
    index([catalogue.public, catalogue.draft, catalogue.future])

    for query in ("", "q=secret", "q=future", "q=scheduled draft report", "author=hidden-writer"):
        data = api(client, query)
        assert set(slugs(data)) <= {catalogue.public.slug}
        assert "hidden-writer" not in {item["slug"] for item in data["facets"]["authors"]}
    assert api(client, "q=visible")["count"] == 1
