"""Search as one read: parse, rank (bounded), count, facet, highlight, suggest."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db import connections

from publications.models import Author, Publication, Topic, site_today
from search.filters import Condition, Filters, document_condition
from search.index import statistics
from search.query import ParsedQuery, parse
from search.ranking import exhaustive as ranking
from search.ranking import lists as block_lists
from search.ranking import matching
from search.ranking import phrase_lists as phrase_ranking
from search.ranking import threshold as block_ranking
from search.ranking.scoring import CollectionStats
from search.ranking.terms import Term, resolve_terms, tsquery_any
from search.replica import search_db
from search.results import selectors, snippets
from search.results.facets import Facets, count_facets, counted_facets
from search.results.suggestions import suggest

SORTS = ("relevance", "newest", "oldest")
EXACT_COUNT_LIMIT = 10_000
# Under this many documents a filter is narrow enough to score all of them exactly.
NARROW_FILTER = 2_000
# Counting the matches of terms this frequent costs more than an estimate is worth.
COUNTABLE_POSTINGS = 50_000
# When at most this many documents hold all of a phrase's words, word order is checked in all of
# them; otherwise in the order shown, on at most PHRASE_CHECK_BUDGET.
PHRASE_CHECK_ALL = 3_000
# Intersecting the phrase words' postings is worth it up to this many postings in all.
PHRASE_INTERSECTED_POSTINGS = 200_000
# Facets are counted over every match up to this many; past it, over the candidates ranking read.
FACET_EXACT_LIMIT = 2_000
PHRASE_CHECK_BUDGET = 640


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    filters: Filters = field(default_factory=Filters)
    page: int = 1
    page_size: int = 20
    sort: str = "relevance"


@dataclass
class Result:
    publication: Publication
    authors: list[Author]
    topics: list[Topic]
    score: float | None
    snippet: str = ""
    pages: list[int] = field(default_factory=list)


@dataclass
class SearchOutcome:
    query: ParsedQuery
    results: list[Result]
    count: int
    count_is_estimate: bool
    facets: Facets
    suggestion: str | None = None
    exact_ranking: bool = True


def search(request: SearchRequest) -> SearchOutcome:
    """The page of results for this request, with counts, facets and a suggestion."""
    parsed = parse(request.query)
    stats = statistics.current()
    terms, unknown = resolve_terms(parsed.ranking_text(), stats.documents)
    required = matching.constraints(parsed)
    constrained = required.condition()
    condition = document_condition(request.filters).joined(constrained)
    k = request.page * request.page_size
    if parsed.is_empty:
        return _listing(parsed, request, condition, k, stats.documents)
    if not terms or required.impossible:
        return SearchOutcome(parsed, [], 0, False, Facets(), _suggestion(parsed, unknown))
    if required.ordered:
        hits = _phrase_hits(terms, condition, required, request, k, stats)
    else:
        hits = _word_hits(terms, condition, request, k, stats, constrained=bool(constrained.sql))
    page = hits.scored[(request.page - 1) * request.page_size : k]
    results = _results(page, tsquery_any(terms), with_scores=request.sort == "relevance")
    return SearchOutcome(
        parsed,
        results,
        hits.count,
        hits.estimated,
        hits.facets,
        _suggestion(parsed, unknown),
        hits.exact,
    )


@dataclass
class _Hits:
    scored: list[tuple[int, float | None]]
    count: int
    estimated: bool
    facets: Facets
    exact: bool = True


def _word_hits(
    terms: list[Term],
    condition: Condition,
    request: SearchRequest,
    k: int,
    stats: CollectionStats,
    *,
    constrained: bool,
) -> _Hits:
    """Plain words: every document holding any of them matches. A filter with nothing else
    in the condition is listed once, for the ranking and the count."""
    plain = not request.filters.active and not constrained
    listed = None
    if request.filters.active and not constrained:
        listed = block_ranking.listed_documents(condition)
    counted = _count(terms, condition, stats.documents, request.filters, plain=plain, listed=listed)
    if request.sort == "relevance":
        ranked = _rank(
            terms, k, condition, request.filters, stats, constrained=constrained, listed=listed
        )
        scored, exact, pool = ranked.scores, ranked.exact, ranked.pool
    else:
        holding = _holding_any(condition, terms)
        scored, exact, pool = _by_date(holding, k, newest=request.sort == "newest"), True, []
    facets = counted.facets
    if facets is None:  # too many to count: facets of the candidates ranking looked at
        facets = count_facets(_within(condition, pool), limit=len(pool) or 1, estimated=True)
    return _Hits(scored, counted.count, counted.estimated, facets, exact)


def _phrase_hits(
    terms: list[Term],
    condition: Condition,
    required: matching.Constraints,
    request: SearchRequest,
    k: int,
    stats: CollectionStats,
) -> _Hits:
    """Phrases: documents holding all their words are the candidates; word order, which only
    the text knows, is checked on candidates alone. Ranked from the blocks when they can answer
    (phrase_ranking); otherwise the candidates are the intersection of the words' postings, all
    checked when they are few enough (exact), else in the order shown until a page is full."""
    if request.sort == "relevance":
        ranked = phrase_ranking.rank(terms, required, condition, k, stats)
        if ranked is not None:
            facets = count_facets(
                _within(Condition(), ranked.found),
                limit=len(ranked.found) or 1,
                estimated=ranked.estimated,
            )
            return _Hits(ranked.scored, ranked.count, ranked.estimated, facets, ranked.complete)
    idf = {term.id: term.idf for term in terms}
    newest = request.sort == "newest"
    candidates = None
    if sum(required.required_df.values()) <= PHRASE_INTERSECTED_POSTINGS:
        candidates = matching.holding_all(sorted(required.required), PHRASE_CHECK_ALL + 1)
    if candidates is not None and len(candidates) <= PHRASE_CHECK_ALL:
        ids = sorted(matching.in_order(candidates, required.ordered, condition))
        if request.sort == "relevance":
            scored = ranking.rescore(ids, idf, Condition(), stats)[:k]
        else:
            scored = _by_date(_within(Condition(), ids), k, newest=newest)
        facets = count_facets(_within(Condition(), ids), limit=len(ids) or 1, estimated=False)
        return _Hits(scored, len(ids), False, facets)
    depth, checked, found = max(4 * k, 50), set(), set()
    while True:
        if request.sort == "relevance":
            ranked = _top_k(terms, depth, condition, stats)
            ordered, exact = ranked.scores, ranked.exact
        else:
            ordered, exact = _by_date(_holding_any(condition, terms), depth, newest=newest), True
        unchecked = [doc for doc, _ in ordered if doc not in checked]
        found |= matching.in_order(unchecked, required.ordered)
        checked.update(unchecked)
        scored = [(doc, score) for doc, score in ordered if doc in found]
        exhausted = len(ordered) < depth
        # In rank order, the first k that hold the phrase are the top k of all that do.
        if len(scored) >= k or exhausted or len(checked) >= PHRASE_CHECK_BUDGET:
            break
        depth = min(depth * 8, PHRASE_CHECK_BUDGET)
    ids = sorted(found)
    if exhausted:
        count, estimated = len(ids), False
    else:
        documents = stats.documents
        holding_all = documents
        for term_id in required.required:
            holding_all *= min(1.0, required.required_df[term_id] / max(documents, 1))
        count, estimated = max(len(ids), int(holding_all * len(ids) / len(checked))), True
    facets = count_facets(_within(Condition(), ids), limit=len(ids) or 1, estimated=estimated)
    complete = exact and (len(scored) >= k or exhausted)
    return _Hits(scored[:k], count, estimated, facets, complete)


def _listing(
    parsed: ParsedQuery, request: SearchRequest, condition: Condition, k: int, documents: int
):
    """No words: the publications under the filters, newest (or oldest) first."""
    rows = _by_date(condition, k, newest=request.sort != "oldest")
    count = _capped_count(condition, EXACT_COUNT_LIMIT + 1)
    estimated = count > EXACT_COUNT_LIMIT
    if estimated:
        count = documents if not request.filters.active else count
    facets = count_facets(condition, limit=EXACT_COUNT_LIMIT, estimated=estimated)
    page = rows[(request.page - 1) * request.page_size : k]
    return SearchOutcome(parsed, _results(page, "", with_scores=False), count, estimated, facets)


def _rank(
    terms: list[Term],
    k: int,
    condition: Condition,
    filters: Filters,
    stats: CollectionStats,
    *,
    constrained: bool,
    listed: np.ndarray | None,
) -> ranking.Ranked:
    narrow = None
    if listed is not None:
        narrow = listed.tolist() if len(listed) <= NARROW_FILTER else None
    elif filters.active and _capped_count(condition, NARROW_FILTER + 1) <= NARROW_FILTER:
        narrow = _ids(condition, NARROW_FILTER)
    if narrow is not None:
        # A narrow filter: score every document in it exactly, instead of hoping the best
        # postings overall include some of them.
        scores = ranking.rescore(narrow, {term.id: term.idf for term in terms}, condition, stats)
        return ranking.Ranked(scores[:k], True, narrow)
    visible_only = not filters.active and not constrained
    return _top_k(terms, k, condition, stats, listed=listed, visible_only=visible_only)


def _top_k(
    terms: list[Term],
    k: int,
    condition: Condition,
    stats: CollectionStats,
    *,
    listed: np.ndarray | None = None,
    visible_only: bool = False,
) -> ranking.Ranked:
    """The top k from the blocks, or by full BM25F over every match when they cannot answer
    (never built, too many documents changed since the last compaction, too many terms)."""
    ranked = block_ranking.rank(
        terms, k, condition, stats, listed=listed, visible_only=visible_only
    )
    return ranked or ranking.exact_top(terms, k, condition, stats)


def _holding_any(condition: Condition, terms: list[Term]) -> Condition:
    return condition.also(matching.HOLDING_ANY, term_ids=[term.id for term in terms])


def _within(condition: Condition, ids: list[int]) -> Condition:
    return condition.also("d.publication_id = ANY(%(pool)s::int[])", pool=ids)


@dataclass
class _Count:
    count: int
    estimated: bool
    facets: Facets | None  # counted with the matches when there were few enough


def _count(
    terms: list[Term],
    condition: Condition,
    documents: int,
    filters: Filters,
    *,
    plain: bool,
    listed: np.ndarray | None = None,
) -> _Count:
    """Exact up to 10,000 when counting is cheap, otherwise an estimate from the document
    frequencies (the chance a document holds any of the terms), scaled by the filters. Plain
    words, alone or in a listed filter, are counted from the blocks' whole lists (else from the
    postings); facets are counted exactly with the matches up to FACET_EXACT_LIMIT of them."""
    term_ids = [term.id for term in terms]
    countable = sum(term.df for term in terms) <= COUNTABLE_POSTINGS
    if countable and (plain or listed is not None):
        matches = block_lists.holding_any(term_ids, listed, today=site_today())
        if matches is not None:
            return _counted_matches(matches.tolist())
    source = None
    if countable and plain:
        # Counted from the postings alone; the matches are read only when few enough for facets.
        count = matching.count_any(terms, site_today())
        if count > EXACT_COUNT_LIMIT:
            return _estimate(terms, condition, documents, filters)
        if count > FACET_EXACT_LIMIT:
            return _Count(count, False, None)
    # A listed filter's size is known: no need to count its documents again.
    filtered = len(listed) if listed is not None else None
    if countable:
        source = matching.holding_any_source(condition)
    elif (
        filters.active
        and _filter_size(condition, filtered, cap=EXACT_COUNT_LIMIT + 1) <= EXACT_COUNT_LIMIT
    ):
        holding = _holding_any(condition, terms)
        source = f"{holding.table} d WHERE {holding.where()}"
    if source is not None:
        params = {**condition.params, "term_ids": term_ids}
        count, facets = counted_facets(source, params, limit=EXACT_COUNT_LIMIT + 1, estimated=False)
        if count <= EXACT_COUNT_LIMIT:
            return _Count(count, False, facets)
    return _estimate(terms, condition, documents, filters, filtered)


def _counted_matches(matches: list[int]) -> _Count:
    """The matches are known: their number, and their facets when few enough."""
    if len(matches) > FACET_EXACT_LIMIT:
        return _Count(len(matches), False, None)
    facets = count_facets(_within(Condition(), matches), limit=len(matches) or 1, estimated=False)
    return _Count(len(matches), False, facets)


def _estimate(
    terms: list[Term],
    condition: Condition,
    documents: int,
    filters: Filters,
    filtered: int | None = None,
):
    miss = 1.0
    for term in terms:
        miss *= 1 - min(term.df, documents) / max(documents, 1)
    estimate = documents * (1 - miss)
    if filters.active:
        size = _filter_size(condition, filtered, cap=EXACT_COUNT_LIMIT)
        estimate *= min(1.0, size / max(documents, 1))
    count = max(int(estimate), EXACT_COUNT_LIMIT + 1 if not filters.active else 0)
    return _Count(count, True, None)


def _filter_size(condition: Condition, known: int | None, *, cap: int) -> int:
    """How many documents the filter holds (counted up to `cap` unless already known)."""
    return known if known is not None else _capped_count(condition, cap)


def _capped_count(condition: Condition, cap: int) -> int:
    sql = f"""SELECT count(*) FROM (SELECT 1 FROM {condition.table} d
                                     WHERE {condition.where()} LIMIT %(cap)s) capped"""
    with connections[search_db()].cursor() as cursor:
        cursor.execute(sql, {**condition.params, "cap": cap})
        return cursor.fetchone()[0]


def _ids(condition: Condition, limit: int) -> list[int]:
    sql = f"""SELECT d.publication_id FROM {condition.table} d WHERE {condition.where()}
              LIMIT %(limit)s"""
    with connections[search_db()].cursor() as cursor:
        cursor.execute(sql, {**condition.params, "limit": limit})
        return [row[0] for row in cursor.fetchall()]


def _by_date(condition: Condition, k: int, *, newest: bool) -> list[tuple[int, None]]:
    direction = "DESC" if newest else "ASC"
    sql = f"""SELECT d.publication_id FROM {condition.table} d WHERE {condition.where()}
              ORDER BY d.publication_date {direction}, d.publication_id {direction}
              LIMIT %(limit)s"""
    with connections[search_db()].cursor() as cursor:
        cursor.execute(sql, {**condition.params, "limit": k})
        return [(row[0], None) for row in cursor.fetchall()]


def _results(page: list[tuple[int, float | None]], query: str, *, with_scores: bool):
    ids = [publication_id for publication_id, _ in page]
    listed = selectors.listed_publications(ids)
    pages, highlighted = snippets.highlights(ids, query)
    return [
        Result(
            entry.publication,
            entry.authors,
            entry.topics,
            round(score, 4) if with_scores and score is not None else None,
            highlighted.get(publication_id, ""),
            pages.get(publication_id, []),
        )
        for publication_id, score in page
        if (entry := listed.get(publication_id)) is not None
    ]


def _suggestion(parsed: ParsedQuery, unknown: int) -> str | None:
    # Only a word the index has never seen can be a misspelling worth correcting; the others'
    # results do not make it right.
    if not parsed.words or not unknown:
        return None
    corrected = suggest(parsed.words)
    if corrected is None:
        return None
    rest = parsed.constraint()
    return f"{corrected} {rest}".strip()
