import pytest
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from redis.exceptions import ConnectionError as RedisConnectionError

from publications.views import server_error
from tests.factories import PublicationFactory
from tests.publications.pages import SITE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/", "/publications/", "/topics/", "/authors/", "/search/?q=x", "/newsletter/"]
)
def test_every_page_has_search_box_total_index_and_mailing_list(client, url, settings):
    settings.SITE_ADDRESS = "1 Policy Square, Washington, DC 20001"
    PublicationFactory.create_batch(3)

    html = client.get(url).content.decode()

    assert '<form class="search-box" role="search" method="get" action="/search/">' in html
    assert "Search All Site Content" in html
    assert "Total Index: 3 publications." in html
    assert "1 Policy Square, Washington, DC 20001" in html
    assert 'href="/feeds/latest/"' in html
    if url != "/newsletter/":
        assert "Subscribe to our Mailing List!" in html
        assert "Sign up for our mailing list to keep up to date" in html
        assert 'action="/newsletter/"' in html
        assert 'type="email"' in html


def test_total_index_is_read_from_the_cache_not_counted_per_request(
    client, django_assert_num_queries
):
    PublicationFactory()
    client.get("/newsletter/")

    with django_assert_num_queries(0):
        html = client.get("/newsletter/").content.decode()

    assert "Total Index: 1 publication." in html


def test_unknown_page_gets_the_friendly_404(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()

    assert response.status_code == 404
    assert "Page not found" in html
    assert "Search All Site Content" in html
    assert 'href="/publications/"' in html


def test_server_error_page_renders_without_database_or_context(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin(client, settings):
    settings.SITE_URL = SITE

    response = client.get("/robots.txt")
    lines = response.content.decode().splitlines()

    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


def test_total_index_still_shows_when_the_cache_is_down(client, monkeypatch):
    def cache_down():
        raise RedisConnectionError("cache unreachable")

    monkeypatch.setattr("publications.context_processors.total_index_count", cache_down)
    PublicationFactory.create_batch(2)

    response = client.get("/newsletter/")

    assert response.status_code == 200
    assert "Total Index: 2 publications." in response.content.decode()


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/favicon.svg")
    assert finders.find("favicon.svg")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_site_and_admin_pages_name_the_icon(client, path):
    page = client.get(path).content.decode()
    assert 'rel="icon"' in page
    assert "favicon.svg" in page
