"""Top-k BM25F with bounded work: each query term's postings are read best first, only as deep
as needed to prove (or, past a budget, closely approach) the exact top k.

Threshold rule: after reading each term's list to some depth, a document not yet seen for a term
can gain at most that term's IDF times the last impact read ("floor"). Candidates are rescored
exactly from the postings; once the k-th exact score is at least the best score any unscored
document could still reach, the top k is exact. Otherwise the lists are read deeper, up to a
row budget, so no query ever ranks every match.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connections

from search.filters import Condition
from search.replica import search_db

INITIAL_DEPTH = 200
MAX_ROWS = 20_000  # postings read per query, at most, across all its terms
RESCORE_MARGIN = 50  # candidates rescored beyond k in the first round
RESCORE_BATCH = 200
MAX_RESCORED = 500  # documents scored exactly by the threshold rule, at most
# MaxScore's budget: postings of the essential terms read in full, and documents scored.
MAX_ESSENTIAL_POSTINGS = 150_000
MAX_FILTERED_POSTINGS = 40_000
MAX_SURVIVORS = 5_000
# Facets of a result set too large to count are counted over this many of the best documents.
FACET_POOL = 200
COMPLETE_BATCH = 400  # documents completed per statement by MaxScore


@dataclass(frozen=True)
class Term:
    id: int
    lexeme: str
    df: int
    idf: float


@dataclass
class Ranked:
    scores: list[tuple[int, float]]  # (publication id, score), best first, at most k
    exact: bool
    pool: list[int]  # every candidate rescored, for facets when the matches are too many


TOP_POSTINGS_SQL = """
    SELECT q.term_id, p.document_id, p.impact
      FROM unnest(%(terms)s::int[]) AS q(term_id)
     CROSS JOIN LATERAL (
           SELECT document_id, impact FROM search_searchposting sp
            WHERE sp.term_id = q.term_id
            ORDER BY impact DESC
            LIMIT %(depth)s) p
"""

# Driven from the candidates, one primary-key probe per (candidate, term): the planner, misled
# by the terms' statistics, would otherwise read every posting of every term.
RESCORE_SQL = """
    SELECT c.doc, s.score
      FROM unnest(%(candidates)s::bigint[]) AS c(doc)
      {documents}
     CROSS JOIN LATERAL (
           SELECT sum(q.idf * sp.impact) AS score
             FROM unnest(%(terms)s::int[], %(idfs)s::float8[]) AS q(term_id, idf)
             JOIN search_searchposting sp ON sp.document_id = c.doc AND sp.term_id = q.term_id
           ) s
     WHERE s.score IS NOT NULL AND {where}
"""


# Every posting of the essential terms, summed per document; only those that can still make it.
ESSENTIAL_SQL = """
    SELECT sp.document_id, sum(q.idf * sp.impact)
      FROM unnest(%(terms)s::int[], %(idfs)s::float8[]) AS q(term_id, idf)
      JOIN search_searchposting sp ON sp.term_id = q.term_id
      {join}
      {where}
     GROUP BY sp.document_id
    HAVING sum(q.idf * sp.impact) >= %(needed)s
     LIMIT %(limit)s
"""

COMPLETE_SQL = """
    SELECT c.doc, c.partial + coalesce(s.score, 0)
      FROM unnest(%(candidates)s::bigint[], %(partials)s::float8[]) AS c(doc, partial)
      {documents}
     CROSS JOIN LATERAL (
           SELECT sum(q.idf * sp.impact) AS score
             FROM unnest(%(terms)s::int[], %(idfs)s::float8[]) AS q(term_id, idf)
             JOIN search_searchposting sp ON sp.document_id = c.doc AND sp.term_id = q.term_id
           ) s
     WHERE {where}
