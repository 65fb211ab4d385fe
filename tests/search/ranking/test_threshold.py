"""The threshold algorithm over the blocks: the exact top k under filters, with documents
changed since the blocks were built, past its budgets; exhaustive scoring when the blocks cannot
answer."""

from __future__ import annotations

import datetime

import pytest

from publications.models import Publication, start_of_day
from search.filters import Filters, document_condition
from search.index import blocks, statistics
from search.index.writes import index_publications
from search.models import (
    SearchBlock,
    SearchStaleDocument,
    SearchStaleTerm,
    SearchTerm,
)
from search.ranking import terms as terms_module
from search.ranking import threshold as block_ranking
from search.ranking.scoring import idf
from search.ranking.terms import resolve_terms
from search.tuning import site_tuning
from tests.search.corpus import LARGE, assert_same_top, exact_top, retitled
from tests.search.indexed import assert_blocks_match_postings, run

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("k", [10, 30])
def test_the_top_k_read_from_the_blocks_equals_full_bm25(compacted, answered, k):
    for query in compacted["queries"]:
        outcome = run(query, page_size=k)

        found = [(r.publication.pk, r.score) for r in outcome.results]
        assert_same_top(found, exact_top(query, Filters(), k), query)
        assert outcome.exact_ranking, query
    assert answered
    assert all(answered)


@pytest.mark.parametrize("filtered", ["broad topic", "narrow topic", "type", "years"])
def test_the_top_10_read_from_the_blocks_equals_full_bm25_under_filters(
    tuned, compacted, answered, filtered
):
    # Scored through the filter as such, not as the handful a narrow filter is scored as.
    tuned(narrow_filter=0)
    filters = {
        "broad topic": Filters(topic_ids=(compacted["broad"].pk,)),
        "narrow topic": Filters(topic_ids=(compacted["narrow"].pk,)),
        "type": Filters(types=("report",)),
        "years": Filters(published_after=datetime.date(2006, 1, 1)),
    }[filtered]

    _assert_exact_from_blocks(compacted["queries"][::2], filters, answered)


def test_a_filter_too_broad_to_list_is_checked_on_the_candidates(tuned, compacted, answered):
    tuned(narrow_filter=0, listed_filter=10)
    filters = Filters(topic_ids=(compacted["narrow"].pk,))

    _assert_exact_from_blocks(compacted["queries"][::2], filters, answered)


def _assert_exact_from_blocks(queries: list[str], filters: Filters, answered: list[bool]) -> None:
    for query in queries:
        outcome = run(query, page_size=10, filters=filters)

        found = [(r.publication.pk, r.score) for r in outcome.results]
        assert_same_top(found, exact_top(query, filters, 10), query)
    assert answered
    assert all(answered)


def test_documents_changed_since_the_blocks_were_built_are_ranked_as_they_are_now(
    compacted, answered
):
    word = compacted["queries"][3]  # a rare word on its own
    winners = list(Publication.objects.exclude(title__icontains=word).order_by("pk")[:4])
    changed = retitled(winners, f"{word} {word} {word}")

    stale = outcome = run(word, page_size=10)
    assert set(changed) <= {r.publication.pk for r in stale.results[:4]}
    assert set(SearchStaleDocument.objects.values_list("document_id", flat=True)) == set(changed)

    rebuilt = blocks.compact()

    outcome = run(word, page_size=10)
    assert [r.publication.pk for r in outcome.results] == [r.publication.pk for r in stale.results]
    assert_same_top(
        [(r.publication.pk, r.score) for r in outcome.results], exact_top(word, Filters(), 10), word
    )
    assert 0 < rebuilt < SearchTerm.objects.count()
    assert not SearchStaleDocument.objects.exists()
    assert not SearchStaleTerm.objects.exists()
    assert all(answered)
    for term_id in SearchBlock.objects.values_list("term_id", flat=True).distinct():
        assert_blocks_match_postings(term_id)


def test_too_many_stale_documents_and_the_postings_table_answers(tuned, compacted, answered):
    tuned(stale_limit=3)
    word = compacted["queries"][3]
    retitled(list(Publication.objects.order_by("pk")[:4]), word)

    outcome = run(word, page_size=10)

    assert answered == [False]
    assert_same_top(
        [(r.publication.pk, r.score) for r in outcome.results], exact_top(word, Filters(), 10), word
    )


