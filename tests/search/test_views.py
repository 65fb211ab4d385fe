import pytest

from publications.models import Publication, PublicationType
from tests.factories import AuthorFactory, PublicationFactory, PublicationFileFactory, TopicFactory
from tests.publications.pages import make_catalogue, tags
from tests.search.shelf import (
    HOSTILE,
    index,
    links,
    make_shelf,
    page,
    params_of,
    result_titles,
    tags_in,
    with_pages,
)

pytestmark = pytest.mark.django_db


def test_search_page_lists_matches_best_first_with_highlighted_snippets(client):
    make_shelf()

    response, html = page(client, "q=tariffs")

    assert set(result_titles(response)) == {"Trade by Ana", "Energy by Bo", "Both by both"}
    assert "3 results for “tariffs”" in html
    assert "<mark>Tariffs</mark>" in html or "<mark>tariffs</mark>" in html


def test_results_show_title_link_date_type_and_authors(client):
    shelf = make_shelf()

    _, html = page(client, "q=grid")

    assert f'href="/publications/{shelf.energy_by_ana.slug}/"' in html
    assert "June 1, 2024" in html
    assert "Commentary" in html
    assert 'href="/authors/ana-ruiz/">Ana Ruiz</a>' in html


def test_hostile_abstracts_and_page_text_stay_inert_on_the_page(client):
    hostile = PublicationFactory(title="Hostile", abstract=f"Tariffs {HOSTILE} tariffs.")
    paged = with_pages(PublicationFactory(title="Paged"), ["Cover.", f"Tariffs {HOSTILE}."])
    index([hostile, paged])

    _, html = page(client, "q=tariffs")

    assert [attrs.get("src") for attrs in tags(html, "script")] == [
        "/static/js/publication-filters.js"
    ]
    assert tags(html, "img") == []
    assert tags(html, "svg") == []
    assert "&lt;svg/onload=alert(3)&gt;" in html
    snippets = html.split('class="search-result__snippet">')[1:]
    assert len(snippets) == 2
    for snippet in snippets:
        assert tags_in(snippet.split("</p>")[0]) <= {"<mark>", "</mark>"}


def test_page_hits_link_into_the_pdf_at_that_page(client):
    publication = PublicationFactory(title="Long report", slug="long-report")
    with_pages(publication, ["Intro.", "Methods.", "Desalination plants found here.", "End."])
    index([publication])

    _, html = page(client, 'q="desalination plants"')

    pdf = publication.first_pdf.pk
    assert f'<a href="/publications/long-report/files/{pdf}/#page=3">p. 3</a>' in html
    assert "#page=1" not in html


def test_page_hits_are_not_linked_without_a_pdf(client):
    publication = with_pages(
        PublicationFactory(title="Imported text"), ["Desalination."], pdf=False
    )
    index([publication])

    _, html = page(client, "q=desalination")

    assert "#page=" not in html


def test_a_misspelt_query_offers_the_correction_as_a_link(client):
    index([PublicationFactory(title="Maritime security in the Baltic")])

    _, html = page(client, "q=securty&type=report")

    assert "Did you mean" in html
    suggestion = [href for href in links(html) if params_of(href).get("q") == ["security"]]
    assert len(suggestion) == 1
    assert params_of(suggestion[0])["type"] == ["report"]
    assert ">security</a>?" in html


def test_estimated_counts_say_about(tuned, client):
    make_shelf()
    tuned(countable_postings=0, exact_count_limit=1)

    _, html = page(client, "q=tariffs")

    assert "About " in html


def test_exact_counts_do_not_say_about(client):
    make_shelf()

    _, html = page(client, "q=tariffs")

    assert "About " not in html


def test_empty_query_lists_publications_newest_first(client):
    make_shelf()

    response, html = page(client, "q=")

    assert result_titles(response) == [
        "Energy by Ana",
        "Both by both",
        "Energy by Bo",
        "Trade by Ana",
    ]
    assert "4 publications" in html


def test_authors_and_topics_matching_the_query_are_shown(client):
    make_shelf()
    AuthorFactory(name="Ruiz Without Publications")

    response, html = page(client, "q=ruiz energy")

    assert [author.name for author in response.context["matching_authors"]] == ["Ana Ruiz"]
    assert [topic.name for topic in response.context["matching_topics"]] == ["Energy"]
    assert 'href="/topics/energy/">Energy</a>' in html


ODD_QUERIES = ["", "!!!", "' OR 1=1 --", "\x00", "<script>alert(1)</script>", "能源安全"]
ODD_QUERIES += ["Безопасность", "a " * 5000, '"', "-", "-tariffs", "& | ! ( ) :*"]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_and_hostile_queries_get_a_normal_page(client, query):
    make_shelf()

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def test_drafts_and_scheduled_items_never_appear_on_the_page(client):
    catalogue = make_catalogue()
    index([catalogue.public, catalogue.draft, catalogue.future])

    for query in ("q=", "q=secret draft", "q=future scheduled", "q=hidden writer"):
        response, html = page(client, query)
        assert set(result_titles(response)) <= {"Visible report"}
        assert "Secret draft" not in html
        assert "Hidden Writer" not in html


def test_search_box_keeps_the_query_escaped(client):
    html = client.get('/search/?q="><b>x').content.decode()

    assert 'value="&quot;&gt;&lt;b&gt;x"' in html


@pytest.mark.parametrize("size", [5, 25])
def test_page_query_count_does_not_grow_with_the_results(
    client, size, django_assert_max_num_queries
):
    topic, author = TopicFactory(name="Harbours"), AuthorFactory(name="Harbour Master")
    for n in range(size):
        publication = PublicationFactory(
            title=f"Harbour study {n}",
            topics=[topic, TopicFactory()],
            authors=[author, AuthorFactory()],
            type=PublicationType.REPORT,
        )
        PublicationFileFactory(publication=publication)
        with_pages(publication, [f"Harbour page {n}.", "More harbour."])
    index(Publication.objects.all())
    page(client, "q=harbour")  # the statistics and the total index settle on the first search

    with django_assert_max_num_queries(22):
        response, _ = page(
            client, f"q=harbour&topic={topic.slug}&author={author.slug}&page_size=25"
        )

    assert len(result_titles(response)) == size


def test_body_hits_link_to_the_heading_where_the_words_are(client):
    body = '<p>Preface.</p><h2 id="water-rights">Water rights</h2><p>Desalination plants.</p>'
    publication = PublicationFactory(title="Web brief", body=body)
    index([publication])

    _, html = page(client, "q=desalination")

    assert (
        '<a href="/publications/web-brief/#water-rights" class="search-result__section">'
        "Water rights</a>"
    ) in html
    assert "<mark>Desalination</mark>" in html
