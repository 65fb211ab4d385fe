"""Reads for the search page beside the engine's: the publications of a page of results, and
the authors and topics a query names."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, CharField, Exists, Func, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Concat, JSONObject
from django.db.models.query import QuerySet

from publications.models import Author, Publication, PublicationAuthor, Topic
from search.query import ParsedQuery

MAX_MATCHES = 5
MAX_WORDS = 8
MIN_WORD_LENGTH = 3
# Words too common to say anything about a name ("the", "and" would match half the topics).
STOP_WORDS = frozenset(
    {"the", "and", "for", "with", "from", "about", "into", "over", "under", "than", "that"}
    | {"this", "these", "those", "what", "which", "who", "why", "how", "are", "was", "were"}
    | {"has", "have", "had", "not", "but", "its", "our", "their", "your", "you", "can", "all"}
)


@dataclass(frozen=True)
class Listed:
    """A publication as a result shows it: the row, its byline in order and its topics."""

    publication: Publication
    authors: list[Author]
    topics: list[Topic]


def listed_publications(ids: list[int]) -> dict[int, Listed]:
    """The public publications among these ids, by id. The byline and topics come as two array
    columns of the same rows: one query where for_listing() takes three (a publication query
    and two prefetches)."""
    author = JSONObject(id="author_id", name="author__name", slug="author__slug")
    byline = PublicationAuthor.objects.filter(publication=OuterRef("pk")).order_by("position", "id")
    topic = JSONObject(id="id", name="name", slug="slug")
    topics = Topic.objects.filter(publications=OuterRef("pk")).order_by("name", "id")
    rows = (
        Publication.objects.published()
        .filter(pk__in=ids)
        .defer("body")  # a result shows the abstract or a snippet, never the body
        .annotate(
            byline=ArraySubquery(byline.values(entry=author)),
            topic_list=ArraySubquery(topics.values(entry=topic)),
        )
    )
    return {
        row.pk: Listed(
            row,
            [Author(**entry) for entry in row.byline],
            [Topic(**entry) for entry in row.topic_list],
        )
        for row in rows
    }


class Unaccent(Func):
    function = "unaccent"
    output_field = CharField()


def _escaped(text: Func) -> Func:
    """The text as a regular expression matching it literally: every punctuation character
    backslashed (a backslash before a non-alphanumeric character is that character)."""
    return Func(
        text,
        Value("([[:punct:]])"),
        Value(r"\\\1"),
        Value("g"),
        function="regexp_replace",
        output_field=CharField(),
    )


def name_words(query: ParsedQuery) -> list[str]:
    """The query's words worth matching against names: plain words and the words of phrases,
    long enough and not stop words, each once."""
    words = " ".join([*query.words, *query.phrases]).lower().split()
    kept = [word for word in words if len(word) >= MIN_WORD_LENGTH and word not in STOP_WORDS]
    return list(dict.fromkeys(kept))[:MAX_WORDS]


def matching_authors(query: ParsedQuery, *, limit: int = MAX_MATCHES) -> list[Author]:
    """Authors of public publications with a name word starting with a query word."""
    return _matching(Author.objects.with_public_publications(), name_words(query), limit)


def matching_topics(query: ParsedQuery, *, limit: int = MAX_MATCHES) -> list[Topic]:
    """Topics of public publications with a name word starting with a query word."""
    public = Publication.objects.published().filter(topics=OuterRef("pk"))
    return _matching(Topic.objects.filter(Exists(public)), name_words(query), limit)


def _matching(queryset: QuerySet, words: list[str], limit: int) -> list:
    """Names matching most words first; accents and case ignored on both sides."""
    if not words:
        return []
    # \m is PostgreSQL's start of a word. The word is escaped after unaccent, which turns some
    # symbols into regular-expression operators (the multiplication sign into "*", "¿" into "?").
    patterns = [Concat(Value(r"\m"), _escaped(Unaccent(Value(word)))) for word in words]
    conditions = [Q(plain_name__iregex=pattern) for pattern in patterns]
    hits = sum(
        (
            Case(When(condition, then=1), default=0, output_field=IntegerField())
            for condition in conditions
        ),
        Value(0),
    )
    any_word = Q()
    for condition in conditions:
        any_word |= condition
    matches = queryset.alias(plain_name=Unaccent("name")).filter(any_word).alias(hits=hits)
    return list(matches.order_by("-hits", "name")[:limit])
