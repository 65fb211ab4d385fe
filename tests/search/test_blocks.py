"""The impact-ordered blocks: how they are laid out, kept current through compaction, and read by
ranking to the exact top k; and the postings table answering whenever the blocks cannot."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection

from publications.models import Publication, PublicationPage
from search.filters import Condition, Filters, document_condition
from search.index import blocks, statistics
from search.index.writes import index_publications
from search.models import (
    SearchBlock,
    SearchStaleDocument,
    SearchStaleTerm,
    SearchStats,
    SearchTerm,
)
from search.ranking import lists as block_lists
from search.ranking import terms as terms_module
from search.ranking import threshold as block_ranking
from search.ranking import words
from search.ranking.scoring import idf, impact_sql
from search.ranking.terms import resolve_terms
from search.results import counts
from search.results.facets import count_facets
from search.tasks import compact_blocks
from search.tuning import site_tuning
from tests.search.indexed import answers_recorded, run
from tests.search.test_ranking import LARGE, _assert_same_top, _exact, large_corpus  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(monkeypatch) -> list[bool]:
    """Whether the blocks answered each ranking (False: the postings table did)."""
    return answers_recorded(monkeypatch, block_ranking, "rank")


@pytest.fixture
def compacted(large_corpus, tuned):  # noqa: F811
    """The large corpus in small blocks (8 postings, doubling up to 64), so that queries read
    many blocks deep and the bounds are tested, not the first block alone."""
    tuned(first_block=8, largest_block=64)
    blocks.compact(full=True)
    return large_corpus


IMPACTS_SQL = f"""SELECT sp.document_id, {impact_sql()} AS impact FROM search_searchposting sp
                    JOIN search_searchfilterrow l ON l.publication_id = sp.document_id
                   WHERE sp.term_id = %(term)s ORDER BY impact DESC"""  # noqa: S608 (constants)


def _postings_best_first(term_id: int) -> list[tuple[int, float]]:
    """A term's postings with their impacts under today's averages, best first."""
    with connection.cursor() as cursor:
        cursor.execute(
            IMPACTS_SQL,
            {"term": term_id, **statistics.current().averages()},
        )
        return cursor.fetchall()


def _blocks_of(term_id: int) -> list[SearchBlock]:
    return list(SearchBlock.objects.filter(term_id=term_id).order_by("number"))


def _decoded(block: SearchBlock) -> list[tuple[int, float]]:
    documents = np.frombuffer(bytes(block.documents), dtype=">i8").tolist()
    impacts = np.frombuffer(bytes(block.impacts), dtype=">f4").tolist()
    return list(zip(documents, impacts, strict=True))


def _assert_blocks_match_postings(term_id: int) -> None:
    postings = _postings_best_first(term_id)
    stored = _blocks_of(term_id)
    ends = blocks.block_ends(len(postings), site_tuning())
    assert [block.number for block in stored] == list(range(len(stored)))
    assert [block.size for block in stored] == [
        min(end, len(postings)) - start
        for start, end in zip([0, *ends], ends, strict=False)
        if start < len(postings)
    ]
    decoded = [row for block in stored for row in _decoded(block)]
    assert [impact for _, impact in decoded] == pytest.approx(
        [impact for _, impact in postings], rel=1e-6
    )
    by_document = dict(postings)
    assert sorted(dict(decoded)) == sorted(by_document)
    assert [impact for _, impact in decoded] == pytest.approx(
        [by_document[document] for document, _ in decoded], rel=1e-6
    )
    for block in stored:
        assert block.floor == pytest.approx(min(impact for _, impact in _decoded(block)), rel=1e-6)


def test_the_blocks_hold_every_posting_of_a_term_best_first_in_doubling_runs(compacted):
    longest = SearchTerm.objects.order_by("-df").first()
    assert longest.df > 64 * 4  # several blocks of the largest size
    for term in [longest, *SearchTerm.objects.filter(df__gt=0).order_by("id")[:40]]:
        _assert_blocks_match_postings(term.pk)
    assert not SearchStaleDocument.objects.exists()
    assert SearchStats.objects.get(pk=1).blocks_built_at is not None


def test_blocks_read_in_binary_are_the_rows_the_text_protocol_reads(compacted):
    longest = SearchTerm.objects.order_by("-df").first()
    term_ids = [longest.pk, *SearchTerm.objects.order_by("id").values_list("pk", flat=True)[:5]]
    params = {"terms": term_ids}

    with connection.cursor() as cursor:
        cursor.execute(block_lists.READ_ALL_SQL, params)
        as_text = sorted(cursor.fetchall())
        as_binary = sorted(block_lists.fetch_blocks(cursor, block_lists.READ_ALL_SQL, params))

    assert len(as_text) > len(term_ids)  # the longest word has several blocks
    assert as_binary == as_text
    # The lists decoded from them hold every posting of each word.
    with connection.cursor() as cursor:
        lists, _ = block_lists.read_lists(cursor, [longest.pk])
    assert sum(len(docs) for docs, _ in lists[longest.pk]) == longest.df


@pytest.mark.parametrize("k", [10, 30])
def test_the_top_k_read_from_the_blocks_equals_full_bm25(compacted, answered, k):
    for query in compacted["queries"]:
        outcome = run(query, page_size=k)

        found = [(r.publication.pk, r.score) for r in outcome.results]
        _assert_same_top(found, _exact(query, Filters(), k), query)
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
        _assert_same_top(found, _exact(query, filters, 10), query)
    assert answered
    assert all(answered)


def _retitled(publications: list[Publication], title: str) -> list[int]:
    for publication in publications:
        publication.title = title
        publication.save(update_fields=["title"])
    ids = [publication.pk for publication in publications]
    index_publications(ids)
    return ids


def test_documents_changed_since_the_blocks_were_built_are_ranked_as_they_are_now(
    compacted, answered
):
    word = compacted["queries"][3]  # a rare word on its own
    winners = list(Publication.objects.exclude(title__icontains=word).order_by("pk")[:4])
    changed = _retitled(winners, f"{word} {word} {word}")

    stale = outcome = run(word, page_size=10)
    assert set(changed) <= {r.publication.pk for r in stale.results[:4]}
    assert set(SearchStaleDocument.objects.values_list("document_id", flat=True)) == set(changed)

    rebuilt = blocks.compact()

    outcome = run(word, page_size=10)
    assert [r.publication.pk for r in outcome.results] == [r.publication.pk for r in stale.results]
    _assert_same_top(
        [(r.publication.pk, r.score) for r in outcome.results], _exact(word, Filters(), 10), word
    )
    assert 0 < rebuilt < SearchTerm.objects.count()
    assert not SearchStaleDocument.objects.exists()
    assert not SearchStaleTerm.objects.exists()
    assert all(answered)
    for term_id in SearchBlock.objects.values_list("term_id", flat=True).distinct():
        _assert_blocks_match_postings(term_id)


def test_a_word_a_document_no_longer_holds_leaves_its_blocks_at_compaction(compacted, answered):
    word = compacted["queries"][3]
    holders = [r.publication for r in run(word, page_size=3).results]
    _retitled(holders, "Retitled without it")
    blocks.compact()  # the word's blocks are rebuilt: it was among the terms they lost

    outcome = run(word, page_size=10)

    assert not {holder.pk for holder in holders} & {r.publication.pk for r in outcome.results}
    for term_id in SearchBlock.objects.values_list("term_id", flat=True).distinct():
        _assert_blocks_match_postings(term_id)  # no entry left behind
    _assert_same_top(
        [(r.publication.pk, r.score) for r in outcome.results], _exact(word, Filters(), 10), word
    )
    assert all(answered)


def test_too_many_stale_documents_and_the_postings_table_answers(tuned, compacted, answered):
    tuned(stale_limit=3)
    word = compacted["queries"][3]
    _retitled(list(Publication.objects.order_by("pk")[:4]), word)

    outcome = run(word, page_size=10)

    assert answered == [False]
    _assert_same_top(
        [(r.publication.pk, r.score) for r in outcome.results], _exact(word, Filters(), 10), word
    )


def test_an_index_whose_blocks_were_never_built_ranks_from_the_postings(large_corpus, answered):  # noqa: F811
    outcome = run(large_corpus["queries"][1], page_size=10)

    assert answered == [False]
    assert outcome.results


def test_a_document_listed_while_a_compaction_ran_stays_listed(compacted, monkeypatch):
    word = compacted["queries"][3]
    first = _retitled(list(Publication.objects.order_by("pk")[:1]), word)
    later = Publication.objects.order_by("pk")[1].pk
    rebuild = blocks._rebuild_terms

    def with_a_write_meanwhile(*args, **kwargs):
        rebuild(*args, **kwargs)
        blocks.mark_stale([later], [])  # as an indexer committing during the compaction

    monkeypatch.setattr(blocks, "_rebuild_terms", with_a_write_meanwhile)

    blocks.compact()

    assert list(SearchStaleDocument.objects.values_list("document_id", flat=True)) == [later]
    assert first[0] != later


def test_the_beat_task_and_the_command_compact(compacted):
    _retitled(list(Publication.objects.order_by("pk")[:2]), "Anything at all")

    assert compact_blocks() > 0
    assert not SearchStaleDocument.objects.exists()

    call_command("compact_search_index", "--full", stdout=(out := _Output()))
    assert f"Rebuilt the blocks of {SearchTerm.objects.count()} terms." in out.text


class _Output:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text


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
        exact = [(doc, score / scale) for doc, score in _exact(query, Filters(), 10)]
        _assert_same_top(found, exact, query)
        holding = len(_exact(query, Filters(), LARGE))  # hundreds to thousands
        assert sum(scored) < holding / 4, query


@pytest.mark.parametrize("compact_after", [False, True])
def test_a_document_dated_in_the_future_is_never_returned_from_the_blocks(
    compacted, answered, compact_after
):
    word = compacted["queries"][3]
    best = run(word, page_size=3).results[0].publication
    best.publication_date = datetime.date.today() + datetime.timedelta(days=30)
    best.save(update_fields=["publication_date"])
    index_publications([best.pk])  # stale until compacted: scored from the postings
    if compact_after:
        blocks.compact()

    outcome = run(word, page_size=10)

    assert best.pk not in {result.publication.pk for result in outcome.results}
    _assert_same_top(
        [(r.publication.pk, r.score) for r in outcome.results], _exact(word, Filters(), 10), word
    )
    assert all(answered)


def _matches(query: str, filters: Filters) -> list[int]:
    """Every document the query matches under the filters, by full BM25F with no limit."""
    return [doc for doc, _ in _exact(query, filters, 10**6)]


@pytest.mark.parametrize("filtered", ["none", "broad topic", "narrow topic", "years"])
def test_a_count_and_its_facets_from_the_blocks_equal_those_of_the_matches(
    compacted, monkeypatch, filtered
):
    counted_from_blocks = answers_recorded(monkeypatch, block_lists, "holding_any")
    filters = {
        "none": Filters(),
        "broad topic": Filters(topic_ids=(compacted["broad"].pk,)),
        "narrow topic": Filters(topic_ids=(compacted["narrow"].pk,)),
        "years": Filters(published_after=datetime.date(2016, 1, 1)),
    }[filtered]
    word = compacted["queries"][3]
    # Changed since the blocks were built, both inside the filter: one gains the word, one
    # loses it.
    holders = set(_matches(word, Filters()))
    listed = [result.publication for result in run("", page_size=50, filters=filters).results]
    gaining = next(publication for publication in listed if publication.pk not in holders)
    losing = run(word, page_size=1, filters=filters).results[0].publication
    Publication.objects.filter(pk=losing.pk).update(abstract="")
    PublicationPage.objects.filter(publication=losing).delete()
    _retitled([gaining], f"{word} gained")
    _retitled([losing], "Lost it")
    # Scheduled: indexed, not shown until its date.
    hidden = run(word, page_size=2, filters=filters).results[1].publication
    Publication.objects.filter(pk=hidden.pk).update(
        publication_date=datetime.date.today() + datetime.timedelta(days=30)
    )
    index_publications([hidden.pk])
    assert hidden.pk not in _matches(word, filters)
    assert losing.pk not in _matches(word, Filters())

    for query in [word, *(q for q in compacted["queries"][::3] if '"' not in q and "-" not in q)]:
        outcome = run(query, page_size=10, filters=filters)
        matches = _matches(query, filters)

        assert outcome.count == len(matches), query
        assert not outcome.count_is_estimate, query
        if len(matches) <= site_tuning().facet_exact_limit:
            expected = count_facets(
                Condition(["d.publication_id = ANY(%(ids)s)"], {"ids": matches}),
                limit=len(matches) or 1,
                estimated=False,
            )
            assert outcome.facets.as_dict() == expected.as_dict(), query
    assert counted_from_blocks
    assert all(counted_from_blocks)


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

        _assert_same_top(ranked.scores, _exact(query, Filters(), 10), query)
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
    exact = dict(_exact(query, Filters(), 10**6))
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
    _assert_same_top(found, _exact(query, Filters(), 10), query)
    # The first candidates (k + 50 best lower bounds) are scored before any budget applies;
    # read whole, every later candidate's score is known from the blocks: only the answer's ten
    # are scored again from the postings (in double precision).
    assert probed == [10 + 50, 10]


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

    _assert_same_top(ranked.scores, _exact(query, Filters(), 10), query)
    # Lists read to the end leave nothing to probe but the answer; else candidates are probed.
    assert (probed == [10]) is lists_read_whole, probed


@pytest.mark.parametrize("exact_limit", [10_000, 3])
def test_a_listed_filter_is_not_counted_again_for_words_too_common_to_count(
    tuned, compacted, monkeypatch, exact_limit
):
    # Too common for the blocks' count: counted in SQL over the filter (few enough documents)
    # or estimated from the filter's size, which the listing already knows.
    tuned(countable_postings=0, narrow_filter=0, exact_count_limit=exact_limit)
    filters = Filters(topic_ids=(compacted["broad"].pk,))
    listed = len(_matches_filter(filters))
    counted = answers_recorded(monkeypatch, counts, "capped_count")
    counted += answers_recorded(monkeypatch, words, "capped_count")
    word = compacted["queries"][3]

    outcome = run(word, page_size=10, filters=filters)

    assert counted == []
    matches = _matches(word, filters)
    if exact_limit >= len(matches):
        assert (outcome.count, outcome.count_is_estimate) == (len(matches), False)
    else:
        assert outcome.count_is_estimate
        assert 0 < outcome.count <= listed


def _matches_filter(filters: Filters) -> list[int]:
    condition = document_condition(filters)
    with connection.cursor() as cursor:
        listing = "SELECT d.publication_id FROM search_searchdocument d WHERE {where}"
        cursor.execute(listing.format(where=condition.where()), condition.params)
        return [row[0] for row in cursor.fetchall()]
