"""One table of states and times, and every reader of the catalogue run against it: whatever a
reader is, it shows exactly the rows the visibility rule (visible_from <= now) lets through.

A new reader is one more entry in READERS (a callable from the client to the titles it shows);
search's readers (its page, its API, its counts) are in the same table: the index holds when each
publication becomes visible, and search compares that with now, as every other reader does."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from newsletter.services.campaigns import unannounced_publications
from publications import services, totals
from publications.models import Author, Publication, Status, Topic
from publications.page_cache import page_cache_invalidate
from search.engine import SearchRequest, search
from search.filters import Filters
from search.index.writes import index_publications
from tests.factories import AuthorFactory, PublicationFactory, SeriesFactory, TopicFactory
from tests.publications.pages import attach_pdf

# A zone far from UTC, so "today" in the site's zone and in UTC differ at the times below.
SITE_ZONE = "Pacific/Auckland"
TODAY = datetime.date(2025, 3, 10)
DAY = datetime.timedelta(days=1)


def site_time(date: datetime.date, *args: int) -> datetime.datetime:
    naive = datetime.datetime.combine(date, datetime.time(*args))
    return timezone.make_aware(naive, timezone.get_default_timezone())


# When readers ask: times in the site's zone, as the clock the rule compares with.
CLOCKS = {
    "noon": lambda: site_time(TODAY, 12),
    "just before midnight": lambda: site_time(TODAY, 23, 59, 59, 999999),
    "midnight": lambda: site_time(TODAY + DAY),
}


@dataclass(frozen=True)
class State:
    title: str
    status: str
    date: datetime.date
    visible_at: frozenset[str]  # the clocks at which the public sees it
    at: tuple[int, ...] = ()  # a release time on its date (hour, minute), else its start


ALWAYS = frozenset(CLOCKS)
NEVER: frozenset[str] = frozenset()

TABLE = [
    State("Draft dated today", Status.DRAFT, TODAY, NEVER),
    State("Draft dated long ago", Status.DRAFT, TODAY - 400 * DAY, NEVER),
    State("Draft dated ahead", Status.DRAFT, TODAY + 5 * DAY, NEVER),
    State("Published today", Status.PUBLISHED, TODAY, ALWAYS),
    State("Published long ago", Status.PUBLISHED, TODAY - 400 * DAY, ALWAYS),
    State("Published with a date ahead", Status.PUBLISHED, TODAY + 5 * DAY, NEVER),
    State("Scheduled and now due", Status.SCHEDULED, TODAY - 2 * DAY, ALWAYS),
    State("Scheduled for today", Status.SCHEDULED, TODAY, ALWAYS),
    State("Scheduled for tomorrow", Status.SCHEDULED, TODAY + DAY, frozenset({"midnight"})),
    State("Scheduled next month", Status.SCHEDULED, TODAY + 30 * DAY, NEVER),
    State("Scheduled at 12:01 today", Status.SCHEDULED, TODAY, ALWAYS - {"noon"}, (12, 1)),
    State("Published at 11:59 today", Status.PUBLISHED, TODAY, ALWAYS, (11, 59)),
    State("In review", Status.IN_REVIEW, TODAY - DAY, NEVER),
    State("Approved, dated long ago", Status.APPROVED, TODAY - 400 * DAY, NEVER),
    State("Withdrawn", Status.WITHDRAWN, TODAY - 10 * DAY, NEVER),
]


@dataclass
class Catalogue:
    author: Author
    topic: Topic
    series_slug: str
    publications: dict[str, Publication]


@pytest.fixture
def catalogue(db, settings) -> Catalogue:
    settings.TIME_ZONE = SITE_ZONE
    author, topic, series = AuthorFactory(), TopicFactory(), SeriesFactory()
    publications = {}
    for state in TABLE:
        publication = PublicationFactory(
            title=state.title,
            status=state.status,
            publication_date=state.date,
            release_at=site_time(state.date, *state.at),
            authors=[author],
            topics=[topic],
            series=series,
            # Stamped as if made public lately, so the announcement's selection judges them all.
            first_published_at=site_time(TODAY - DAY),
            publish_batch=uuid.uuid4(),
        )
        attach_pdf(publication)
        publications[state.title] = publication
    return Catalogue(author, topic, series.slug, publications)


Reader = Callable[[Client, Catalogue], set[str]]


def shown_in(url: str) -> Reader:
    """The table's titles a page (or feed, or sitemap) shows."""

    def read(client: Client, catalogue: Catalogue) -> set[str]:
        body = client.get(url.format(c=catalogue)).content.decode()
        found = set()
        for title, publication in catalogue.publications.items():
            if title in body or f"/publications/{publication.slug}/" in body:
                found.add(title)
        return found

    return read


def answering(path: str) -> Reader:
    """The table's publications whose own URL (page, PDF, download, citation) answers 200."""

    def read(client: Client, catalogue: Catalogue) -> set[str]:
        found = set()
        for title, publication in catalogue.publications.items():
            response = client.get(f"/publications/{publication.slug}/{path}")
            if response.streaming:  # read to the end, so its open file is closed
                b"".join(response.streaming_content)
            if response.status_code == 200:
                found.add(title)
        return found

    return read


