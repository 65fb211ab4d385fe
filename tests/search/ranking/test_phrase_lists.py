"""Phrase queries answered from the impact-ordered blocks: the same top k as full BM25F over the
documents that hold the phrase, exact counts while the candidates are few, best-first checking
when they are many, documents changed since the blocks were built seen as they are now, and the
older path whenever the blocks cannot answer."""

from __future__ import annotations

import numpy as np
import pytest

from publications.models import Publication
from search.filters import Filters, document_condition
from search.index import blocks, statistics
from search.query import parse
from search.ranking import phrase_lists as phrase_ranking
from search.ranking.exhaustive import exact_scores
from search.ranking.terms import resolve_terms
from tests.search.corpus import assert_same_top, exact_top, retitled
from tests.search.indexed import answers_recorded, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(monkeypatch) -> list[bool]:
    """Whether the blocks answered each phrase query (False: the older path did)."""
    return answers_recorded(monkeypatch, phrase_ranking, "rank")


@pytest.fixture
def checked(monkeypatch) -> list[int]:
    """How many candidates each order check was asked about."""
    sizes: list[int] = []
    in_order = phrase_ranking.in_order

    def recording(ids, *args, **kwargs):
        sizes.append(len(ids))
        return in_order(ids, *args, **kwargs)

    monkeypatch.setattr(phrase_ranking, "in_order", recording)
    return sizes


def _matching(query: str, filters: Filters | None = None) -> int:
    """How many documents match, counted by full BM25F with no limit."""
    parsed = parse(query)
    terms, _ = resolve_terms(parsed.ranking_text(), statistics.current().documents)
    condition = document_condition(filters or Filters(), parsed.phrases, parsed.excluded)
    return len(exact_scores(terms, condition, 10**6, statistics.current()))


def _assert_exact(query: str, k: int = 10, filters: Filters | None = None):
    filters = filters or Filters()
    outcome = run(query, page_size=k, filters=filters)
    found = [(result.publication.pk, result.score) for result in outcome.results]
    assert_same_top(found, exact_top(query, filters, k), query)
    return outcome


def _word_pairs(corpus: dict) -> list[str]:
    """Every phrase query of the corpus's mix, and each phrase's first two words alone."""
    phrases = [query for query in corpus["queries"] if query.startswith('"')]
    pairs = ['"' + " ".join(query[1:].split('"')[0].split()[:2]) + '"' for query in phrases]
    return phrases + pairs


@pytest.fixture
def swapped(compacted):
    """Forty documents holding "harbour lighthouse", half of them in that order, compacted, so
    the phrase has more candidates than are checked at once."""
    publications = list(Publication.objects.order_by("pk")[:40])
    for n, publication in enumerate(publications):
        words = "harbour lighthouse" if n % 2 else "lighthouse harbour"
        retitled([publication], f"{words} {' keeper' * (n % 7)}")
    blocks.compact()
    return [publication.pk for n, publication in enumerate(publications) if n % 2]


@pytest.mark.parametrize("k", [10, 30])
def test_the_top_k_of_a_phrase_from_the_blocks_equals_full_bm25(compacted, answered, k):
    for query in _word_pairs(compacted):
        outcome = _assert_exact(query, k)

        assert outcome.exact_ranking, query
        assert not outcome.count_is_estimate, query
        assert outcome.count == _matching(query), query
    assert answered
    assert all(answered)


def test_a_phrase_under_a_filter_and_beside_an_exclusion_equals_full_bm25(compacted, answered):
    filters = Filters(topic_ids=(compacted["broad"].pk,))
    for query in _word_pairs(compacted)[:4]:
        common = compacted["queries"][0]
        _assert_exact(f"{query} -{common}", filters=filters)
        _assert_exact(f"{query} {common}", filters=filters)
    assert answered
    assert all(answered)


def test_many_candidates_are_checked_best_first_and_counted_by_estimate(
    tuned, swapped, answered, checked
):
    tuned(phrase_check_all=5, phrase_first_check=4)

    outcome = _assert_exact('"harbour lighthouse"', k=3)

    assert {result.publication.pk for result in outcome.results} <= set(swapped)
    assert outcome.count_is_estimate
    assert outcome.exact_ranking
    assert 0 < outcome.count <= 40
    assert sum(checked) < 40  # stopped once the top 3 were proven
    assert answered == [True]


def test_past_the_budget_only_the_candidates_it_can_check_are_put_in_order(
    tuned, swapped, answered
):
    tuned(phrase_check_all=5, phrase_first_check=4, phrase_check_budget=12)

    outcome = _assert_exact('"harbour lighthouse"', k=3)

    assert outcome.exact_ranking
    assert answered == [True]


@pytest.mark.parametrize("checkable", [0, 3, 10, 49, 50])
def test_the_candidates_checkable_come_first_in_the_order_a_full_sort_gives(checkable):
    rng = np.random.default_rng(checkable)
    candidates = rng.permutation(1_000)[:50]
    scores = rng.integers(0, 8, size=50).astype(float)  # many ties, broken by id

    order = phrase_ranking._best_first(candidates, scores, checkable)

    full = np.lexsort((candidates, -scores))
    head = min(checkable + 1, 50)
    assert candidates[order][:head].tolist() == candidates[full][:head].tolist()
    assert sorted(order.tolist()) == list(range(50))


def test_every_candidate_is_checked_when_they_are_few_and_the_count_is_exact(
    swapped, answered, checked
):
    outcome = _assert_exact('"harbour lighthouse"', k=10)

    assert outcome.count == 20
    assert not outcome.count_is_estimate
    assert checked == [40]
    assert answered == [True]


def test_with_a_small_budget_the_top_k_found_is_marked_unproven(tuned, swapped):
    tuned(phrase_check_all=5, phrase_check_budget=4)
    ranked = run('"harbour lighthouse"', page_size=10)

    assert len(ranked.results) < 10
    assert not ranked.exact_ranking


def test_documents_changed_since_the_blocks_were_built_hold_the_phrase_as_they_do_now(
    swapped, answered
):
    before = [result.publication.pk for result in run('"harbour lighthouse"').results]
    gained = list(Publication.objects.exclude(pk__in=before).order_by("-pk")[:2])
    retitled(gained, "harbour lighthouse harbour lighthouse")
    retitled([Publication.objects.get(pk=before[0])], "lighthouse harbour")

    outcome = _assert_exact('"harbour lighthouse"', k=10)

    found = [result.publication.pk for result in outcome.results]
    assert {publication.pk for publication in gained} <= set(found)
    assert before[0] not in found
    assert outcome.count == 21
    assert answered == [True, True]


def test_without_blocks_a_phrase_is_ranked_from_the_postings(large_corpus, answered):
    query = _word_pairs(large_corpus)[0]

    _assert_exact(query)

    assert answered == [False]


def test_a_document_whose_score_fell_since_the_blocks_were_built_is_ranked_as_it_is_now(
    swapped, answered
):
    best = run('"harbour lighthouse"', page_size=3).results[0].publication
    # Still holding the phrase, but in a title so long that its score falls below the others'.
    retitled([best], "harbour lighthouse " + " ".join(f"filler{n}" for n in range(40)))

    outcome = _assert_exact('"harbour lighthouse"', k=3)

    assert best.pk not in {result.publication.pk for result in outcome.results}
    assert outcome.count == 20
    assert answered == [True, True]
