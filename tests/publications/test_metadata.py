import datetime
import json
import re

import pytest

from publications.models import PublicationType
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory
from tests.publications.pages import SITE, attach_pdf, make_catalogue, meta, tags

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def publication():
    return PublicationFactory(
        title="US-South Korea Defense Industrial Cooperation",
        slug="us-south-korea",
        abstract="Defense industrial cooperation between the United States and South Korea.",
        publication_date=datetime.date(2024, 12, 9),
        authors=[AuthorFactory(name="Zed Last"), AuthorFactory(name="Abe First")],
        topics=[TopicFactory(name="Korea")],
    )


def page(client, publication) -> str:
    return client.get(publication.get_absolute_url()).content.decode()


def test_google_scholar_tags(client, publication):
    attach_pdf(publication)

    html = page(client, publication)

    assert meta(html, "citation_title") == ["US-South Korea Defense Industrial Cooperation"]
    assert meta(html, "citation_author") == ["Zed Last", "Abe First"]
    assert meta(html, "citation_publication_date") == ["2024/12/09"]
    assert meta(html, "citation_pdf_url") == [f"{SITE}/publications/us-south-korea/pdf/"]
    assert meta(html, "citation_abstract_html_url") == [f"{SITE}/publications/us-south-korea/"]


def test_no_pdf_url_tag_without_a_pdf(client, publication):
    assert meta(page(client, publication), "citation_pdf_url") == []


def test_open_graph_tags(client, publication):
    html = page(client, publication)

    assert meta(html, "og:type") == ["article"]
    assert meta(html, "og:title") == ["US-South Korea Defense Industrial Cooperation"]
    assert meta(html, "og:url") == [f"{SITE}/publications/us-south-korea/"]
    assert meta(html, "og:description")[0].startswith("Defense industrial cooperation")
    assert meta(html, "article:published_time") == ["2024-12-09"]


def json_ld_blocks(html: str) -> list[str]:
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)


def test_json_ld_describes_the_publication(client, publication):
    attach_pdf(publication)

    [block] = json_ld_blocks(page(client, publication))
    data = json.loads(block)

    assert data["@type"] == "Report"
    assert data["name"] == "US-South Korea Defense Industrial Cooperation"
    assert data["datePublished"] == "2024-12-09"
    assert [a["name"] for a in data["author"]] == ["Zed Last", "Abe First"]
    assert data["encoding"]["contentUrl"] == f"{SITE}/publications/us-south-korea/pdf/"


def test_json_ld_type_follows_the_publication_type(client):
    article = PublicationFactory(type=PublicationType.JOURNAL_ARTICLE)

    [block] = json_ld_blocks(page(client, article))

    assert json.loads(block)["@type"] == "ScholarlyArticle"


def test_a_title_cannot_break_out_of_the_json_ld_script(client):
    evil = 'Bad </script><script>alert("x")</script> & <!-- title'
    publication = PublicationFactory(title=evil, slug="evil")

    html = page(client, publication)
    [block] = json_ld_blocks(html)

    assert json.loads(block)["name"] == evil
    assert "<script>alert" not in html


def test_meta_tags_escape_quotes_and_brackets(client):
    publication = PublicationFactory(title='A "quoted" <b>title</b>', slug="quoted")

    html = page(client, publication)

    assert meta(html, "citation_title") == ['A "quoted" <b>title</b>']
    assert "<b>title</b>" not in html


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/", "/"),
        ("/publications/?topic=defense-industry&page=1", "/publications/"),
        ("/publications/?page=3", "/publications/?page=3"),
        ("/publications/visible-report/", "/publications/visible-report/"),
        ("/authors/jane-public/", "/authors/jane-public/"),
        ("/topics/defense-industry/", "/topics/defense-industry/"),
        ("/topics/", "/topics/"),
        ("/authors/", "/authors/"),
    ],
)
def test_every_page_has_an_absolute_canonical_link(client, url, canonical):
    make_catalogue()

    links = tags(client.get(url).content.decode(), "link")

    assert [a["href"] for a in links if a.get("rel") == "canonical"] == [SITE + canonical]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/publications/",
        "/publications/visible-report/",
        "/authors/",
        "/authors/jane-public/",
        "/topics/",
        "/topics/defense-industry/",
        "/search/?q=report",
        "/newsletter/",
        "/missing/",
    ],
)
def test_pages_have_no_inline_script_or_style_that_csp_would_block(client, url):
    catalogue = make_catalogue()
    attach_pdf(catalogue.public)

    response = client.get(url)
    html = response.content.decode()

    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "<style" not in html
    assert " style=" not in html
    for script in tags(html, "script"):
        assert script.get("src") or script.get("type") == "application/ld+json"
    assert not re.search(r"\son[a-z]+=", html), "no inline event handlers"
