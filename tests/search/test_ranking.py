"""The ranking rules of the search issue, each on a corpus made to show it, then the bounded top-k
against full BM25F on a corpus large enough that pruning matters, and the count's exactness."""

from __future__ import annotations

import datetime
import random

import pytest
from django.db import transaction

from publications.models import Publication, PublicationPage, PublicationType, Status
from search import engine, ranking, statistics
from search.filters import Filters, document_condition
from search.indexing import index_publications
from search.query import parse
from search.terms import resolve_terms
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory
from tests.search.indexed import index_in_batches, indexed, reindex_everything, run, titles
from tests.search.relevance import ZipfText, synthetic_vocabulary

pytestmark = pytest.mark.django_db

FILLER = "Notes on budgets, staffing and the annual plan of the institute."
PAGE = " ".join(["The committee met in spring and again in autumn to review the accounts."] * 20)


def test_a_rare_word_weighs_more_than_a_common_one():
    for n in range(12):
        indexed(title=f"Tariffs review {n}", abstract=FILLER)
    indexed(title="Tariffs in the Baltic", abstract=FILLER)
    indexed(title="Lighthouses in the Baltic", abstract=FILLER)
    reindex_everything()

    assert titles("tariffs lighthouses")[0] == "Lighthouses in the Baltic"
    assert titles("lighthouses tariffs")[0] == "Lighthouses in the Baltic"


@pytest.mark.parametrize(
    ("stronger", "weaker"),
    [("title", "abstract"), ("abstract", "body"), ("title", "body"), ("author", "body")],
)
def test_a_match_in_a_weightier_field_ranks_first(stronger, weaker):
    def placed(field: str, name: str):
        word = "shipbuilding"
        if field == "author":
            author = AuthorFactory(name="Shipbuilding Jones")
            publication = indexed(title=name, abstract=FILLER, pages=[PAGE], authors=[author])
            return publication
        return indexed(
            title=f"{name} {word}" if field == "title" else name,
            abstract=f"{FILLER} {word}" if field == "abstract" else FILLER,
            pages=[f"{PAGE} {word}" if field == "body" else PAGE],
        )

    # The weaker match first, so that a tie would put it ahead.
    placed(weaker, "Weaker match")
    placed(stronger, "Stronger match")
    for n in range(5):
        indexed(title=f"Unrelated note {n}", abstract=FILLER, pages=[PAGE])
    reindex_everything()

    assert [title.split(" shipbuilding")[0] for title in titles("shipbuilding")] == [
        "Stronger match",
        "Weaker match",
    ]


def test_several_matched_words_outrank_one():
    indexed(title="Tariffs policy note", abstract=FILLER)
    indexed(title="Subsidies policy note", abstract=FILLER)
    indexed(title="Tariffs and subsidies policy", abstract=FILLER)
    indexed(title="Tariffs, subsidies and shipbuilding", abstract=FILLER)
    reindex_everything()

    found = titles("tariffs subsidies shipbuilding")

    assert found[:2] == ["Tariffs, subsidies and shipbuilding", "Tariffs and subsidies policy"]
    assert sorted(found[2:]) == ["Subsidies policy note", "Tariffs policy note"]


def test_plain_words_are_optional_so_a_long_question_finds_what_matches_most_of_it():
    indexed(title="Shipbuilding yards", abstract=FILLER)
    indexed(title="Museum attendance", abstract=FILLER)
    indexed(title="Tariffs and shipbuilding subsidies in the Baltic", abstract=FILLER)
    question = (
        "what are the effects of tariffs on shipbuilding subsidies in the baltic region today"
    )

    outcome = run(question)

    assert [result.publication.title for result in outcome.results] == [
        "Tariffs and shipbuilding subsidies in the Baltic",
        "Shipbuilding yards",
    ]
    assert outcome.count == 2


def test_a_quoted_phrase_matches_only_its_words_adjacent_and_in_order():
    indexed(title="Export controls on chips", abstract=FILLER)
    indexed(title="Controls on export licences", abstract=FILLER)
    indexed(title="Export credit and capital controls", abstract=FILLER)

    assert titles('"export controls"') == ["Export controls on chips"]


def test_a_phrase_constrains_while_the_plain_words_beside_it_only_rank():
    indexed(title="Export controls in Korea", abstract=FILLER)
    indexed(title="Export controls on chips", abstract=FILLER)
    indexed(title="Korea and its export of controls", abstract=FILLER)

    assert titles('"export controls" korea') == [
        "Export controls in Korea",
        "Export controls on chips",
    ]


