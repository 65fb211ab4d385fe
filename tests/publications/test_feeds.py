import datetime
import xml.etree.ElementTree as ET

import pytest

from publications.richtext import sanitise
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory
from tests.publications.pages import HIDDEN_TITLES, SITE, attach_pdf, make_catalogue

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def rss_items(client, url) -> list[dict[str, str]]:
    response = client.get(url)
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 - our own output
    return [{child.tag: child.text for child in item} for item in channel.findall("item")]


def atom_titles(client, url) -> list[str]:
    response = client.get(url)
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    return [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]


def test_latest_rss_lists_public_publications_newest_first_with_absolute_links(client):
    PublicationFactory(title="Older", slug="older", publication_date=datetime.date(2023, 1, 1))
    PublicationFactory(title="Newer", slug="newer", publication_date=datetime.date(2024, 1, 1))

    items = rss_items(client, "/feeds/latest/")

    assert [item["title"] for item in items] == ["Newer", "Older"]
    assert items[0]["link"] == f"{SITE}/publications/newer/"


def test_latest_atom_lists_the_same_publications(client):
    PublicationFactory(title="Only one")

    assert atom_titles(client, "/feeds/latest/atom/") == ["Only one"]


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/latest/",
        "/feeds/latest/atom/",
        "/feeds/topics/defense-industry/",
        "/feeds/topics/defense-industry/atom/",
        "/feeds/authors/jane-public/",
        "/feeds/authors/jane-public/atom/",
    ],
)
def test_feeds_leave_out_drafts_and_future_publications(client, url):
    make_catalogue()

    body = client.get(url).content.decode()

    assert "Visible report" in body
    for title in HIDDEN_TITLES:
        assert title not in body


def test_topic_feed_lists_only_that_topic(client):
    trade = TopicFactory(name="Trade")
    PublicationFactory(title="On trade", topics=[trade])
    PublicationFactory(title="On energy", topics=[TopicFactory(name="Energy")])

    assert [item["title"] for item in rss_items(client, "/feeds/topics/trade/")] == ["On trade"]


def test_author_feed_lists_only_that_author_and_names_all_authors(client):
    ana, bo = AuthorFactory(name="Ana Ruiz"), AuthorFactory(name="Bo Chen")
    PublicationFactory(title="By both", authors=[ana, bo])
    PublicationFactory(title="By Bo", authors=[bo])

    assert atom_titles(client, "/feeds/authors/ana-ruiz/atom/") == ["By both"]
    assert "Ana Ruiz, Bo Chen" in client.get("/feeds/authors/ana-ruiz/").content.decode()


def test_feed_of_an_unknown_topic_or_a_hidden_only_author_is_404(client):
    make_catalogue()

    assert client.get("/feeds/topics/nothing/").status_code == 404
    assert client.get("/feeds/authors/hidden-writer/").status_code == 404


def test_feed_items_carry_the_pdf_as_an_enclosure(client):
    publication = PublicationFactory(slug="with-pdf")
    data = attach_pdf(publication)

    feed = client.get("/feeds/latest/").content
    channel = ET.fromstring(feed).find("channel")  # noqa: S314 - our own output
    enclosure = channel.find("item").find("enclosure")

    assert enclosure.get("url") == f"{SITE}/publications/with-pdf/pdf/"
    assert enclosure.get("length") == str(len(data))
    assert enclosure.get("type") == "application/pdf"


def sitemap_locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    return [url.find(f"{SITEMAP}loc").text for url in root.findall(f"{SITEMAP}url")]


def test_sitemap_lists_public_pages_on_the_site_url(client):
    make_catalogue()

    locations = sitemap_locations(client)

    assert f"{SITE}/" in locations
    assert f"{SITE}/publications/visible-report/" in locations
    assert f"{SITE}/topics/defense-industry/" in locations
    assert f"{SITE}/authors/jane-public/" in locations


def test_sitemap_leaves_out_drafts_future_items_and_their_only_authors(client):
    catalogue = make_catalogue()

    locations = sitemap_locations(client)

    assert f"{SITE}/publications/{catalogue.draft.slug}/" not in locations
    assert f"{SITE}/publications/{catalogue.future.slug}/" not in locations
    assert f"{SITE}/authors/hidden-writer/" not in locations


def test_items_carry_the_sanitised_body_with_absolute_links_or_else_the_abstract(client):
    body = sanitise('<h2>Findings</h2><p><a href="/topics/trade/">Trade</a></p>')
    PublicationFactory(title="With body", slug="with-body", abstract="Not shown.", body=body)
    PublicationFactory(title="Abstract only", slug="abstract-only", abstract="Tariffs <b>up</b>")

    items = {item["title"]: item["description"] for item in rss_items(client, "/feeds/latest/")}

    assert items["With body"] == (
        f'<h2 id="findings">Findings</h2><p><a href="{SITE}/topics/trade/">Trade</a></p>'
    )
    assert items["Abstract only"] == "Tariffs &lt;b&gt;up&lt;/b&gt;"
