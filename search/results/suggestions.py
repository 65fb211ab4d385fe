""" "Did you mean": each query word the index does not hold at all (no term from it in any field,
PDF text included) replaced by the most similar frequent word of the index's vocabulary
(pg_trgm), whatever the other words found."""

from __future__ import annotations

from django.db import connections

from search.index.vectors import CONFIG
from search.replica import search_db

SIMILAR_SQL = """
    SELECT word FROM search_searchword
     WHERE word %% %(word)s AND df > 0
     ORDER BY similarity(word, %(word)s) DESC, df DESC, word
     LIMIT 1
"""
# Per word: its form in the vocabulary (lower-cased and unaccented, as the 'simple_unaccent'
# config makes them), and whether the index lacks a term it stems to (a stop word stems to none,
# and is known). The terms are the whole index's, PDF text included: a word found only in a
# PDF is no misspelling.
KNOWN_SQL = f"""
    SELECT q.word, unaccent(lower(q.word)), NOT EXISTS (
           SELECT 1 FROM unnest(tsvector_to_array(to_tsvector('{CONFIG}', q.word))) x(lexeme)
            WHERE NOT EXISTS (SELECT 1 FROM search_searchterm t
                               WHERE t.lexeme = x.lexeme AND t.df > 0))
      FROM unnest(%(words)s::text[]) WITH ORDINALITY AS q(word, n)
     ORDER BY q.n
"""


def suggest(words: list[str]) -> str | None:
    """A corrected query, or None when every word is known or nothing better is found."""
    if not words:
        return None
    corrected, changed = [], False
    with connections[search_db()].cursor() as cursor:
        cursor.execute(KNOWN_SQL, {"words": words})
        for word, normal, known in cursor.fetchall():
            if known or len(normal) < 3 or not normal.isalpha():
                corrected.append(word)
                continue
            cursor.execute(SIMILAR_SQL, {"word": normal})
            row = cursor.fetchone()
            corrected.append(row[0] if row else word)
            changed = changed or bool(row)
    return " ".join(corrected) if changed else None