LONG_PAGES = [" ".join(f"filler{n % 40}word" for n in range(900))] * 20  # 18,000 words


def test_a_phrase_deep_in_a_long_document_is_found_on_its_page():
    # Past 16,383 words a document's own vector keeps no real positions.
    deep = indexed(
        title="Annual accounts",
        pages=[*LONG_PAGES, "In closing, the export controls regime is reviewed."],
    )
    indexed(
        title="Annual accounts, apart",
        pages=[*LONG_PAGES, f"The controls of trade. {LONG_PAGES[0][:2000]} Then export."],
    )

    outcome = run('"export controls"')

    assert [result.publication.pk for result in outcome.results] == [deep.pk]
    assert outcome.results[0].pages == [21]


def test_a_minus_word_excludes_every_document_holding_it_anywhere():
    indexed(title="Tariffs in Korea", abstract=FILLER)
    indexed(title="Tariffs in Japan", abstract=FILLER)
    indexed(title="Tariffs in Asia", abstract=FILLER, pages=[f"{PAGE} Japan."])

    assert titles("tariffs -japan") == ["Tariffs in Korea"]
    assert titles("-japan") == ["Tariffs in Korea"]


def test_a_minus_phrase_excludes_the_phrase_but_not_its_words_apart():
    indexed(title="Tariffs and export controls", abstract=FILLER)
    indexed(title="Tariffs, export credit and capital controls", abstract=FILLER)

    assert titles('tariffs -"export controls"') == ["Tariffs, export credit and capital controls"]


def test_a_minus_phrase_deep_in_a_long_document_excludes_it():
    indexed(title="Regime review", pages=[*LONG_PAGES, "The export controls regime."])
    indexed(title="Regime overview", pages=[PAGE, "The regime."])

    assert titles('regime -"export controls"') == ["Regime overview"]


def test_relevance_newest_and_oldest_orders():
    for year, title in [(2020, "Ports, 2020"), (2022, "Ports and port dues, 2022"), (2024, "2024")]:
        indexed(
            title=title,
            abstract=f"{FILLER} ports" if year == 2024 else FILLER,
            publication_date=datetime.date(year, 5, 1),
        )
    reindex_everything()

    relevance = run("ports")
    newest = run("ports", sort="newest")
    oldest = run("ports", sort="oldest")

    assert [r.publication.title for r in relevance.results] == [
        "Ports and port dues, 2022",
        "Ports, 2020",
        "2024",
    ]
    scores = [r.score for r in relevance.results]
    assert scores == sorted(scores, reverse=True)
    assert [r.publication.publication_date.year for r in newest.results] == [2024, 2022, 2020]
    assert [r.publication.publication_date.year for r in oldest.results] == [2020, 2022, 2024]
    assert {r.score for r in newest.results + oldest.results} == {None}


# Counts: exact up to the limit, estimated beyond (the limits shrunk to the corpus).


@pytest.fixture
def harbours(monkeypatch):
    """150 publications: 'harbour' in 120 of them, 'crane' in 15; ten are issue briefs."""
    monkeypatch.setattr(engine, "EXACT_COUNT_LIMIT", 20)
    monkeypatch.setattr(engine, "COUNTABLE_POSTINGS", 100)  # five times the limit, as 50k/10k
    publications = [
        PublicationFactory(
            title=" ".join(
                ["Harbour" if n < 120 else "Airport", "crane" if n % 10 == 0 else "study"]
            ),
            slug=f"harbours-{n}",
            abstract=FILLER,
            type=PublicationType.ISSUE_BRIEF if n % 15 == 0 else PublicationType.REPORT,
        )
        for n in range(150)
    ]
    index_publications([publication.pk for publication in publications])
    statistics.recount(exact=True)


def test_a_count_under_the_limit_is_exact(harbours):
    outcome = run("crane")

    assert (outcome.count, outcome.count_is_estimate) == (15, False)


def test_a_count_past_the_limit_is_an_estimate_flagged_as_such(harbours):
    outcome = run("harbour")

    assert outcome.count_is_estimate
    assert outcome.count > engine.EXACT_COUNT_LIMIT
    assert 60 <= outcome.count <= 240  # 120 really
    assert len(outcome.results) == 20


