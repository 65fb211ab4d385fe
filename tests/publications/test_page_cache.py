"""Cached public pages: served without a query, each visitor with a CSRF token of their own, and
replaced at once by publishing, editing, unpublishing, renaming, and a scheduled date coming."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from publications import services
from publications.models import Publication, Status
from search.index.writes import index_publications
from search.models import SearchQuery
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory
from tests.publications.pages import make_catalogue
from tests.workflow import publish as workflow_publish
from tests.workflow import withdraw as workflow_withdraw

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
# The search words are optional: each finds its own publication.
PUBLIC_PAGES = [
    "/",
    "/publications/",
    "/topics/defense-industry/",
    "/search/?q=visible+secret+future",
]


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what a service queues for after its commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def indexed_catalogue():
    catalogue = make_catalogue()
    index_publications([catalogue.public.pk, catalogue.draft.pk, catalogue.future.pk])
    return catalogue


def test_a_cached_page_is_served_without_a_query(client, django_assert_num_queries):
    indexed_catalogue()
    first = html(client, "/publications/")

    with django_assert_num_queries(0):
        again = html(Client(), "/publications/")

    assert "Visible report" in first
    assert TOKEN.sub("", again) == TOKEN.sub("", first)


def test_each_visitor_of_a_cached_page_gets_a_csrf_token_that_works():
    indexed_catalogue()
    Client().get("/")  # rendered and kept
    visitor = Client(enforce_csrf_checks=True)

    page = visitor.get("/")
    token = TOKEN.search(page.content.decode()).group(1)
    signup = visitor.post(
        "/newsletter/", {"email": "reader@example.org", "csrfmiddlewaretoken": token}
    )

    assert "csrftoken" in page.cookies
    assert signup.status_code != 403


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_publishing_shows_at_once_on_cached_pages(client, on_commit, url):
    catalogue = indexed_catalogue()
    catalogue.draft.publication_date = datetime.date(2024, 1, 1)
    catalogue.draft.save()
    assert "Secret draft" not in html(client, url)

    with on_commit():
        workflow_publish(Publication.objects.filter(pk=catalogue.draft.pk))

    assert "Secret draft" in html(client, url)


def test_editing_shows_at_once_on_the_cached_publication_page_and_lists(client, on_commit):
    catalogue = indexed_catalogue()
    detail = f"/publications/{catalogue.public.slug}/"
    assert "Visible report" in html(client, detail) + html(client, "/")

    catalogue.public.title = "Renamed report"
    with on_commit():
        services.publication_save(publication=catalogue.public, old_slug=catalogue.public.slug)

    assert "Renamed report" in html(client, detail)
    assert "Renamed report" in html(client, "/")
    assert "Visible report" not in html(client, "/")


def test_withdrawing_takes_the_cached_page_down_at_once(client, on_commit):
    catalogue = indexed_catalogue()
    detail = f"/publications/{catalogue.public.slug}/"
    html(client, detail)

    with on_commit():
        workflow_withdraw(Publication.objects.filter(pk=catalogue.public.pk))

    assert client.get(detail).status_code == 410
    assert "Visible report" not in html(client, "/publications/")


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_scheduled_item_shows_when_its_date_comes_with_no_write(client, monkeypatch, url):
    catalogue = indexed_catalogue()
    assert "Future scheduled" not in html(client, url)

    due = catalogue.future.publication_date
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: due)
    # The clock reaches the start of that day in the site's zone: visible_from has come.
    monkeypatch.setattr(timezone, "now", lambda: catalogue.future.visible_from)

    assert catalogue.future.status == Status.SCHEDULED
    assert "Future scheduled" in html(client, url)


def test_renaming_an_author_shows_at_once(client, on_commit):
    catalogue = indexed_catalogue()
    detail = f"/publications/{catalogue.public.slug}/"
    assert "Jane Public" in html(client, detail)

    old_name, catalogue.author.name = catalogue.author.name, "Jane Renamed"
    with on_commit():
        services.catalogue_entry_save(entry=catalogue.author, old_name=old_name)

    assert "Jane Renamed" in html(client, detail)


def test_deleting_a_topic_shows_at_once(client, on_commit):
    topic = TopicFactory(name="Short-lived")
    PublicationFactory(title="Tagged", topics=[topic], authors=[AuthorFactory()])
    assert "Short-lived" in html(client, "/")

    with on_commit():
        services.catalogue_entries_delete(entries=type(topic).objects.filter(pk=topic.pk))

    assert "Short-lived" not in html(client, "/")


def test_staff_never_get_a_cached_page_and_readers_never_get_a_preview(admin_client, client):
    catalogue = indexed_catalogue()
    html(client, "/")  # kept for readers
    PublicationFactory(title="Written directly")  # no service: kept pages are not replaced
    draft = f"/publications/{catalogue.draft.slug}/"

    assert "Written directly" in html(admin_client, "/")
    assert "Secret draft" in html(admin_client, draft)
    assert client.get(draft).status_code == 404
    assert "Written directly" not in html(client, "/")


def test_a_search_served_from_the_cache_is_still_counted(client, django_assert_max_num_queries):
    indexed_catalogue()
    html(client, "/search/?q=report")

    with django_assert_max_num_queries(1):  # the count, nothing else
        html(client, "/search/?q=report")

    assert SearchQuery.objects.get(text="report").searches == 2


class CacheDown:
    def __getattr__(self, name):
        def unreachable(*args, **kwargs):
            raise RedisConnectionError("cache unreachable")

        return unreachable


def test_pages_render_while_the_cache_is_down(client, monkeypatch, on_commit):
    catalogue = indexed_catalogue()
    monkeypatch.setattr("publications.page_cache.cache", CacheDown())

    assert "Visible report" in html(client, "/publications/")
    with on_commit():  # the write goes through; kept pages expire on their own
        workflow_withdraw(Publication.objects.filter(pk=catalogue.public.pk))
    assert "Visible report" not in html(client, "/publications/")
