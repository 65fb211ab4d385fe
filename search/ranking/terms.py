"""From the words of a query to index terms with their IDF."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections

from search.index.vectors import CONFIG
from search.ranking.scoring import idf
from search.replica import search_db

# Every lexeme of the text, with its term when the index knows it (one round trip).
TERMS_SQL = f"""
    SELECT t.id, q.lexeme, t.df
      FROM unnest(tsvector_to_array(to_tsvector('{CONFIG}', %(text)s))) AS q(lexeme)
      LEFT JOIN search_searchterm t ON t.lexeme = q.lexeme
"""


@dataclass(frozen=True)
class Term:
    """An index term of the query, with its document frequency and IDF now."""

    id: int
    lexeme: str
    df: int
    idf: float


def resolve_terms(text: str, documents: int) -> tuple[list[Term], int]:
    """The index terms of this text (stemmed, accents folded) and how many of its lexemes the
    index does not know at all."""
    if not text.strip():
        return [], 0
    with connections[search_db()].cursor() as cursor:
        cursor.execute(TERMS_SQL, {"text": text})
        rows = cursor.fetchall()
    terms = [
        Term(id=pk, lexeme=lexeme, df=df, idf=idf(documents, df))
        for pk, lexeme, df in rows
        if pk is not None
    ]
    return terms, len(rows) - len(terms)


def tsquery_any(terms: list[Term]) -> str:
    """A tsquery (input syntax) matching any of the terms' lexemes, each quoted."""
    return " | ".join(_quote(term.lexeme) for term in terms)


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