def test_a_filtered_count_under_the_limit_is_exact_even_for_a_common_word(harbours):
    outcome = run("harbour", filters=Filters(types=(PublicationType.ISSUE_BRIEF,)))

    assert (outcome.count, outcome.count_is_estimate) == (8, False)


# Bounded top-k against the full BM25F.

LARGE = 3_000


@pytest.fixture(scope="module")
def large_corpus(django_db_setup, django_db_blocker):
    """3,000 small publications with Zipf-distributed words, a broad topic (80%) and a narrow one
    (8%), seven types and 25 years of dates, indexed in batches; built once for the module in a
    transaction that each test nests in and that is rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            corpus = _build_large_corpus()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield corpus
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _build_large_corpus() -> dict:
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


def _exact(query: str, filters: Filters, k: int) -> list[tuple[int, float]]:
    parsed = parse(query)
    stats = statistics.current()
    terms, _ = resolve_terms(parsed.ranking_text(), stats.documents)
    condition = document_condition(filters, parsed.phrases, parsed.excluded)
    return ranking.exact_scores(terms, condition, k, stats)


def _assert_same_top(found: list[tuple[int, float]], exact: list[tuple[int, float]], query):
    """Same scores in the same order; documents may change places only with one of equal score."""
    assert len(found) == len(exact), query
    assert [score for _, score in found] == pytest.approx([s for _, s in exact], abs=1e-4), query
    kth = exact[-1][1] if exact else 0.0
    above = {doc for doc, score in exact if score > kth + 1e-4}
    assert above == {doc for doc, score in found if score > kth + 1e-4}, query


def test_the_top_10_equals_full_bm25_on_a_large_index(large_corpus):
    for query in large_corpus["queries"]:
        outcome = run(query, page_size=10)
        found = [(r.publication.pk, r.score) for r in outcome.results]

        _assert_same_top(found, _exact(query, Filters(), 10), query)


@pytest.mark.parametrize("check_all", [True, False], ids=["every candidate", "in rank order"])
def test_a_phrase_finds_the_exact_top_10_whichever_way_its_word_order_is_checked(
    large_corpus, monkeypatch, check_all
):
    # Word order is checked on every candidate when the rarest word is rare enough, otherwise
    # on candidates in rank order until a page is full: both must give the exact top 10.
    monkeypatch.setattr(engine, "PHRASE_CHECK_ALL", LARGE if check_all else 0)
    phrases = [query for query in large_corpus["queries"] if '"' in query]

    for query in phrases:
        outcome = run(query, page_size=10)

        found = [(r.publication.pk, r.score) for r in outcome.results]
        _assert_same_top(found, _exact(query, Filters(), 10), query)
        assert outcome.exact_ranking, query
        every = _exact(query, Filters(), LARGE)
        if check_all:
            assert (outcome.count, outcome.count_is_estimate) == (len(every), False), query
        else:
            assert outcome.count >= len(found), query


@pytest.mark.parametrize("check_all", [True, False], ids=["every candidate", "in rank order"])
def test_a_phrase_sorted_by_date_lists_the_newest_that_hold_it(
    large_corpus, monkeypatch, check_all
):
    monkeypatch.setattr(engine, "PHRASE_CHECK_ALL", LARGE if check_all else 0)
    query = next(query for query in large_corpus["queries"] if '"' in query)
    holding = {doc for doc, _ in _exact(query, Filters(), LARGE)}
    newest = sorted(
        Publication.objects.filter(pk__in=holding).values_list("publication_date", "pk"),
        reverse=True,
    )

    outcome = run(query, page_size=5, sort="newest")

    assert [r.publication.pk for r in outcome.results] == [pk for _, pk in newest[:5]]


@pytest.mark.parametrize("filtered", ["broad topic", "narrow topic", "type", "years"])
def test_the_top_10_equals_full_bm25_under_filters(large_corpus, filtered):
    filters = {
        "broad topic": Filters(topic_ids=(large_corpus["broad"].pk,)),
        "narrow topic": Filters(topic_ids=(large_corpus["narrow"].pk,)),
        "type": Filters(types=("report",)),
        "years": Filters(published_after=datetime.date(2006, 1, 1)),
    }[filtered]

    for query in large_corpus["queries"][::3]:
        outcome = run(query, page_size=10, filters=filters)
        found = [(r.publication.pk, r.score) for r in outcome.results]

        _assert_same_top(found, _exact(query, filters, 10), query)
