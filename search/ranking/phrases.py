"""Phrases: the documents holding all their words are the candidates, and word order, which only
the text knows, is checked on candidates alone. Three paths, the first that can answer does:

1. From the blocks' whole lists (`phrase_lists.rank`): candidates and their scores in memory,
   checked best first.
2. Without the blocks, the intersection of the words' postings (`matching.holding_all`) while
   it is small enough: every candidate checked, then scored exhaustively; the count is exact.
3. Otherwise, candidates in rank order (`words.top_k`, or by date), checked a batch at a time
   until a page holds the phrase: in rank order, the first k that hold it are the top k of all
   that do. Within `Tuning.phrase_check_budget` checks; past it the count is estimated and the
   page may be short (marked incomplete).
"""

from __future__ import annotations

from dataclasses import dataclass

from search.filters import Condition, by_date
from search.ranking import exhaustive, matching, phrase_lists, words
from search.ranking.phrase_lists import PhraseHits
from search.ranking.scoring import CollectionStats
from search.ranking.terms import Term
from search.tuning import Tuning


@dataclass(frozen=True)
class _Phrases:
    terms: list[Term]
    required: matching.Constraints
    condition: Condition
    k: int
    stats: CollectionStats
    tuning: Tuning
    sort: str


def rank(
    terms: list[Term],
    required: matching.Constraints,
    condition: Condition,
    k: int,
    stats: CollectionStats,
    tuning: Tuning,
    *,
    sort: str,
) -> PhraseHits:
    """The first k documents (by `sort`) meeting the condition and holding the phrases."""
    if sort == "relevance":
        ranked = phrase_lists.rank(terms, required, condition, k, stats, tuning)
        if ranked is not None:
            return ranked
    query = _Phrases(terms, required, condition, k, stats, tuning, sort)
    if sum(required.required_df.values()) <= tuning.phrase_intersected_postings:
        check_all = tuning.phrase_intersection_check_all
        candidates = matching.holding_all(sorted(required.required), check_all + 1)
        if len(candidates) <= check_all:
            return _all_checked(query, candidates)
    return _checked_in_order(query)


def _all_checked(query: _Phrases, candidates: list[int]) -> PhraseHits:
    ids = sorted(matching.in_order(candidates, query.required.ordered, query.condition))
    if query.sort == "relevance":
        idf = {term.id: term.idf for term in query.terms}
        scored = exhaustive.rescore(ids, idf, Condition(), query.stats)[: query.k]
    else:
        scored = by_date(Condition().within(ids), query.k, newest=query.sort == "newest")
    return PhraseHits(scored, ids, len(ids), False, True)


def _checked_in_order(query: _Phrases) -> PhraseHits:
    k, budget, required = query.k, query.tuning.phrase_check_budget, query.required
    depth, checked, found = max(4 * k, 50), set(), set()
    while True:
        if query.sort == "relevance":
            ranked = words.top_k(query.terms, depth, query.condition, query.stats, query.tuning)
            ordered, exact = ranked.scores, ranked.exact
        else:
            holding = matching.holding_any(query.condition, query.terms)
            ordered, exact = by_date(holding, depth, newest=query.sort == "newest"), True
        unchecked = [doc for doc, _ in ordered if doc not in checked]
        found |= matching.in_order(unchecked, required.ordered)
        checked.update(unchecked)
        scored = [(doc, score) for doc, score in ordered if doc in found]
        exhausted = len(ordered) < depth
        if len(scored) >= k or exhausted or len(checked) >= budget:
            break
        depth = min(depth * 8, budget)
    ids = sorted(found)
    if exhausted:
        count, estimated = len(ids), False
    else:
        documents = query.stats.documents
        holding_all = documents
        for term_id in required.required:
            holding_all *= min(1.0, required.required_df[term_id] / max(documents, 1))
        count, estimated = max(len(ids), int(holding_all * len(ids) / len(checked))), True
    complete = exact and (len(scored) >= k or exhausted)
    return PhraseHits(scored[:k], ids, count, estimated, complete)
