"""How many documents a query matches: exact up to `Tuning.exact_count_limit` when counting is
cheap, otherwise an estimate from the document frequencies (the chance a document holds any of
the terms), scaled by the filters. Facets come with an exact count when the matches are few
enough (`Tuning.facet_exact_limit`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np

from search.filters import Condition, Filters, capped_count
from search.ranking import lists, matching
from search.ranking.terms import Term
from search.results.facets import Facets, count_facets, counted_facets
from search.tuning import Tuning


@dataclass
class Count:
    count: int
    estimated: bool
    facets: Facets | None  # counted with the matches when there were few enough


def count_words(
    terms: list[Term],
    condition: Condition,
    documents: int,
    filters: Filters,
    tuning: Tuning,
    *,
    plain: bool,
    now: datetime.datetime,
    listed: np.ndarray | None = None,
) -> Count:
    """The matches of plain words (any of the terms) under the condition. Plain words, alone or
    in a listed filter, are counted from the blocks' whole lists (else from the postings)."""
    term_ids = [term.id for term in terms]
    limit = tuning.exact_count_limit
    countable = sum(term.df for term in terms) <= tuning.countable_postings
    if countable and (plain or listed is not None):
        matches = lists.holding_any(term_ids, listed, now=now, stale_limit=tuning.stale_limit)
        if matches is not None:
            return counted(matches.tolist(), tuning)
    if countable and plain:
        # Counted from the postings alone; the matches are read only when few enough for facets.
        count = matching.count_any(terms, now)
        if count > limit:
            return estimate(terms, condition, documents, filters, tuning)
        if count > tuning.facet_exact_limit:
            return Count(count, False, None)
    # A listed filter's size is known: no need to count its documents again.
    filtered = len(listed) if listed is not None else None
    source = None
    if countable:
        source = matching.holding_any_source(condition)
    elif filters.active and _filter_size(condition, filtered, limit + 1) <= limit:
        holding = matching.holding_any(condition, terms)
        source = f"{holding.table} d WHERE {holding.where()}"
    if source is not None:
        params = {**condition.params, "term_ids": term_ids}
        count, facets = counted_facets(source, params, limit=limit + 1, estimated=False)
        if count <= limit:
            return Count(count, False, facets)
    return estimate(terms, condition, documents, filters, tuning, filtered)


def counted(matches: list[int], tuning: Tuning) -> Count:
    """The matches are known: their number, and their facets when few enough."""
    if len(matches) > tuning.facet_exact_limit:
        return Count(len(matches), False, None)
    facets = count_facets(Condition().within(matches), limit=len(matches) or 1, estimated=False)
    return Count(len(matches), False, facets)


def estimate(
    terms: list[Term],
    condition: Condition,
    documents: int,
    filters: Filters,
    tuning: Tuning,
    filtered: int | None = None,
) -> Count:
    miss = 1.0
    for term in terms:
        miss *= 1 - min(term.df, documents) / max(documents, 1)
    estimate = documents * (1 - miss)
    if filters.active:
        size = _filter_size(condition, filtered, tuning.exact_count_limit)
        estimate *= min(1.0, size / max(documents, 1))
    count = max(int(estimate), tuning.exact_count_limit + 1 if not filters.active else 0)
    return Count(count, True, None)


def _filter_size(condition: Condition, known: int | None, cap: int) -> int:
    """How many documents the filter holds (counted up to `cap` unless already known)."""
    return known if known is not None else capped_count(condition, cap)
