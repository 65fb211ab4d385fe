"""Exhaustive scoring: exact BM25F (search.ranking.scoring) from the postings, for the candidates
other paths find, and over every match when nothing narrower can answer.

A score reads each (candidate, term) posting by its primary key and the candidate's field
lengths from its narrow filter row, and applies the current statistics there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections

from search.filters import Condition
from search.ranking.scoring import CollectionStats, impact_sql
from search.ranking.terms import Term
from search.replica import search_db


@dataclass
class Ranked:
    scores: list[tuple[int, float]]  # (publication id, score), best first, at most k
    exact: bool
    pool: list[int]  # every candidate rescored, for facets when the matches are too many


# Driven from the candidates, one primary-key probe per (candidate, term): the planner, misled
# by the terms' statistics, would otherwise read every posting of every term.
RESCORE_SQL = f"""
    SELECT c.doc, s.score
      FROM unnest(%(candidates)s::bigint[]) AS c(doc)
      JOIN search_searchfilterrow l ON l.publication_id = c.doc
      {{documents}}
     CROSS JOIN LATERAL (
           SELECT sum(q.idf * {impact_sql()}) AS score
             FROM unnest(%(terms)s::int[], %(idfs)s::float8[]) AS q(term_id, idf)
             JOIN search_searchposting sp ON sp.document_id = c.doc AND sp.term_id = q.term_id
           ) s
     WHERE s.score IS NOT NULL AND {{where}}
"""

EXACT_SQL = f"""
    SELECT sp.document_id, sum(q.idf * {impact_sql()}) AS score
      FROM unnest(%(terms)s::int[], %(idfs)s::float8[]) AS q(term_id, idf)
      JOIN search_searchposting sp ON sp.term_id = q.term_id
      JOIN search_searchfilterrow l ON l.publication_id = sp.document_id
      JOIN {{table}} d ON d.publication_id = sp.document_id
     WHERE {{where}}
     GROUP BY sp.document_id
     ORDER BY score DESC, sp.document_id
     LIMIT %(limit)s
"""


def _with_condition(sql: str, condition: Condition) -> str:
    """The candidates' documents are read only for a condition to check: fetching hundreds of
    rows from the documents' heap cost many times the postings probes themselves."""
    if not condition.sql:
        return sql.format(documents="", where="TRUE")
    documents = f"JOIN {condition.table} d ON d.publication_id = c.doc"
    return sql.format(documents=documents, where=condition.where())


def rescore(
    candidates: list[int], idf: dict[int, float], condition: Condition, stats: CollectionStats
) -> list[tuple[int, float]]:
    """Exact scores of these documents (those meeting the condition), best first."""
    if not candidates:
        return []
    params = {
        **condition.params,
        **stats.averages(),
        "terms": list(idf),
        "idfs": list(idf.values()),
        "candidates": candidates,
    }
    with connections[search_db()].cursor() as cursor:
        cursor.execute(_with_condition(RESCORE_SQL, condition), params)
        rows = cursor.fetchall()
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def exact_scores(
    terms: list[Term], condition: Condition, limit: int, stats: CollectionStats
) -> list[tuple[int, float]]:
    """Full BM25F over every matching document, no pruning: the benchmark's check, and the
    answer when the blocks cannot give one (never built, or too many documents changed since)."""
    if not terms:
        return []
    params = {
        **condition.params,
        **stats.averages(),
        "terms": [term.id for term in terms],
        "idfs": [term.idf for term in terms],
        "limit": limit,
    }
    sql = EXACT_SQL.format(table=condition.table, where=condition.where())
    with connections[search_db()].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def exact_top(
    terms: list[Term], k: int, condition: Condition, stats: CollectionStats, pool: int
) -> Ranked:
    """The exact top k by full BM25F over every match (see exact_scores), and the best `pool`
    of them for facets."""
    scores = exact_scores(terms, condition, max(k, pool), stats)
    return Ranked(scores[:k], True, [doc for doc, _ in scores])