def test_an_index_whose_blocks_were_never_built_ranks_from_the_postings(large_corpus, answered):
    outcome = run(large_corpus["queries"][1], page_size=10)

    assert answered == [False]
    assert outcome.results


def test_words_in_nearly_every_document_prune_as_well_as_any(compacted, monkeypatch):
    # In a large index such words weigh almost nothing (IDF near 0), so every score is tiny, yet
    # documents still differ by their impacts: the bounds' room for rounding must be relative.
    scale = 1e-7
    monkeypatch.setattr(terms_module, "idf", lambda documents, df: scale * idf(documents, df))
    scored: list[int] = []
    score = block_ranking._Search._score

    def counting(self, docs, complete):
        scored.append(len(docs))
        return score(self, docs, complete)

    monkeypatch.setattr(block_ranking._Search, "_score", counting)
    common = compacted["queries"][1::8]  # two of the forty commonest words

    for query in common:
        scored.clear()
        terms, _ = resolve_terms(query, statistics.current().documents)

        ranked = block_ranking.rank(
            terms, 10, document_condition(Filters()), statistics.current(), site_tuning()
        )

        found = [(doc, score / scale) for doc, score in ranked.scores]
        exact = [(doc, score / scale) for doc, score in exact_top(query, Filters(), 10)]
        assert_same_top(found, exact, query)
        holding = len(exact_top(query, Filters(), LARGE))  # hundreds to thousands
        assert sum(scored) < holding / 4, query


@pytest.mark.parametrize("compact_after", [False, True])
def test_a_document_dated_in_the_future_is_never_returned_from_the_blocks(
    compacted, answered, compact_after
):
    word = compacted["queries"][3]
    best = run(word, page_size=3).results[0].publication
    best.publication_date = datetime.date.today() + datetime.timedelta(days=30)
    best.release_at = start_of_day(best.publication_date)
    best.refresh_release()  # scheduled, as the services make it
    best.save(update_fields=["publication_date", "release_at", "status", "visible_from"])
    index_publications([best.pk])  # stale until compacted: scored from the postings
    if compact_after:
        blocks.compact()

    outcome = run(word, page_size=10)

    assert best.pk not in {result.publication.pk for result in outcome.results}
    assert_same_top(
        [(r.publication.pk, r.score) for r in outcome.results], exact_top(word, Filters(), 10), word
    )
    assert all(answered)


def test_a_document_that_cannot_reach_the_kth_score_is_never_bounded_again(
    tuned, compacted, monkeypatch
):
    # Small scoring batches and no lists read whole: many passes, so pruning has passes after it.
    tuned(scoring_batch=5, postings_per_probe=0)
    passes: list[tuple[set[int], set[int]]] = []  # (documents bounded, those pruned) per pass
    upper_bounds = block_ranking._Search._upper

    def recording(self, docs):
        upper, complete = upper_bounds(self, docs)
        kth = self._kth()
        pruned = docs[upper < kth - block_ranking.SLACK * abs(kth)]
        passes.append((set(docs.tolist()), set(pruned.tolist())))
        return upper, complete

    monkeypatch.setattr(block_ranking._Search, "_upper", recording)
    checked = 0
    plain = [query for query in compacted["queries"] if not set(query) & set('"-')]
    for query in plain[:8]:
        passes.clear()
        terms, _ = resolve_terms(query, statistics.current().documents)

        ranked = block_ranking.rank(
            terms, 10, document_condition(Filters()), statistics.current(), site_tuning()
        )

        assert_same_top(ranked.scores, exact_top(query, Filters(), 10), query)
        pruned_before: set[int] = set()
        for bounded, pruned in passes:
            assert not bounded & pruned_before, query
            checked += len(pruned_before)
            pruned_before |= pruned
    assert checked  # some passes came after a pruning, so the check above checked something


def test_past_the_read_budget_the_best_scored_are_returned_marked_unproven(
    tuned, compacted, answered
):
    tuned(block_read_budget=10)
    # Nothing read whole, neither past the budget nor to save probes.
    tuned(read_all_postings=10, postings_per_probe=0)
    query = compacted["queries"][5]  # twelve words, common ones among them

    outcome = run(query, page_size=10)

    assert answered == [True]
    assert not outcome.exact_ranking
    found = [(r.publication.pk, r.score) for r in outcome.results]
    assert len(found) == 10
    exact = dict(exact_top(query, Filters(), 10**6))
    # Unproven, yet every score is the document's own and the order is by score.
    expected = [exact[doc] for doc, _ in found]
    assert [score for _, score in found] == pytest.approx(expected, abs=1e-4)
    assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)


