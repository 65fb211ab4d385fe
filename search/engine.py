"""Search as one read: parse, rank (bounded), count, facet, highlight, suggest."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from publications.models import Publication
from search import ranking, snippets
from search.facets import Facets, count_facets
from search.filters import Condition, Filters, document_condition
from search.indexing import current_stats
from search.query import ParsedQuery, parse
from search.ranking import Term
from search.suggestions import suggest
from search.terms import resolve_terms, tsquery_any

SORTS = ("relevance", "newest", "oldest")
EXACT_COUNT_LIMIT = 10_000
# Under this many documents a filter is narrow enough to score all of them exactly.
NARROW_FILTER = 2_000
# Counting the matches of terms this frequent costs more than an estimate is worth.
COUNTABLE_POSTINGS = 50_000
SUGGEST_BELOW = 3


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
    stats = current_stats()
    terms, _unknown = resolve_terms(parsed.ranking_text(), stats.documents)
    condition = document_condition(request.filters, parsed.phrases, parsed.excluded)
    k = request.page * request.page_size
    if parsed.is_empty:
        return _listing(parsed, request, condition, k, stats.documents)
    if not terms:
        return SearchOutcome(parsed, [], 0, False, Facets(), _suggestion(parsed, 0))
    matching = _matching(condition, terms)
    count, estimated = _count(matching, terms, stats.documents, request.filters)
    if request.sort == "relevance":
        ranked = _rank(terms, k, condition, request.filters)
        scored, exact, pool = ranked.scores, ranked.exact, ranked.pool
    else:
        scored, exact, pool = _by_date(matching, k, newest=request.sort == "newest"), True, []
    if count <= EXACT_COUNT_LIMIT and not estimated:
        facets = count_facets(matching, limit=EXACT_COUNT_LIMIT, estimated=False)
    else:
        facets = count_facets(_within(condition, pool), limit=len(pool) or 1, estimated=True)
    page = scored[(request.page - 1) * request.page_size : k]
    results = _results(page, tsquery_any(terms), with_scores=request.sort == "relevance")
    return SearchOutcome(
        parsed, results, count, estimated, facets, _suggestion(parsed, count), exact
    )


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


def _rank(terms: list[Term], k: int, condition: Condition, filters: Filters) -> ranking.Ranked:
    if filters.active and _capped_count(condition, NARROW_FILTER + 1) <= NARROW_FILTER:
        # A narrow filter: score every document in it exactly, instead of hoping the best
        # postings overall include some of them.
        ids = _ids(condition, NARROW_FILTER)
        scores = ranking.rescore(ids, {term.id: term.idf for term in terms}, condition)
        return ranking.Ranked(scores[:k], True, ids)
    return ranking.rank(terms, k, condition)


def _matching(condition: Condition, terms: list[Term]) -> Condition:
    return Condition(
        [*condition.sql, "d.vector @@ %(any_term)s::tsquery"],
        {**condition.params, "any_term": tsquery_any(terms)},
    )


def _within(condition: Condition, ids: list[int]) -> Condition:
    return Condition(
        [*condition.sql, "d.publication_id = ANY(%(pool)s::int[])"],
        {**condition.params, "pool": ids},
    )


def _count(matching: Condition, terms: list[Term], documents: int, filters: Filters):
    """Exact up to 10,000 when counting is cheap; otherwise an estimate from the document
    frequencies (the chance a document holds any of the terms), scaled by the filters."""
    within = Condition(matching.sql[:-1], matching.params)  # the filters, without the terms
    narrow = filters.active and _capped_count(within, EXACT_COUNT_LIMIT + 1) <= EXACT_COUNT_LIMIT
    if narrow or sum(term.df for term in terms) <= COUNTABLE_POSTINGS:
        count = _capped_count(matching, EXACT_COUNT_LIMIT + 1)
        if count <= EXACT_COUNT_LIMIT:
            return count, False
    miss = 1.0
    for term in terms:
        miss *= 1 - min(term.df, documents) / max(documents, 1)
    estimate = documents * (1 - miss)
    if filters.active:
        estimate *= min(1.0, _capped_count(within, EXACT_COUNT_LIMIT) / max(documents, 1))
    return max(int(estimate), EXACT_COUNT_LIMIT + 1 if not filters.active else 0), True


def _capped_count(condition: Condition, cap: int) -> int:
    sql = f"""SELECT count(*) FROM (SELECT 1 FROM search_searchdocument d
                                     WHERE {condition.where()} LIMIT %(cap)s) capped"""
    with connection.cursor() as cursor:
        cursor.execute(sql, {**condition.params, "cap": cap})
        return cursor.fetchone()[0]


def _ids(condition: Condition, limit: int) -> list[int]:
    sql = f"""SELECT d.publication_id FROM search_searchdocument d WHERE {condition.where()}
              LIMIT %(limit)s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, {**condition.params, "limit": limit})
        return [row[0] for row in cursor.fetchall()]


def _by_date(condition: Condition, k: int, *, newest: bool) -> list[tuple[int, None]]:
    direction = "DESC" if newest else "ASC"
    sql = f"""SELECT d.publication_id FROM search_searchdocument d WHERE {condition.where()}
              ORDER BY d.publication_date {direction}, d.publication_id {direction}
              LIMIT %(limit)s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, {**condition.params, "limit": k})
        return [(row[0], None) for row in cursor.fetchall()]


def _results(page: list[tuple[int, float | None]], query: str, *, with_scores: bool):
    ids = [publication_id for publication_id, _ in page]
    publications = Publication.objects.published().for_listing().in_bulk(ids)
    pages = snippets.page_hits(ids, query)
    highlighted = snippets.snippets(ids, query, pages)
    return [
        Result(
            publications[publication_id],
            round(score, 4) if with_scores and score is not None else None,
            highlighted.get(publication_id, ""),
            pages.get(publication_id, []),
        )
        for publication_id, score in page
        if publication_id in publications
    ]


def _suggestion(parsed: ParsedQuery, count: int) -> str | None:
    if count >= SUGGEST_BELOW or not parsed.words:
        return None
    corrected = suggest(parsed.words)
    if corrected is None:
        return None
    rest = parsed.constraint()
    return f"{corrected} {rest}".strip()
