"""A synthetic think-tank catalogue with a natural (Zipf) word-frequency distribution, bulk-loaded
into the catalogue's own tables with COPY, then indexed by the project's own rebuild path
(search.index.writes.rebuild), so it yields the same index an import would."""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

SYLLABLES = [
    "ba", "ca", "da", "fa", "ga", "ha", "ka", "la", "ma", "na", "pa", "ra", "sa", "ta", "va",
    "be", "ce", "de", "fe", "ge", "le", "me", "ne", "pe", "re", "se", "te", "ve", "bi", "di",
    "fi", "gi", "ki", "li", "mi", "ni", "pi", "ri", "si", "ti", "bo", "co", "do", "fo", "go",
    "lo", "mo", "no", "po", "ro", "so", "to", "vo", "bu", "du", "fu", "gu", "lu", "mu", "nu",
]  # fmt: skip
TYPES = ["report", "issue-brief", "commentary", "testimony", "working-paper", "book"]


@dataclass(frozen=True)
class Shape:
    """How big each publication is: pages of body text and words per page."""

    publications: int
    pages: int
    words_per_page: int
    vocabulary: int = 40_000
    topics: int = 40
    authors: int = 3_000


SHAPES = {
    "10k": Shape(publications=10_000, pages=20, words_per_page=250),
    "100k": Shape(publications=100_000, pages=3, words_per_page=250),
    "1m": Shape(publications=1_000_000, pages=0, words_per_page=0),
}


class Vocabulary:
    """Pseudo-words drawn with Zipf frequencies (s = 1.0): a few in nearly every document, most
    rare, as in real text."""

    def __init__(self, size: int, seed: int = 7):
        rng = random.Random(seed)
        words: set[str] = set()
        while len(words) < size:
            words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
        # Sorted first: a set's order changes with each process's string hashing.
        self.words = sorted(sorted(words), key=lambda word: (rng.random(), word))
        self.cumulative = list(itertools.accumulate(1.0 / rank for rank in range(1, size + 1)))
        self.rng = rng

    def text(self, count: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=count))

    def rank(self, rank: int) -> str:
        """The word of this frequency rank (1 = the most frequent)."""
        return self.words[rank - 1]


def load(shape: Shape, vocabulary: Vocabulary, progress=print) -> None:
    """COPY topics, authors, publications, bylines, topic links and pages into the catalogue."""
    rng = random.Random(11)
    now = timezone.now()
    with connection.cursor() as cursor:
        _copy(cursor, "publications_topic", ["name", "slug", "description"], (
            (f"Topic {n}", f"topic-{n}", "") for n in range(shape.topics)
        ))  # fmt: skip
        _copy(cursor, "publications_author", ["name", "slug", "role", "affiliation", "bio"], (
            (f"Author {n}", f"author-{n}", "Fellow", "", "") for n in range(shape.authors)
        ))  # fmt: skip
        cursor.execute("SELECT min(id) FROM publications_topic")
        first_topic = cursor.fetchone()[0]
        cursor.execute("SELECT min(id) FROM publications_author")
        first_author = cursor.fetchone()[0]
    for start in range(0, shape.publications, 10_000):
        count = min(10_000, shape.publications - start)
        _load_batch(shape, vocabulary, rng, start, count, now, first_topic, first_author)
        progress(f"  loaded {start + count:,} of {shape.publications:,} publications")


def _load_batch(shape, vocabulary, rng, start, count, now, first_topic, first_author) -> None:
    # Imported here: this module is also imported before Django is set up (its Vocabulary).
    from publications.models import Status, start_of_day, visible_from_for

    # Every column without a database default (tests/benchmarks/test_corpus.py loads a few rows).
    columns = [
        "title", "subtitle", "slug", "type", "doi", "cover_image", "abstract", "body",
        "correction_note", "withdrawn_reason", "publication_date", "status", "created_at",
        "updated_at", "announce", "release_at", "visible_from",
    ]  # fmt: skip
    rows = []
    for n in range(start, start + count):
        date = datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randrange(9_400))
        release = start_of_day(date)
        rows.append((
            vocabulary.text(8).capitalize(), "", f"pub-{n}", rng.choice(TYPES), "", "",
            vocabulary.text(120), "", "", "", date, "published", now, now,
            False, release, visible_from_for(Status.PUBLISHED, release),
        ))  # fmt: skip
    with connection.cursor() as cursor:
        _copy(cursor, "publications_publication", columns, rows)
        cursor.execute(
            "SELECT id FROM publications_publication WHERE slug = ANY(%s) ORDER BY id",
            [[f"pub-{n}" for n in range(start, start + count)]],
        )
        ids = [row[0] for row in cursor.fetchall()]
        _copy(cursor, "publications_publicationauthor", ["publication_id", "author_id",
              "position"], _bylines(ids, rng, shape, first_author))  # fmt: skip
        _copy(cursor, "publications_publication_topics", ["publication_id", "topic_id"],
              _topics(ids, rng, shape, first_topic))  # fmt: skip
        if shape.pages:
            _copy(cursor, "publications_publicationpage", ["publication_id", "number", "text"], (
                (pk, number, vocabulary.text(shape.words_per_page))
                for pk in ids for number in range(1, shape.pages + 1)
            ))  # fmt: skip


def _bylines(ids, rng, shape, first_author) -> Iterator[tuple]:
    for pk in ids:
        authors = rng.sample(range(shape.authors), rng.randint(1, 3))
        yield from ((pk, first_author + author, position) for position, author in
                    enumerate(authors))  # fmt: skip


def _topics(ids, rng, shape, first_topic) -> Iterator[tuple]:
    for pk in ids:
        for topic in rng.sample(range(shape.topics), rng.randint(1, 3)):
            yield (pk, first_topic + topic)


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
