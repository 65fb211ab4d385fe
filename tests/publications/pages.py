"""Helpers for the public-page tests: a small catalogue with hidden items, PDFs, HTML parsing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from html.parser import HTMLParser

from django.core.files.base import ContentFile
from django.utils import timezone

from publications.models import Author, Publication, PublicationFile, Status, Topic
from publications.services import publication_file_save
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory
from tests.pdfs import make_pdf

SITE = "https://think.example"
HIDDEN_TITLES = ("Secret draft", "Future scheduled")


@dataclass
class Catalogue:
    topic: Topic
    author: Author
    hidden_author: Author  # writes only the draft and the scheduled item
    public: Publication
    draft: Publication
    future: Publication


def make_catalogue() -> Catalogue:
    """One public publication, a draft and a scheduled one not yet due, sharing topic and author."""
    topic = TopicFactory(name="Defense Industry", slug="defense-industry")
    author = AuthorFactory(name="Jane Public", slug="jane-public")
    hidden_author = AuthorFactory(name="Hidden Writer", slug="hidden-writer")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return Catalogue(
        topic=topic,
        author=author,
        hidden_author=hidden_author,
        public=PublicationFactory(title="Visible report", authors=[author], topics=[topic]),
        draft=PublicationFactory(
            title="Secret draft",
            status=Status.DRAFT,
            authors=[hidden_author, author],
            topics=[topic],
        ),
        future=PublicationFactory(
            title="Future scheduled",
            status=Status.SCHEDULED,
            publication_date=tomorrow,
            authors=[hidden_author],
            topics=[topic],
        ),
    )


def attach_pdf(publication: Publication, data: bytes | None = None) -> bytes:
    """Store a PDF on the publication as the admin would; returns its bytes."""
    data = data if data is not None else make_pdf(["First page text.", "Second page text."])
    file = PublicationFile(publication=publication)
    publication_file_save(file=file, upload=ContentFile(data, name="x.pdf"))
    return data


def listed_titles(response) -> list[str]:
    return [publication.title for publication in response.context["page_obj"]]


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {key: value or "" for key, value in attrs}))


def tags(html: str, name: str) -> list[dict[str, str]]:
    """The attributes of every <name> start tag in the page, in order."""
    collector = _TagCollector()
    collector.feed(html)
    return [attrs for tag, attrs in collector.tags if tag == name]


def meta(html: str, key: str) -> list[str]:
    """The content of every <meta name=key> or <meta property=key>, in order."""
    return [
        attrs["content"]
        for attrs in tags(html, "meta")
        if attrs.get("name") == key or attrs.get("property") == key
    ]
