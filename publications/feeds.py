"""RSS and Atom feeds: the latest publications, and those of one topic or one author.

Links are absolute from settings.SITE_URL, like canonical links, whatever host the feed was
fetched through.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.html import escape

from publications import selectors
from publications.citations import full_title
from publications.models import Publication, Topic, start_of_day
from publications.richtext import with_absolute_urls

FEED_ITEMS = 30


def correction_html(item: Publication) -> str:
    """The correction note, escaped, ahead of the entry's text (readers render it as HTML)."""
    if not item.correction_note:
        return ""
    day = item.corrected_on
    when = f" ({day:%B} {day.day}, {day.year})" if day else ""
    return f"<p><strong>Correction{when}:</strong> {escape(item.correction_note)}</p>"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


class PublicationFeed(Feed):
    """What every feed shares: items are public publications, newest first."""

    route = "publications:feed-latest"

    def title(self, obj=None):
        return f"{settings.SITE_NAME}: latest publications"

    def description(self, obj=None):
        return f"New publications from {settings.SITE_NAME}."

    def link(self, obj=None):
        return absolute(reverse("publications:list"))

    def feed_url(self, obj=None):
        return absolute(reverse(self.route, kwargs=self.route_kwargs(obj)))

    def route_kwargs(self, obj) -> dict[str, str]:
        return {}

    def publications(self, obj):
        return Publication.objects.published()

    def items(self, obj=None):
        publications = self.publications(obj).for_listing().prefetch_related("files")
        return publications.newest_first()[:FEED_ITEMS]

    def item_title(self, item):
        return full_title(item)

    def item_description(self, item):
        # Readers render an entry's description (Atom: summary type="html") as HTML. The body is
        # HTML sanitised when saved, its own links made absolute for readers elsewhere; the
        # abstract is plain text: escaped, it shows as typed and no markup in it runs.
        if item.body:
            text = with_absolute_urls(item.body, base=settings.SITE_URL)
        else:
            text = escape(item.abstract)
        return correction_html(item) + text

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.ordered_authors) or None

    def item_pubdate(self, item):
        # The release time (to the minute): every item in a feed is public, so it has one.
        return item.visible_from or start_of_day(item.publication_date)

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]

    def item_enclosures(self, item):
        first_pdf = item.first_pdf
        if first_pdf is None:
            return []
        url = absolute(reverse("publications:pdf", args=[item.slug]))
        return [Enclosure(url, str(first_pdf.size), "application/pdf")]


class AtomMixin:
    feed_type = Atom1Feed

    def subtitle(self, obj=None):
        return self.description(obj)


class LatestRssFeed(PublicationFeed):
    pass


class LatestAtomFeed(AtomMixin, PublicationFeed):
    route = "publications:feed-latest-atom"


class TopicRssFeed(PublicationFeed):
    route = "publications:feed-topic"

    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def route_kwargs(self, obj):
        return {"slug": obj.slug}

    def title(self, obj=None):
        return f"{settings.SITE_NAME}: {obj.name}"

    def description(self, obj=None):
        return f"New publications on {obj.name} from {settings.SITE_NAME}."

    def link(self, obj=None):
        return absolute(obj.get_absolute_url())

    def publications(self, obj):
        return Publication.objects.published().in_topics(selectors.topic_and_descendant_ids(obj))


class TopicAtomFeed(AtomMixin, TopicRssFeed):
    route = "publications:feed-topic-atom"


class AuthorRssFeed(PublicationFeed):
    route = "publications:feed-author"

    def get_object(self, request, slug):
        # Anonymous on purpose: feeds are public, so a draft-only author has none.
        author = selectors.public_author(slug, user=AnonymousUser())
        if author is None:
            raise Http404("No such author.")
        return author

    def route_kwargs(self, obj):
        return {"slug": obj.slug}

    def title(self, obj=None):
        return f"{settings.SITE_NAME}: publications by {obj.name}"

    def description(self, obj=None):
        return f"New publications by {obj.name} from {settings.SITE_NAME}."

    def link(self, obj=None):
        return absolute(obj.get_absolute_url())

    def publications(self, obj):
        return Publication.objects.published().by_authors([obj.pk])


class AuthorAtomFeed(AtomMixin, AuthorRssFeed):
    route = "publications:feed-author-atom"
