"""The SQL that keeps the "did you mean" vocabulary: surface words of titles, names, topics and
abstracts, each with the number of documents holding it.
"""

from __future__ import annotations

# The vocabulary "did you mean" corrects towards: surface words of titles, names, topics and
# abstracts (not the full text, whose typos and hyphenation would be offered back).
_DOCUMENT_WORDS = """
    SELECT u.lexeme AS word, count(*) AS n
      FROM search_searchdocument d CROSS JOIN LATERAL unnest(to_tsvector(
           'simple_unaccent', d.title || ' ' || d.authors_text || ' ' || d.topics_text || ' '
           || d.abstract)) u
     WHERE d.publication_id = ANY(%(ids)s) AND length(u.lexeme) BETWEEN 3 AND 40
       AND u.lexeme ~ '^[[:alpha:]]+$'
     GROUP BY u.lexeme
"""

WORDS_ADD_SQL = f"""
    INSERT INTO search_searchword (word, df)
    SELECT word, n FROM ({_DOCUMENT_WORDS}) words ORDER BY word
    ON CONFLICT (word) DO UPDATE SET df = search_searchword.df + EXCLUDED.df
"""

# A rebuild's loaders count each batch's words into a table without a key, side by side, and
# the counts are added up once the load is done: upserting every batch's words one loader at a
# time cost more than anything else a batch of abstracts did.
COUNTED_WORDS_CREATE_SQL = """
    CREATE UNLOGGED TABLE counted_words (word text NOT NULL, n int NOT NULL)
"""
COUNT_WORDS_SQL = f"INSERT INTO counted_words (word, n) {_DOCUMENT_WORDS}"
COUNTED_WORDS_ADD_SQL = """
    INSERT INTO search_searchword (word, df)
    SELECT word, sum(n) FROM counted_words GROUP BY word ORDER BY word
"""
COUNTED_WORDS_DROP_SQL = "DROP TABLE counted_words"

WORDS_REMOVE_SQL = f"""
    WITH words AS ({_DOCUMENT_WORDS}),
    locked AS (
        SELECT w.id, words.n FROM search_searchword w JOIN words USING (word)
         ORDER BY w.id FOR UPDATE OF w
    )
    UPDATE search_searchword w SET df = GREATEST(w.df - locked.n, 0)
      FROM locked WHERE w.id = locked.id
"""
