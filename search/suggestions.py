""" "Did you mean": each query word the index's vocabulary lacks, replaced by the most similar
frequent word it has (pg_trgm)."""

from __future__ import annotations

from django.db import connections

from search.replica import search_db

SIMILAR_SQL = """
    SELECT word FROM search_searchword
     WHERE word %% %(word)s AND df > 0
     ORDER BY similarity(word, %(word)s) DESC, df DESC, word
     LIMIT 1
"""
# The vocabulary holds words lower-cased and unaccented, as the 'simple_unaccent' config does.
KNOWN_SQL = """
    SELECT q.word, unaccent(lower(q.word)), EXISTS (
           SELECT 1 FROM search_searchword w WHERE w.word = unaccent(lower(q.word)) AND w.df > 0)
      FROM unnest(%(words)s::text[]) AS q(word)
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
