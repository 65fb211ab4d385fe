"""Which documents a query matches, read from the postings.

A document matches when it holds any ranking term; a phrase requires all of its words (a probe
of the postings' primary key per word) and then their order, which only the text knows: that
check reads a document's vector, so it runs on candidates only, never over the whole index.
Counting from the postings also counts what ranking sees: a page past the body's size limit has
postings but no place in the document's own vector.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connections

from search.filters import Condition, phrase_condition
from search.index.vectors import CONFIG
from search.query import ParsedQuery
from search.ranking.terms import Term
from search.replica import search_db

# Every lexeme of each phrase or excluded item with its term id (None when the index lacks it).
LEXEMES_SQL = f"""
    SELECT q.item, q.kind, x.lexeme, t.id, t.df
      FROM unnest(%(items)s::text[], %(kinds)s::text[]) WITH ORDINALITY AS q(item, kind, n)
     CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector('{CONFIG}', q.item))) AS x(lexeme)
      LEFT JOIN search_searchterm t ON t.lexeme = x.lexeme
     ORDER BY q.n
"""


@dataclass
class Constraints:
    """A query's phrases and exclusions, as the index sees them."""

    required: set[int] = field(default_factory=set)  # term ids every match must hold
    required_df: dict[int, int] = field(default_factory=dict)
    ordered: list[str] = field(default_factory=list)  # phrases of several words: order checked
    excluded_terms: set[int] = field(default_factory=set)
    excluded_phrases: list[str] = field(default_factory=list)
    impossible: bool = False  # a phrase word the index has never seen

    def condition(self) -> Condition:
        """What the postings decide, and the phrases to exclude, as SQL over `d`."""
        sql, params = [], {}
        if self.impossible:
            sql.append("FALSE")
        if self.required:
            sql.append(
                """(SELECT count(*) FROM search_searchposting sp
                     WHERE sp.document_id = d.publication_id
                       AND sp.term_id = ANY(%(required)s::int[])) = %(required_count)s"""
            )
            params.update(required=sorted(self.required), required_count=len(self.required))
        if self.excluded_terms:
            sql.append(
                """NOT EXISTS (SELECT 1 FROM search_searchposting sp
                                WHERE sp.document_id = d.publication_id
                                  AND sp.term_id = ANY(%(excluded_terms)s::int[]))"""
            )
            params["excluded_terms"] = sorted(self.excluded_terms)
        condition = Condition(sql, params)
        if self.excluded_phrases:
            excluded = phrase_condition(self.excluded_phrases, "excluded", negate=True)
            condition = condition.joined(excluded)
        return condition


def constraints(parsed: ParsedQuery) -> Constraints:
    """Resolve the query's phrases and exclusions against the index, in one round trip."""
    found = Constraints()
    items = [*parsed.phrases, *parsed.excluded]
    if not items:
        return found
    kinds = ["phrase"] * len(parsed.phrases) + ["excluded"] * len(parsed.excluded)
    lexemes: dict[tuple[str, str], list[tuple[int | None, int]]] = {}
    with connections[search_db()].cursor() as cursor:
        cursor.execute(LEXEMES_SQL, {"items": items, "kinds": kinds})
        for item, kind, _lexeme, term_id, df in cursor.fetchall():
            lexemes.setdefault((item, kind), []).append((term_id, df or 0))
    for phrase in parsed.phrases:
        words = lexemes.get((phrase, "phrase"), [])  # none: stop words only, no constraint
        if any(term_id is None for term_id, _ in words):
            found.impossible = True
        for term_id, df in words:
            if term_id is not None:
                found.required.add(term_id)
                found.required_df[term_id] = df
        if len(words) > 1:
            found.ordered.append(phrase)
    for item in parsed.excluded:
        words = lexemes.get((item, "excluded"), [])
        if len(words) == 1 and words[0][0] is not None:
            found.excluded_terms.add(words[0][0])
        elif len(words) > 1 and all(term_id is not None for term_id, _ in words):
            found.excluded_phrases.append(item)
    return found


def holding_any_source(condition: Condition) -> str:
    """SQL yielding the rows `d` that meet the condition and hold any of the terms (parameter
    `term_ids`), driven from the terms' postings (their impact index holds the document ids, so
    no document is read that does not match)."""
    return f"""(SELECT DISTINCT sp.document_id FROM search_searchposting sp
                 WHERE sp.term_id = ANY(%(term_ids)s::int[])) held
               JOIN {condition.table} d ON d.publication_id = held.document_id
              WHERE {condition.where()}"""


def count_any(terms: list[Term], now: datetime.datetime) -> int:
    """How many visible documents hold any of the terms, from the postings alone: their distinct
    documents less the few not visible yet (scheduled: indexed, not yet shown)."""
    sql = """
        SELECT (SELECT count(DISTINCT sp.document_id) FROM search_searchposting sp
                 WHERE sp.term_id = ANY(%(term_ids)s::int[]))
             - (SELECT count(*) FROM search_searchfilterrow d
                 WHERE d.visible_from > %(now)s AND EXISTS (
                       SELECT 1 FROM search_searchposting sp
                        WHERE sp.document_id = d.publication_id
                          AND sp.term_id = ANY(%(term_ids)s::int[])))
    """
    with connections[search_db()].cursor() as cursor:
        cursor.execute(sql, {"term_ids": [term.id for term in terms], "now": now})
        return cursor.fetchone()[0]


# SQL over `d`: the document holds any of the terms (parameter `term_ids`).
HOLDING_ANY = """EXISTS (SELECT 1 FROM search_searchposting sp
                          WHERE sp.document_id = d.publication_id
                            AND sp.term_id = ANY(%(term_ids)s::int[]))"""


def holding_any(condition: Condition, terms: list[Term]) -> Condition:
    """The condition, and holding any of the terms."""
    return condition.also(HOLDING_ANY, term_ids=[term.id for term in terms])


def holding_all(term_ids: list[int], limit: int) -> list[int]:
    """Up to `limit` documents holding every one of these terms: the intersection of their
    postings, read from the impact index alone."""
    parts = " INTERSECT ".join(
        f"SELECT document_id FROM search_searchposting WHERE term_id = %(t{n})s"
        for n in range(len(term_ids))
    )
    params = {f"t{n}": term_id for n, term_id in enumerate(term_ids)}
    with connections[search_db()].cursor() as cursor:
        cursor.execute(f"SELECT document_id FROM ({parts}) held LIMIT %(limit)s",
                       {**params, "limit": limit})  # fmt: skip
        return [row[0] for row in cursor.fetchall()]


def in_order(ids: list[int], phrases: list[str], condition: Condition | None = None) -> set[int]:
    """Those of these documents that meet the condition and in which every phrase's words
    stand in order."""
    if not ids:
        return set()
    check = phrase_condition(phrases, "phrase")
    condition = condition or Condition()
    sql = f"""
        SELECT d.publication_id FROM search_searchdocument d
         WHERE d.publication_id = ANY(%(ids)s::int[]) AND {condition.where()} AND {check.where()}
    """
    with connections[search_db()].cursor() as cursor:
        cursor.execute(sql, {**condition.params, **check.params, "ids": ids})
        return {row[0] for row in cursor.fetchall()}