def searched(url: str) -> Reader:
    """What search shows at this URL, over an index holding the whole table (drafts are never
    indexed; scheduled items are, with the time they become visible)."""
    show = shown_in(url)

    def read(client: Client, catalogue: Catalogue) -> set[str]:
        index_publications([publication.pk for publication in catalogue.publications.values()])
        return show(client, catalogue)

    return read


def search_count(catalogue: Catalogue, **request) -> int:
    index_publications([publication.pk for publication in catalogue.publications.values()])
    return search(SearchRequest(**request)).count


def titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


READERS: dict[str, Reader] = {
    "home page": shown_in("/"),
    "list page": shown_in("/publications/"),
    "author page": shown_in("/authors/{c.author.slug}/"),
    "topic page": shown_in("/topics/{c.topic.slug}/"),
    "list page by series": shown_in("/publications/?series={c.series_slug}"),
    "publication page": answering(""),
    "PDF": answering("pdf/"),
    "PDF download": answering("download/"),
    "citation": answering("cite.bib"),
    "latest feed": shown_in("/feeds/latest/"),
    "latest Atom feed": shown_in("/feeds/latest/atom/"),
    "topic feed": shown_in("/feeds/topics/{c.topic.slug}/"),
    "author feed": shown_in("/feeds/authors/{c.author.slug}/"),
    "sitemap": shown_in("/sitemap.xml"),
    "published()": lambda client, c: titles(Publication.objects.published()),
    "announcement selection": lambda client, c: titles(unannounced_publications()),
    "search page": searched("/search/?q={c.author.name}"),
    "search page listing a topic": searched("/search/?topic={c.topic.slug}"),
    "search API": searched("/api/search?q={c.author.name}&page_size=50"),
    "search API listing an author": searched("/api/search?author={c.author.slug}&page_size=50"),
    "search API phrase": searched('/api/search?q="{c.author.name}"&page_size=50'),
}

COUNTS: dict[str, Callable[[Catalogue], int]] = {
    "Total Index": lambda c: (totals.total_index_invalidate(), totals.total_index_count())[1],
    "author count": lambda c: (
        Author.objects.with_publication_count().get(pk=c.author.pk).publication_count
    ),
    "topic count": lambda c: (
        Topic.objects.with_publication_count().get(pk=c.topic.pk).publication_count
    ),
    "search count": lambda c: search_count(c, query=c.author.name),
    "search count of a listing": lambda c: search_count(
        c, filters=Filters(topic_ids=(c.topic.pk,))
    ),
}


def visible_titles(clock: str) -> set[str]:
    return {state.title for state in TABLE if clock in state.visible_at}


@pytest.fixture
def at(monkeypatch):
    def move(clock: str) -> None:
        instant = CLOCKS[clock]()
        monkeypatch.setattr(timezone, "now", lambda: instant)
        page_cache_invalidate()  # pages are cached per day; start each clock afresh

    return move


@pytest.mark.parametrize("clock", list(CLOCKS))
@pytest.mark.parametrize("reader", list(READERS))
def test_every_reader_shows_what_the_rule_lets_through(catalogue, client, at, reader, clock):
    at(clock)
    assert READERS[reader](client, catalogue) == visible_titles(clock)


@pytest.mark.parametrize("clock", list(CLOCKS))
@pytest.mark.parametrize("count", list(COUNTS))
def test_every_count_counts_what_the_rule_lets_through(catalogue, at, count, clock):
    at(clock)
    assert COUNTS[count](catalogue) == len(visible_titles(clock))


@pytest.mark.parametrize("clock", list(CLOCKS))
def test_is_public_agrees_with_the_table(catalogue, at, clock):
    at(clock)
    shown = {title for title, p in catalogue.publications.items() if p.is_public}
    assert shown == visible_titles(clock)


def test_the_services_write_visible_from_as_the_table_assumes(catalogue):
    """Saved through the admin's save service, each state gets the start of its date in the
    site's zone (a public one dated ahead becomes scheduled), a draft none."""
    for state in TABLE:
        publication = PublicationFactory(
            status=Status.DRAFT, publication_date=state.date, release_at=None
        )
        publication.status = state.status
        publication.withdrawn_reason = "A reason." if state.status == Status.WITHDRAWN else ""
        if state.at:
            publication.release_at = site_time(state.date, *state.at)
        services.publication_save(publication=publication)
        publication.refresh_from_db()
        if state.status not in (Status.PUBLISHED, Status.SCHEDULED):
            assert publication.visible_from is None
        else:
            assert publication.visible_from == site_time(state.date, *state.at)
            assert publication.visible_from.utcoffset() is not None


def test_midnight_is_the_site_zones_whatever_zone_a_request_runs_in(catalogue):
    tomorrow = catalogue.publications["Scheduled for tomorrow"]
    with timezone.override("America/Los_Angeles"):  # a staff request in the browser's zone
        assert tomorrow.refresh_release() is None
    assert tomorrow.visible_from == site_time(TODAY + DAY)
    assert tomorrow.visible_from.astimezone(datetime.UTC) == datetime.datetime(
        2025, 3, 10, 11, tzinfo=datetime.UTC
    )  # midnight in Auckland (UTC+13 in March) is 11:00 UTC the day before
