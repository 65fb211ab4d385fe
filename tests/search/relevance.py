"""A relevance test set with planted relevance, and the measures the relevance tests assert.

Generated, not copied from the seeds: a vocabulary of synthetic words with Zipf-like frequencies
(a few in nearly every document, most rare), English stop words between them, and topics made of
mid-frequency and rare words. Each document is *about* one topic (some of its words in the title,
more in the abstract, every one of them in the body, several times) and mentions one or two other
topics in passing (a few of their words in the body only, sometimes over and over). Queries are
drawn from the topics in the shapes readers type them: one word, a few words, words among common
words, questions full of stop words, and long 12-word queries.

Judgements follow from how each document was made, never from what an engine returns:
2 = the document is about the query's topic; 1 = it mentions some of the query's topic words in
passing (body only); 0 = otherwise. The measure is nDCG@10 with linear gains (as trec_eval).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

SEED = 20_241_209
VOCABULARY_SIZE = 3_000
TOPICS = 60
TOPIC_WORDS = 6
DOCUMENTS = 300
# Ranks (1 = most frequent) of the vocabulary bands the generator draws from.
COMMON = range(1, 61)  # in nearly every document
MID = range(150, 600)  # in a fair share of documents by chance alone
RARE = range(600, VOCABULARY_SIZE + 1)

STOP_WORDS = (
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "by", "are",
    "this", "from", "at", "be", "or", "an", "which", "it", "its", "was", "has", "have", "their",
    "not", "but", "these", "between", "into", "more", "than", "most", "how", "what", "why",
    "does", "do", "about", "can", "should", "there", "when", "where", "who",
)  # fmt: skip
_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aiou"  # no "e" and no "y", so the English stemmer leaves the words whole

# Question shapes: T a topic word of the query, C a common word, M an unrelated mid word.
QUESTIONS = (
    "what is the {C} of {T}",
    "how does {T} {C} the {T}",
    "what are the {C} of {T} on {T} and {T}",
    "why is {T} {C} for the {C} of {T}",
    "how can {T} and {T} be {C} in the {C} {M}",
    "which {C} of {T} have the most {C} on {T} {T}",
    "is there a {C} between {T} and {T} in {M} {C}",
    "what should {C} do about {T} when {T} {C}",
)


@dataclass(frozen=True)
class Document:
    key: int
    title: str
    abstract: str
    pages: tuple[str, ...]
    topic: int
    # Other topics mentioned in passing (body only), with the words of theirs it uses.
    mentions: dict[int, frozenset[str]]


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    topic: int
    words: frozenset[str]  # the topic words in it; the rest is common words, stop words, noise
    judgements: dict[int, int] = field(default_factory=dict)  # document key -> grade, 0 left out

    @property
    def length(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class Collection:
    vocabulary: tuple[str, ...]  # by rank, most frequent first
    topics: tuple[tuple[str, ...], ...]
    documents: tuple[Document, ...]
    queries: tuple[Query, ...]


class ZipfText:
    """Background text: Zipf-distributed content words with stop words between them."""

    def __init__(self, rng: random.Random, vocabulary: Sequence[str]):
        self.rng = rng
        self.vocabulary = vocabulary
        # Zipf-Mandelbrot, s = 1: rank r is drawn in proportion to 1 / (r + 2.7).
        self.cumulative = list(
            itertools.accumulate(1 / (rank + 2.7) for rank in range(1, len(vocabulary) + 1))
        )

    def words(self, count: int) -> list[str]:
        content = self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count)
        out: list[str] = []
        for word in content:
            if self.rng.random() < 0.45:
                out.append(self.rng.choice(STOP_WORDS))
            out.append(word)
        return out

    def band(self, ranks: range) -> str:
        return self.vocabulary[self.rng.choice(ranks) - 1]

    def insert(self, tokens: list[str], words: Sequence[str]) -> None:
        for word in words:
            tokens.insert(self.rng.randrange(len(tokens) + 1), word)


def generate(seed: int = SEED) -> Collection:
    """The whole test set, the same for the same seed."""
    rng = random.Random(seed)
    vocabulary = synthetic_vocabulary(rng)
    text = ZipfText(rng, vocabulary)
    topics = _topics(rng, vocabulary)
    documents = tuple(_document(key, text, topics) for key in range(DOCUMENTS))
    queries = tuple(_queries(text, topics, documents))
    return Collection(tuple(vocabulary), topics, documents, queries)


def synthetic_vocabulary(rng: random.Random, size: int = VOCABULARY_SIZE) -> list[str]:
    """Distinct made-up words of two to four syllables, in random order (the order is the rank)."""
    words: dict[str, None] = {}
    while len(words) < size:
        syllables = rng.choice((2, 2, 3, 3, 3, 4))
        word = "".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(syllables))
        words.setdefault(word)
    return list(words)


def _topics(rng: random.Random, vocabulary: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Each topic: two mid-frequency words and four rare ones, no word in two topics."""
    mid = rng.sample([vocabulary[rank - 1] for rank in MID], 2 * TOPICS)
    rare = rng.sample([vocabulary[rank - 1] for rank in RARE], (TOPIC_WORDS - 2) * TOPICS)
    return tuple(
        tuple(mid[2 * n : 2 * n + 2] + rare[(TOPIC_WORDS - 2) * n : (TOPIC_WORDS - 2) * (n + 1)])
        for n in range(TOPICS)
    )


