"""The large corpus several test modules rank on, and what they compare with: full BM25F."""

from __future__ import annotations

import datetime
import random

import pytest

from publications.models import Publication, PublicationPage, PublicationType, Status
from search.filters import Filters, document_condition
from search.index import statistics
from search.index.writes import index_publications
from search.query import parse
from search.ranking import exhaustive as ranking
from search.ranking.terms import resolve_terms
from tests.factories import TopicFactory
from tests.search.indexed import index_in_batches
from tests.search.relevance import ZipfText, synthetic_vocabulary

LARGE = 3_000


def build_large_corpus() -> dict:
    rng = random.Random(11)
    vocabulary = synthetic_vocabulary(rng, 2_000)
    text = ZipfText(rng, vocabulary)
    broad, narrow = TopicFactory(name="Broad"), TopicFactory(name="Narrow")
    publications = [
        Publication(
            title=" ".join(text.words(rng.randint(3, 6))),
            slug=f"large-{n}",
            abstract=" ".join(text.words(rng.randint(8, 20))),
            status=Status.PUBLISHED,
            type=rng.choice(PublicationType.values),
            publication_date=datetime.date(2000 + rng.randrange(25), rng.randint(1, 12), 1),
        )
        for n in range(LARGE)
    ]
    for publication in publications:
        publication.refresh_release()  # visible_from, as the services set it
    publications = Publication.objects.bulk_create(publications)
    links = Publication.topics.through
    links.objects.bulk_create(
        [links(publication=p, topic=broad) for p in publications if rng.random() < 0.8]
        + [links(publication=p, topic=narrow) for p in publications if rng.random() < 0.08]
    )
    PublicationPage.objects.bulk_create(
        PublicationPage(publication=p, number=1, text=" ".join(text.words(rng.randint(20, 40))))
        for p in publications[::5]
    )
    index_in_batches([publication.pk for publication in publications])
    statistics.recount(exact=True)
    titles = [publication.title for publication in publications]
    return {"queries": _queries(rng, vocabulary, titles), "broad": broad, "narrow": narrow}


def _queries(rng: random.Random, vocabulary: list[str], titles: list[str]) -> list[str]:
    """Common, mid and rare words (by Zipf rank), alone and mixed, up to twelve, exclusions, and
    phrases taken from titles beside a common word."""

    def words(ranks: range, count: int) -> list[str]:
        return [vocabulary[rng.choice(ranks)] for _ in range(count)]

    queries = []
    for _ in range(3):
        queries += [
            " ".join(words(range(0, 10), 1)),  # in most documents
            " ".join(words(range(0, 40), 2)),
            " ".join(words(range(0, 20), 1) + words(range(100, 400), 1)),
            " ".join(words(range(300, 2_000), 1)),
            " ".join(words(range(0, 200), 4)),
            " ".join(words(range(0, 50), 6) + words(range(50, 2_000), 6)),  # twelve words
            " ".join(words(range(0, 30), 2)) + " -" + words(range(0, 10), 1)[0],
            '"' + " ".join(rng.choice(titles).split()[:3]) + '" ' + words(range(0, 10), 1)[0],
        ]
    return queries


def exact_top(query: str, filters: Filters, k: int) -> list[tuple[int, float]]:
    parsed = parse(query)
    stats = statistics.current()
    terms, _ = resolve_terms(parsed.ranking_text(), stats.documents)
    condition = document_condition(filters, parsed.phrases, parsed.excluded)
    return ranking.exact_scores(terms, condition, k, stats)


def assert_same_top(found: list[tuple[int, float]], exact: list[tuple[int, float]], query):
    """Same scores in the same order; documents may change places only with one of equal score."""
    assert len(found) == len(exact), query
    assert [score for _, score in found] == pytest.approx([s for _, s in exact], abs=1e-4), query
    kth = exact[-1][1] if exact else 0.0
    above = {doc for doc, score in exact if score > kth + 1e-4}
    assert above == {doc for doc, score in found if score > kth + 1e-4}, query


def retitled(publications: list[Publication], title: str) -> list[int]:
    for publication in publications:
        publication.title = title
        publication.save(update_fields=["title"])
    ids = [publication.pk for publication in publications]
    index_publications(ids)
    return ids
