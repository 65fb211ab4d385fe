"""The search engine's one entry point: `search(request) -> SearchOutcome`.

A query is read top to bottom here: parse it; resolve its words to index terms with the current
statistics; turn filters, phrases and exclusions into one condition; then one of three answers:
no words (a listing by date), plain words (`search.ranking.words`), or phrases
(`search.ranking.phrases`). Each ranking path returns the exact top k, so the choice among them
is speed alone; counts, facets, snippets and a "did you mean" come from `search.results`. Every
budget is a field of the `Tuning` passed in (`search.tuning`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from publications.models import Author, Publication, Topic
from search.filters import Condition, Filters, by_date, capped_count, document_condition
from search.index import statistics
from search.query import ParsedQuery, parse
from search.ranking import matching, phrases, threshold, words
from search.ranking.scoring import CollectionStats
from search.ranking.terms import Term, resolve_terms, tsquery_any
from search.results import counts, selectors, snippets
from search.results.facets import Facets, count_facets
from search.results.snippets import Hit
from search.results.suggestions import suggest
from search.tuning import Tuning, site_tuning

SORTS = ("relevance", "newest", "oldest")


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
    # Where the words are, best first: pages of its files and sections of its body.
    hits: list[Hit] = field(default_factory=list)
    # The matching pages of its first PDF (the API's `pages`, older than `hits`).
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


def search(request: SearchRequest, tuning: Tuning | None = None) -> SearchOutcome:
    """The page of results for this request, with counts, facets and a suggestion."""
    tuning = tuning or site_tuning()
    parsed = parse(request.query)
    stats = statistics.current()
    terms, unknown = resolve_terms(parsed.ranking_text(), stats.documents)
    required = matching.constraints(parsed)
    constrained = required.condition()
    condition = document_condition(request.filters).joined(constrained)
    k = request.page * request.page_size
    if parsed.is_empty:
        return _listing(parsed, request, condition, k, stats.documents, tuning)
    if not terms or required.impossible:
        return SearchOutcome(parsed, [], 0, False, Facets(), _suggestion(parsed, unknown))
    if required.ordered:
        hits = _phrase_hits(terms, condition, required, request, k, stats, tuning)
    else:
        hits = _word_hits(
            terms, condition, request, k, stats, tuning, constrained=bool(constrained.sql)
        )
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
    tuning: Tuning,
    *,
    constrained: bool,
) -> _Hits:
    """Plain words: every document holding any of them matches. A filter with nothing else
    in the condition is listed once, for the ranking and the count."""
    filters = request.filters
    listed = None
    if filters.active and not constrained:
        listed = threshold.listed_documents(condition, tuning.listed_filter)
    plain = not filters.active and not constrained
    counted = counts.count_words(
        terms,
        condition,
        stats.documents,
        filters,
        tuning,
        plain=plain,
        now=condition.params["now"],
        listed=listed,
    )
    if request.sort == "relevance":
        ranked = words.rank(
            terms, k, condition, filters, stats, tuning, constrained=constrained, listed=listed
        )
        scored, exact, pool = ranked.scores, ranked.exact, ranked.pool
    else:
        holding = matching.holding_any(condition, terms)
        scored, exact, pool = by_date(holding, k, newest=request.sort == "newest"), True, []
    facets = counted.facets
    if facets is None:  # too many to count: facets of the candidates ranking looked at
        facets = count_facets(condition.within(pool), limit=len(pool) or 1, estimated=True)
    return _Hits(scored, counted.count, counted.estimated, facets, exact)


def _phrase_hits(
    terms: list[Term],
    condition: Condition,
    required: matching.Constraints,
    request: SearchRequest,
    k: int,
    stats: CollectionStats,
    tuning: Tuning,
) -> _Hits:
    """Phrases: ranked (or dated) by `search.ranking.phrases`; facets of every document found
    to hold them."""
    hits = phrases.rank(terms, required, condition, k, stats, tuning, sort=request.sort)
    found = Condition().within(hits.found)
    facets = count_facets(found, limit=len(hits.found) or 1, estimated=hits.estimated)
    return _Hits(hits.scored, hits.count, hits.estimated, facets, hits.complete)


def _listing(
    parsed: ParsedQuery,
    request: SearchRequest,
    condition: Condition,
    k: int,
    documents: int,
    tuning: Tuning,
) -> SearchOutcome:
    """No words: the publications under the filters, newest (or oldest) first."""
    rows = by_date(condition, k, newest=request.sort != "oldest")
    limit = tuning.exact_count_limit
    count = capped_count(condition, limit + 1)
    estimated = count > limit
    if estimated:
        count = documents if not request.filters.active else count
    facets = count_facets(condition, limit=limit, estimated=estimated)
    page = rows[(request.page - 1) * request.page_size : k]
    return SearchOutcome(parsed, _results(page, "", with_scores=False), count, estimated, facets)


def _results(page: list[tuple[int, float | None]], query: str, *, with_scores: bool):
    ids = [publication_id for publication_id, _ in page]
    listed = selectors.listed_publications(ids)
    highlighted = snippets.highlights(ids, query)
    none = snippets.Highlight([], "", None)
    return [
        Result(
            entry.publication,
            entry.authors,
            entry.topics,
            round(score, 4) if with_scores and score is not None else None,
            (found := highlighted.get(publication_id, none)).snippet,
            found.hits,
            found.pages,
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