def _document(key: int, text: ZipfText, topics: Sequence[tuple[str, ...]]) -> Document:
    rng = text.rng
    # Topics of unequal size: a few have many documents, some only two or three.
    topic = key % TOPICS if key < 2 * TOPICS else int(TOPICS * rng.random() ** 1.6)
    words = topics[topic]
    title = text.words(rng.randint(2, 5))
    text.insert(title, rng.sample(words, rng.randint(1, 2)))
    abstract = text.words(rng.randint(35, 80))
    for word in rng.sample(words, rng.randint(3, 5)):
        text.insert(abstract, [word] * rng.randint(1, 2))
    pages = [text.words(rng.randint(80, 160)) for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 5)))]
    for word in words:
        for _ in range(rng.randint(1, 2 + 2 * len(pages))):
            text.insert(rng.choice(pages), [word])
    mentions = {}
    for other in rng.sample([n for n in range(TOPICS) if n != topic], rng.choice((0, 1, 1, 2))):
        mentioned = rng.sample(topics[other], rng.randint(1, 3))
        stuffed = rng.random() < 0.2
        for word in mentioned:
            for _ in range(rng.randint(6, 10) if stuffed else rng.randint(1, 3)):
                text.insert(rng.choice(pages), [word])
        mentions[other] = frozenset(mentioned)
    return Document(
        key=key,
        title=_sentence(title),
        abstract=_sentence(abstract),
        pages=tuple(_sentence(page) for page in pages),
        topic=topic,
        mentions=mentions,
    )


def _sentence(tokens: list[str]) -> str:
    return " ".join(tokens).capitalize() + "."


def _queries(text: ZipfText, topics, documents) -> list[Query]:
    rng = text.rng
    shapes = (
        [("one rare word", _one_rare)] * 10
        + [("one mid word", _one_mid)] * 8
        + [("two or three words", _few)] * 22
        + [("words among common words", _with_common)] * 20
        + [("question", _question)] * 25
        + [("twelve words", _twelve)] * 15
    )
    queries = []
    for number, (kind, make) in enumerate(shapes):
        topic = number % TOPICS if number < TOPICS else rng.randrange(TOPICS)
        query_text, words = make(text, topics[topic])
        queries.append(Query(query_text, kind, topic, words, _judge(topic, words, documents)))
    return queries


def _one_rare(text: ZipfText, words: tuple[str, ...]):
    word = text.rng.choice(words[2:])
    return word, frozenset([word])


def _one_mid(text: ZipfText, words: tuple[str, ...]):
    word = text.rng.choice(words[:2])
    return word, frozenset([word])


def _few(text: ZipfText, words: tuple[str, ...]):
    picked = text.rng.sample(words, text.rng.randint(2, 3))
    return " ".join(picked), frozenset(picked)


def _with_common(text: ZipfText, words: tuple[str, ...]):
    picked = text.rng.sample(words, text.rng.randint(2, 3))
    tokens = picked + [text.band(COMMON) for _ in range(text.rng.randint(2, 3))]
    text.rng.shuffle(tokens)
    return " ".join(tokens), frozenset(picked)