def test_past_the_read_budget_lists_short_enough_are_read_whole_and_the_answer_proven(
    tuned, compacted, answered, monkeypatch
):
    tuned(block_read_budget=10, postings_per_probe=0)  # only the budget reads whole
    probed = _probes_recorded(monkeypatch)
    query = compacted["queries"][5]  # twelve words, common ones among them

    outcome = run(query, page_size=10)

    assert answered == [True]
    assert outcome.exact_ranking
    found = [(r.publication.pk, r.score) for r in outcome.results]
    assert_same_top(found, exact_top(query, Filters(), 10), query)
    # The first candidates (k + 50 best lower bounds) are scored before any budget applies;
    # read whole, every later candidate's score is known from the blocks: only those of the
    # answer's ten are scored again from the postings (in double precision).
    assert len(probed) == 2, probed
    assert probed[0] == 10 + 50
    assert 0 < probed[1] < 10


def test_every_score_of_the_answer_is_read_from_the_postings_in_double_precision(
    tuned, compacted, monkeypatch
):
    # As above: some of the answer settled from the blocks' single-precision impacts, some
    # scored from the postings on the way.
    tuned(block_read_budget=10, postings_per_probe=0)
    query = compacted["queries"][5]
    stats = statistics.current()
    terms, _ = resolve_terms(query, stats.documents)

    ranked = block_ranking.rank(terms, 10, document_condition(Filters()), stats, site_tuning())

    exact = dict(exact_top(query, Filters(), 10**6))
    scores = [score for _, score in ranked.scores]
    # Single precision is off by about 1e-7 of a score; double precision by rounding alone.
    assert scores == pytest.approx([exact[doc] for doc, _ in ranked.scores], rel=1e-12, abs=0)
    assert scores == sorted(scores, reverse=True)


def _probes_recorded(monkeypatch) -> list[int]:
    """How many documents each scoring from the postings was asked about."""
    probed: list[int] = []
    rescore = block_ranking.rescore

    def recording(candidates, idf, condition, stats):
        probed.append(len(candidates))
        return rescore(candidates, idf, condition, stats)

    monkeypatch.setattr(block_ranking, "rescore", recording)
    return probed


@pytest.mark.parametrize(("postings_per_probe", "lists_read_whole"), [(0, False), (10**9, True)])
def test_candidates_are_probed_or_their_lists_read_to_the_end_whichever_costs_less(
    tuned, compacted, monkeypatch, postings_per_probe, lists_read_whole
):
    tuned(postings_per_probe=postings_per_probe)
    probed = _probes_recorded(monkeypatch)
    query = compacted["queries"][5]
    terms, _ = resolve_terms(query, statistics.current().documents)

    ranked = block_ranking.rank(
        terms, 10, document_condition(Filters()), statistics.current(), site_tuning()
    )

    assert_same_top(ranked.scores, exact_top(query, Filters(), 10), query)
    # Lists read to the end leave nothing to probe but the answer; else candidates are probed.
    assert (probed == [10]) is lists_read_whole, probed


def test_candidates_that_can_no_longer_reach_the_kth_score_are_dropped_unread(
    tuned, compacted, answered, monkeypatch
):
    # Never read to the end instead of probing: the candidates are scored in batches of 500.
    tuned(postings_per_probe=0)
    probed = _probes_recorded(monkeypatch)

    def answers() -> list[list[tuple[int, float]]]:
        return [
            [(r.publication.pk, r.score) for r in run(query, page_size=10).results]
            for query in compacted["queries"]
        ]

    in_runs = answers()
    dropping = sum(probed)
    probed.clear()
    # The same batches scored whole, as before runs: every candidate of a batch probed.
    monkeypatch.setattr(
        block_ranking._Search,
        "_score_in_runs",
        lambda search, docs, complete, upper: search._score(docs, complete),
    )
    whole = answers()

    assert all(answered)
    for query, found, before in zip(compacted["queries"], in_runs, whole, strict=True):
        assert_same_top(found, exact_top(query, Filters(), 10), query)
        assert found == before, query
    # Each run raised the k-th score, and candidates that could no longer reach it were
    # dropped before their postings were read.
    assert dropping < sum(probed) * 0.8, (dropping, sum(probed))
