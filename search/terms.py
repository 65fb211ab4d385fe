"""From the words of a query to index terms with their IDF."""

from __future__ import annotations

from django.db import connection

from search.bm25 import idf
from search.ranking import Term
from search.vectors import CONFIG

TERMS_SQL = f"""
    SELECT t.id, t.lexeme, t.df
      FROM unnest(tsvector_to_array(to_tsvector('{CONFIG}', %(text)s))) AS q(lexeme)
      JOIN search_searchterm t ON t.lexeme = q.lexeme
"""


def resolve_terms(text: str, documents: int) -> tuple[list[Term], int]:
    """The index terms of this text (stemmed, accents folded) and how many of its lexemes the
    index does not know at all."""
    if not text.strip():
        return [], 0
    with connection.cursor() as cursor:
        cursor.execute(TERMS_SQL, {"text": text})
        rows = cursor.fetchall()
        cursor.execute(
            f"SELECT cardinality(tsvector_to_array(to_tsvector('{CONFIG}', %(text)s)))",
            {"text": text},
        )
        lexemes = cursor.fetchone()[0]
    terms = [Term(id=row[0], lexeme=row[1], df=row[2], idf=idf(documents, row[2])) for row in rows]
    return terms, lexemes - len(terms)


def tsquery_any(terms: list[Term]) -> str:
    """A tsquery (input syntax) matching any of the terms' lexemes, each quoted."""
    return " | ".join(_quote(term.lexeme) for term in terms)


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