def _question(text: ZipfText, words: tuple[str, ...]):
    shape = text.rng.choice(QUESTIONS)
    picked = text.rng.sample(words, shape.count("{T}"))
    slots = iter(picked)
    tokens = []
    for token in shape.split():
        if token == "{T}":
            tokens.append(next(slots))
        elif token == "{C}":
            tokens.append(text.band(COMMON))
        elif token == "{M}":
            tokens.append(text.band(MID))
        else:
            tokens.append(token)
    return " ".join(tokens), frozenset(picked)


def _twelve(text: ZipfText, words: tuple[str, ...]):
    picked = text.rng.sample(words, 3)
    tokens = picked + [text.band(COMMON) for _ in range(5)] + [text.band(MID) for _ in range(4)]
    text.rng.shuffle(tokens)
    return " ".join(tokens), frozenset(picked)


def _judge(topic: int, words: frozenset[str], documents: Sequence[Document]) -> dict[int, int]:
    grades = {}
    for document in documents:
        if document.topic == topic:
            grades[document.key] = 2
        elif words & document.mentions.get(topic, frozenset()):
            grades[document.key] = 1
    return grades


# The measure.


def dcg(gains: Sequence[int]) -> float:
    """Discounted cumulative gain: the gain at rank i (from 1) divided by log2(i + 1)."""
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def ndcg_at(k: int, ranked: Sequence[int], judgements: dict[int, int]) -> float:
    """DCG of the first k results over the DCG of the best possible first k (0 to 1)."""
    ideal = dcg(sorted(judgements.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judgements.get(key, 0) for key in ranked[:k]]) / ideal


def mean_ndcg_at(k: int, queries: Sequence[Query], ranker: Callable[[str], Sequence[int]]) -> float:
    """nDCG@k averaged over the queries, the ranker returning document keys best first."""
    return sum(ndcg_at(k, ranker(query.text), query.judgements) for query in queries) / len(queries)


# Loading it through the real indexing path, and the baselines the engine is measured against.

BASELINE_AND_SQL = """
    SELECT d.publication_id
      FROM search_searchdocument d, websearch_to_tsquery('english_unaccent', %(q)s) q
     WHERE d.vector @@ q
     ORDER BY ts_rank(d.vector, q) DESC, d.publication_id
     LIMIT %(k)s
"""
# Any of the words, ranked by ts_rank (weights A-D, but no IDF and no length normalisation).
BASELINE_OR_SQL = """
    SELECT d.publication_id
      FROM search_searchdocument d,
           CAST(replace(plainto_tsquery('english_unaccent', %(q)s)::text, ' & ', ' | ')
                AS tsquery) q
     WHERE d.vector @@ q
     ORDER BY ts_rank(d.vector, q) DESC, d.publication_id
     LIMIT %(k)s
"""


def load(collection: Collection) -> dict[int, int]:
    """Publications and their pages, indexed as the catalogue indexes them; returns the document
    key of each publication id."""
    from publications.models import PublicationPage
    from search.index import statistics
    from search.index.writes import index_publications
    from tests.factories import PublicationFactory
    from tests.search.indexed import bulk_indexing

    keys = {}
    pages = []
    for document in collection.documents:
        publication = PublicationFactory(
            title=document.title, slug=f"relevance-{document.key}", abstract=document.abstract
        )
        keys[publication.pk] = document.key
        pages += [
            PublicationPage(publication=publication, number=number, text=text)
            for number, text in enumerate(document.pages, start=1)
        ]
    PublicationPage.objects.bulk_create(pages)
    # The first pass measures a collection that is still empty; once the statistics are
    # measured, indexing again writes every posting as a rebuild would.
    with bulk_indexing():
        index_publications(list(keys))
        statistics.recount(exact=True)
        index_publications(list(keys))
    return keys


def baseline(sql: str, keys: dict[int, int], k: int = 10) -> Callable[[str], list[int]]:
    from django.db import connection

    def ranker(text: str) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(sql, {"q": text, "k": k})
            return [keys[row[0]] for row in cursor.fetchall()]

    return ranker


def engine(keys: dict[int, int], k: int = 10) -> Callable[[str], list[int]]:
    from search.engine import SearchRequest, search

    def ranker(text: str) -> list[int]:
        outcome = search(SearchRequest(query=text, page_size=k))
        return [keys[result.publication.pk] for result in outcome.results]

    return ranker