"""


def rank(terms: list[Term], k: int, condition: Condition, *, filtered: bool = False) -> Ranked:
    """The k best documents for these terms among those meeting the condition. `filtered`: the
    condition leaves out most documents (a filter), so MaxScore reads postings through it."""
    if not terms or k <= 0:
        return Ranked([], True, [])
    idf = {term.id: term.idf for term in terms}
    depth = max(INITIAL_DEPTH, 2 * k)
    known: dict[int, float | None] = {}  # exact scores so far (None: fails the condition)
    tried_max_score = False
    while True:
        lists = _read_lists(list(idf), depth)
        seen, floors = _bounds(lists, idf, depth)
        ordered = sorted(
            ((_upper(parts, floors, idf), doc) for doc, parts in seen.items()), reverse=True
        )
        complete = all(len(rows) < depth for rows in lists.values())
        unseen_bound = sum(floors.values())
        # A first batch, then MaxScore once (it settles most queries of many common words at
        # once), then the threshold rule's own rescoring up to its budget. Under a filter most
        # candidates fail it: more of them are scored first, for a k-th score to start from.
        first = MAX_RESCORED if filtered else RESCORE_MARGIN + k
        budget = first if not tried_max_score else MAX_RESCORED
        scores, settled = _rescore_until_settled(ordered, k, idf, condition, known, budget)
        if _proven(scores, settled, k, complete, unseen_bound):
            return _ranked(scores, k, True)
        if not tried_max_score:
            tried_max_score = True
            kth = _kth(scores, k)
            if kth is not None or filtered:
                proven = _max_score(terms, lists, k, condition, known, kth or 0.0, filtered)
                if proven is not None:
                    return proven
            scores, settled = _rescore_until_settled(
                ordered, k, idf, condition, known, MAX_RESCORED
            )
            if _proven(scores, settled, k, complete, unseen_bound):
                return _ranked(scores, k, True)
        if complete or depth * len(idf) * 4 > MAX_ROWS or len(known) >= MAX_RESCORED:
            return _ranked(scores, k, False)
        depth *= 4


def _kth(scores: list[tuple[int, float]], k: int) -> float | None:
    return scores[k - 1][1] if len(scores) >= k else None


def _proven(scores, settled: bool, k: int, complete: bool, unseen_bound: float) -> bool:
    """The threshold rule's proof: every candidate read was settled, and no document unread
    could beat the k-th score (or there is nothing unread)."""
    kth = _kth(scores, k)
    return settled and (complete or (kth is not None and kth >= unseen_bound))


def _ranked(scores, k: int, exact: bool) -> Ranked:
    # The pool (for facets of a result set too large to count) is the best scored documents.
    return Ranked(scores[:k], exact, [doc for doc, _ in scores[:FACET_POOL]])


def _max_score(terms, lists, k, condition, known, kth, filtered) -> Ranked | None:
    """MaxScore, when the threshold rule cannot settle cheaply (many terms, flat impacts): the
    terms whose best contributions together stay under the k-th score known so far cannot put
    a document in the top k on their own, so only documents holding one of the other
    ("essential") terms are candidates. Their essential postings are read in full and summed;
    those that could still reach the k-th score are scored exactly. None when the essential
    postings or the candidates pass the budget."""
    best = {term.id: term.idf * (lists[term.id][0][1] if lists[term.id] else 0.0) for term in terms}
    optional, reach = [], 0.0
    for term in sorted(terms, key=lambda term: best[term.id]):
        if reach + best[term.id] >= kth:
            break
        optional.append(term)
        reach += best[term.id]
    essential = [term for term in terms if term not in optional]
    # Through a filter, each posting read costs a look at its document too.
    budget = MAX_FILTERED_POSTINGS if filtered else MAX_ESSENTIAL_POSTINGS
    if sum(term.df for term in essential) > budget:
        return None
    # Under a filter, only the postings of documents within it count (and the k-th score known
    # may be none yet): the filter is applied as they are read.
    through = f"JOIN {condition.table} d ON d.publication_id = sp.document_id"
    sql = ESSENTIAL_SQL.format(
        join=through if filtered else "", where=f"WHERE {condition.where()}" if filtered else ""
    )
    with connections[search_db()].cursor() as cursor:
        cursor.execute(
            sql,
            {
                **(condition.params if filtered else {}),
                "terms": [term.id for term in essential],
                "idfs": [term.idf for term in essential],
                "needed": kth - reach - 1e-9,
                "limit": MAX_SURVIVORS + 1,
            },
        )
        partial = dict(cursor.fetchall())
    if len(partial) > MAX_SURVIVORS:
        return None
    # Best partial scores first: each batch raises the k-th score, which rules out more of the
    # rest before they cost a probe.
    pending = sorted(((score, doc) for doc, score in partial.items() if doc not in known),
                     reverse=True)  # fmt: skip
    rest = {term.id: term.idf for term in optional}
    while True:
        scores = sorted(
            ((doc, score) for doc, score in known.items() if score is not None),
            key=lambda r: (-r[1], r[0]),
        )
        kth = _kth(scores, k) or 0.0
        pending = [(score, doc) for score, doc in pending if score + reach >= kth - 1e-9]
        if not pending:
            return _ranked(scores, k, True)
        batch, pending = pending[:COMPLETE_BATCH], pending[COMPLETE_BATCH:]
        fresh = [doc for _, doc in batch]
        known.update(dict.fromkeys(fresh))
        known.update(_complete(fresh, [score for score, _ in batch], rest, condition))


def _complete(candidates, partials, idf, condition) -> dict[int, float]:
    """Exact scores from partial ones: the remaining terms' postings probed per candidate."""
    params = {
        **condition.params,
        "terms": list(idf),
        "idfs": list(idf.values()),
        "candidates": candidates,
        "partials": partials,
    }
    with connections[search_db()].cursor() as cursor:
        cursor.execute(_with_condition(COMPLETE_SQL, condition), params)
        return dict(cursor.fetchall())


