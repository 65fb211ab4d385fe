"""Phrases ranked from the impact-ordered lists (search.index.blocks), read whole: a
term-at-a-time intersection with score accumulators (Turtle and Flood, "Query evaluation:
strategies and optimizations", 1995), then word order checked best first.

A phrase's candidates are the documents in every one of its words' lists. Read in full from the
blocks (a few rows per word), the lists give the candidates and every candidate's score at once,
in memory, where intersecting the postings in SQL cost many times more. Word order, which
only the text knows, is then checked in score order, a batch at a time, until the page is full:
the first k candidates that hold the phrase are the top k of all that do. Impacts from blocks
built with other averages than today's are only near today's: the order of the checks and where
they stop then allow for `scoring.impact_bounds`, and the top k is scored from the postings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import connections

from search.filters import Condition
from search.index import blocks
from search.ranking.exhaustive import rescore
from search.ranking.lists import Built, Lists, read_lists, stale_holding
from search.ranking.matching import Constraints, in_order
from search.ranking.scoring import CollectionStats, impact_bounds
from search.ranking.terms import Term
from search.ranking.threshold import SLACK
from search.replica import search_db
from search.tuning import Tuning


@dataclass
class PhraseHits:
    scored: list[tuple[int, float]]  # the top k, best first, exact scores
    found: list[int]  # every document checked that holds the phrases
    count: int
    estimated: bool
    complete: bool  # the top k is proven (else fewer were found within the budget)


def rank(
    terms: list[Term],
    constraints: Constraints,
    condition: Condition,
    k: int,
    stats: CollectionStats,
    tuning: Tuning,
) -> PhraseHits | None:
    """The k best documents that meet the condition and hold the phrases in order, or None when
    the blocks cannot answer (never built, too many stale documents, lists longer in all than
    `tuning.phrase_list_postings`). Up to `tuning.phrase_check_all` candidates, every one is
    checked and the count is exact; past it, candidates are checked best first, at most
    `tuning.phrase_check_budget`, and the count is estimated."""
    required = sorted(constraints.required)
    df = {**constraints.required_df, **{term.id: term.df for term in terms}}
    if not required or sum(df.values()) > tuning.phrase_list_postings:
        return None
    with connections[search_db()].cursor() as cursor:
        stale = blocks.stale_documents(cursor, tuning.stale_limit)
        if stale is None:
            return None
        lists, built = read_lists(cursor, sorted(df))
        held_stale = stale_holding(cursor, stale, required, len(required))
    idf = {term.id: term.idf for term in terms}
    scoring = _Scoring(idf, stats, *_bounds(built, idf, stats))
    checkable = max(tuning.phrase_check_all, tuning.phrase_check_budget)
    ranked = _ranked(lists, required, scoring, stale, held_stale, checkable)
    return _checked(ranked, constraints.ordered, condition, scoring, k, tuning)


@dataclass(frozen=True)
class _Scoring:
    """The query's IDFs and statistics, and how far the blocks' scores may be from today's:
    a candidate's exact score is at least `low` and at most `high` times its block score."""

    idf: dict[int, float]
    stats: CollectionStats
    low: float = 1.0
    high: float = 1.0

    def exact(self, docs: list[int]) -> list[tuple[int, float]]:
        return rescore(docs, self.idf, Condition(), self.stats)


def _bounds(built: Built, idf: dict[int, float], stats: CollectionStats) -> tuple[float, float]:
    factors = [impact_bounds(built[term_id], stats) for term_id in idf if term_id in built]
    return min([1.0, *(low for low, _ in factors)]), max([1.0, *(high for _, high in factors)])


