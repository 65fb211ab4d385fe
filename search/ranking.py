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
MAX_RESCORED = 500  # measured: past this, more work moved no top-10 result (benchmarks)


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
      JOIN search_searchdocument d ON d.publication_id = c.doc
     CROSS JOIN LATERAL (
           SELECT sum(q.idf * sp.impact) AS score
             FROM unnest(%(terms)s::int[], %(idfs)s::float8[]) AS q(term_id, idf)
             JOIN search_searchposting sp ON sp.document_id = c.doc AND sp.term_id = q.term_id
           ) s
     WHERE s.score IS NOT NULL AND {where}
"""


def rank(terms: list[Term], k: int, condition: Condition) -> Ranked:
    """The k best documents for these terms among those meeting the condition."""
    if not terms or k <= 0:
        return Ranked([], True, [])
    idf = {term.id: term.idf for term in terms}
    depth = max(INITIAL_DEPTH, 2 * k)
    known: dict[int, float | None] = {}  # exact scores so far (None: fails the condition)
    while True:
        lists = _read_lists(list(idf), depth)
        seen, floors = _bounds(lists, idf, depth)
        ordered = sorted(
            ((_upper(parts, floors, idf), doc) for doc, parts in seen.items()), reverse=True
        )
        scores, settled = _rescore_until_settled(ordered, k, idf, condition, known)
        kth = scores[k - 1][1] if len(scores) >= k else None
        complete = all(len(rows) < depth for rows in lists.values())
        unseen_bound = sum(floors.values())
        if complete or (settled and kth is not None and kth >= unseen_bound):
            return Ranked(scores[:k], settled, list(known))
        if depth * len(idf) * 4 > MAX_ROWS or len(known) >= MAX_RESCORED:
            return Ranked(scores[:k], False, list(known))
        depth *= 4


def _rescore_until_settled(ordered, k, idf, condition, known):
    """Rescore candidates by falling upper bound until none left unscored could reach the k-th
    exact score (or the rescoring budget is spent: then settled is False). Scores already in
    `known` (from a shallower round) are not asked for again."""
    done = 0
    while True:
        scores = sorted(
            ((doc, score) for doc, score in known.items() if score is not None),
            key=lambda r: (-r[1], r[0]),
        )
        kth = scores[k - 1][1] if len(scores) >= k else None
        if done >= len(ordered) or (kth is not None and ordered[done][0] <= kth):
            return scores, True
        if len(known) >= MAX_RESCORED:
            return scores, False
        batch = RESCORE_MARGIN + k if not known else RESCORE_BATCH
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
        cursor.execute(RESCORE_SQL.format(where=condition.where()), params)
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
          JOIN search_searchdocument d ON d.publication_id = sp.document_id
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
        cursor.execute(sql.format(where=condition.where()), params)
        return cursor.fetchall()