def _rescore_until_settled(ordered, k, idf, condition, known, budget):
    """Rescore candidates by falling upper bound until none left unscored could reach the k-th
    exact score (or `budget` documents are scored: then settled is False). Scores already in
    `known` (from a shallower round) are not asked for again."""
    done = 0
    while True:
        scores = sorted(
            ((doc, score) for doc, score in known.items() if score is not None),
            key=lambda r: (-r[1], r[0]),
        )
        kth = _kth(scores, k)
        if done >= len(ordered) or (kth is not None and ordered[done][0] <= kth):
            return scores, True
        if len(known) >= budget:
            return scores, False
        batch = min(RESCORE_MARGIN + k if not known else RESCORE_BATCH, budget - len(known))
        chunk = []
        while done < len(ordered) and len(chunk) < batch:
            doc = ordered[done][1]
            if doc not in known:
                chunk.append(doc)
            done += 1
        if chunk:
            found = dict(rescore(chunk, idf, condition))
            known.update({doc: found.get(doc) for doc in chunk})


def _read_lists(term_ids: list[int], depth: int) -> dict[int, list[tuple[int, float]]]:
    lists: dict[int, list[tuple[int, float]]] = {term_id: [] for term_id in term_ids}
    with connections[search_db()].cursor() as cursor:
        cursor.execute(TOP_POSTINGS_SQL, {"terms": term_ids, "depth": depth})
        for term_id, document_id, impact in cursor.fetchall():
            lists[term_id].append((document_id, impact))
    return lists


def _bounds(lists, idf, depth):
    """Per document, the impacts seen per term; per term, the most an unseen document gets."""
    seen: dict[int, dict[int, float]] = defaultdict(dict)
    floors: dict[int, float] = {}
    for term_id, rows in lists.items():
        for document_id, impact in rows:
            seen[document_id][term_id] = impact
        exhausted = len(rows) < depth
        floors[term_id] = 0.0 if exhausted else idf[term_id] * rows[-1][1]
    return seen, floors


def _upper(parts: dict[int, float], floors: dict[int, float], idf: dict[int, float]) -> float:
    known = sum(idf[term_id] * impact for term_id, impact in parts.items())
    return known + sum(floor for term_id, floor in floors.items() if term_id not in parts)


def _with_condition(sql: str, condition: Condition) -> str:
    """The candidates' documents are read only for a condition to check: fetching hundreds of
    rows from the documents' heap cost many times the postings probes themselves."""
    if not condition.sql:
        return sql.format(documents="", where="TRUE")
    documents = f"JOIN {condition.table} d ON d.publication_id = c.doc"
    return sql.format(documents=documents, where=condition.where())


def rescore(candidates: list[int], idf: dict[int, float], condition: Condition):
    """Exact scores of these documents (those meeting the condition), best first."""
    if not candidates:
        return []
    params = {
        **condition.params,
        "terms": list(idf),
        "idfs": list(idf.values()),
        "candidates": candidates,
    }
    with connections[search_db()].cursor() as cursor:
        cursor.execute(_with_condition(RESCORE_SQL, condition), params)
        rows = cursor.fetchall()
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def exact_scores(terms: list[Term], condition: Condition, limit: int) -> list[tuple[int, float]]:
    """Full BM25F over every matching document, no pruning: the benchmark's reference, and the
    path for filters so narrow that the pruned lists would hold none of their documents."""
    if not terms:
        return []
    sql = """
        SELECT sp.document_id, sum(q.idf * sp.impact) AS score
          FROM unnest(%(terms)s::int[], %(idfs)s::float8[]) AS q(term_id, idf)
          JOIN search_searchposting sp ON sp.term_id = q.term_id
          JOIN {table} d ON d.publication_id = sp.document_id
         WHERE {where}
         GROUP BY sp.document_id
         ORDER BY score DESC, sp.document_id
         LIMIT %(limit)s
    """
    params = {
        **condition.params,
        "terms": [term.id for term in terms],
        "idfs": [term.idf for term in terms],
        "limit": limit,
    }
    with connections[search_db()].cursor() as cursor:
        cursor.execute(sql.format(table=condition.table, where=condition.where()), params)
        return cursor.fetchall()