def _ranked(
    lists: Lists,
    required: list[int],
    scoring: _Scoring,
    stale: list[int],
    held_stale: list[int],
    checkable: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Every candidate and its score, best first (ties by id) as far as the checks can go: from
    the blocks, stale documents from the postings (their block entries, written before their
    last change, are ignored)."""
    size = 1 + max(
        [int(docs.max()) for parts in lists.values() for docs, _ in parts if len(docs)]
        + stale
        + [0]
    )
    idf = scoring.idf
    holding = np.zeros(size, dtype=np.int32)
    score = np.zeros(size)
    phrase_words = set(required)
    for term_id, parts in lists.items():
        for docs, impacts in parts:
            # A term's postings name each document once: plain fancy indexing adds correctly.
            if term_id in phrase_words:
                holding[docs] += 1
            if term_id in idf:
                score[docs] += idf[term_id] * impacts
    holding[stale] = 0
    candidates = np.flatnonzero(holding == len(required))
    scores = score[candidates]
    if held_stale:
        exact = scoring.exact(held_stale)
        candidates = np.concatenate([candidates, [doc for doc, _ in exact]]).astype(np.int64)
        scores = np.concatenate([scores, [value for _, value in exact]])
    order = _best_first(candidates, scores, checkable)
    return candidates[order], scores[order]


def _best_first(candidates: np.ndarray, scores: np.ndarray, checkable: int) -> np.ndarray:
    """An order of every candidate whose first `checkable` + 1 are the best (by score, then
    id); the rest follow unordered. A word in every document makes every document a candidate,
    and sorting them all cost more than everything else the phrase did."""
    if len(candidates) <= checkable + 1:
        return np.lexsort((candidates, -scores))
    # Everything scoring at least the (checkable + 1)-th best, ties included, sorted.
    threshold = np.partition(scores, len(scores) - checkable - 1)[len(scores) - checkable - 1]
    head = np.flatnonzero(scores >= threshold)
    head = head[np.lexsort((candidates[head], -scores[head]))]
    tail = np.flatnonzero(scores < threshold)
    return np.concatenate([head, tail])


def _checked(
    ranked: tuple[np.ndarray, np.ndarray],
    phrases: list[str],
    condition: Condition,
    scoring: _Scoring,
    k: int,
    tuning: Tuning,
) -> PhraseHits:
    """Word order and the condition, checked on every candidate when they are few, otherwise
    best first until k hold (and no unchecked candidate could tie the k-th)."""
    candidates, scores = ranked
    total = len(candidates)
    if total <= tuning.phrase_check_all:
        found = in_order(candidates.tolist(), phrases, condition)
        holding = _holding(candidates, scores, total, found)
        return PhraseHits(_top(holding, scoring, k), sorted(found), len(found), False, True)
    checked, found = 0, set()
    batch, budget = max(tuning.phrase_first_check, 2 * k), tuning.phrase_check_budget
    while checked < min(total, budget):
        upto = min(checked + batch, total, budget)
        found |= in_order(candidates[checked:upto].tolist(), phrases, condition)
        checked, batch = upto, batch * 2
        holding = _holding(candidates, scores, checked, found)
        if len(holding) >= k:
            # Exact scores are at least `low` times the blocks': so is the k-th.
            kth = holding[k - 1][1] * scoring.low
            if checked == total or scores[checked] * scoring.high < kth - SLACK * abs(kth):
                break
    holding = _holding(candidates, scores, checked, found)
    everything = checked == total
    count = len(found) if everything else round(len(found) * total / checked)
    complete = everything or len(holding) >= k
    return PhraseHits(_top(holding, scoring, k), sorted(found), count, not everything, complete)


def _holding(
    candidates: np.ndarray, scores: np.ndarray, checked: int, found: set[int]
) -> list[tuple[int, float]]:
    """The checked candidates that hold the phrases, best first."""
    pairs = zip(candidates[:checked].tolist(), scores[:checked].tolist(), strict=True)
    return [(doc, score) for doc, score in pairs if doc in found]


def _top(holding: list[tuple[int, float]], scoring: _Scoring, k: int) -> list:
    """The top k in double precision, from the postings (the blocks' impacts are single
    precision, and may have been computed with other averages): the candidates that may reach
    the k-th are rescored with them."""
    if not holding:
        return []
    kth = holding[min(k, len(holding)) - 1][1] * scoring.low
    reach = kth - SLACK * abs(kth)
    near = [doc for doc, score in holding if score * scoring.high >= reach]
    return scoring.exact(near)[:k]
