"""Plain words ranked by relevance: every document holding any of them matches. Three paths give
the same exact top k; the first that can answer does:

1. A filter narrow enough (`Tuning.narrow_filter` documents) has every document in it scored
   exhaustively (`exhaustive.rescore`): cheaper than hoping the best postings overall include
   some of them.
2. The threshold algorithm over the impact-ordered blocks (`threshold.rank`), for everything
   else, with a broader filter listed up front when it is the whole condition.
3. Exhaustive BM25F over every match (`exhaustive.exact_top`) when the blocks cannot answer:
   never built, too many documents changed since the last compaction, or too many terms.
"""

from __future__ import annotations

import numpy as np

from search.filters import Condition, Filters, capped_count, document_ids
from search.ranking import exhaustive, threshold
from search.ranking.exhaustive import Ranked
from search.ranking.scoring import CollectionStats
from search.ranking.terms import Term
from search.tuning import Tuning


def rank(
    terms: list[Term],
    k: int,
    condition: Condition,
    filters: Filters,
    stats: CollectionStats,
    tuning: Tuning,
    *,
    constrained: bool,
    listed: np.ndarray | None,
) -> Ranked:
    """The exact top k of documents meeting the condition. `listed`: the filter's documents when
    it is the whole condition and was listed (threshold.listed_documents); `constrained`: the
    condition also holds a phrase or exclusion."""
    narrow = None
    if listed is not None:
        narrow = listed.tolist() if len(listed) <= tuning.narrow_filter else None
    elif (
        filters.active and capped_count(condition, tuning.narrow_filter + 1) <= tuning.narrow_filter
    ):
        narrow = document_ids(condition, tuning.narrow_filter)
    if narrow is not None:
        scores = exhaustive.rescore(narrow, _idf(terms), condition, stats)
        return Ranked(scores[:k], True, narrow)
    visible_only = not filters.active and not constrained
    return top_k(terms, k, condition, stats, tuning, listed=listed, visible_only=visible_only)


def top_k(
    terms: list[Term],
    k: int,
    condition: Condition,
    stats: CollectionStats,
    tuning: Tuning,
    *,
    listed: np.ndarray | None = None,
    visible_only: bool = False,
) -> Ranked:
    """The top k from the blocks, or by exhaustive BM25F when they cannot answer."""
    ranked = threshold.rank(
        terms, k, condition, stats, tuning, listed=listed, visible_only=visible_only
    )
    return ranked or exhaustive.exact_top(terms, k, condition, stats, tuning.facet_pool)


def _idf(terms: list[Term]) -> dict[int, float]:
    return {term.id: term.idf for term in terms}
