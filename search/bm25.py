"""The SQL that writes the search index: documents and pages from the catalogue, postings (each
term's frequency per field) and field lengths from the documents' tsvectors, document
frequencies, and the "did you mean" vocabulary. Nothing written here depends on the rest of the
collection: scores are computed where they are read (search.scoring).
"""

from __future__ import annotations

from publications.models import released_sql

# One statement per batch: count each lexeme per field (A and B from the document's vector,
# C from its pages, each page under the tsvector position limit), measure the fields, store the
# lengths (on the document and its filter row, which scoring reads), add the terms the index
# lacks, and write the postings, reading the vectors once.
LEXEMES_SQL = """
    SELECT d.publication_id AS doc, u.lexeme,
           cardinality(array_positions(u.weights, 'A')) AS tfa,
           cardinality(array_positions(u.weights, 'B')) AS tfb,
           0 AS tfc
      FROM search_searchdocument d CROSS JOIN LATERAL unnest(d.vector) u
     WHERE d.publication_id = ANY(%(ids)s)
       AND (u.weights && ARRAY['A', 'B'])
    UNION ALL
    SELECT p.document_id, u.lexeme, 0, 0, cardinality(u.positions)
      FROM search_searchpage p CROSS JOIN LATERAL unnest(p.vector) u
     WHERE p.document_id = ANY(%(ids)s)
"""

# The sub-statements of a WITH share one snapshot: `known` cannot see the rows `added` inserts,
# so each lexeme's id comes from exactly one of them (`added` tries only the lexemes `known`
# lacks: a conflict check per known lexeme cost a third of the statement). A term another
# transaction inserted after that snapshot would come from neither: the caller holds the
# writers' lock (indexing.py), and a rebuild runs alone. Every document asked for is measured,
# one with no words too (its lengths become 0).
POSTINGS_SQL = f"""
    WITH per_term AS MATERIALIZED (
        SELECT doc, lexeme, sum(tfa) AS tfa, sum(tfb) AS tfb, sum(tfc) AS tfc
          FROM ({LEXEMES_SQL}) lexemes
         GROUP BY doc, lexeme
    ),
    lengths AS MATERIALIZED (
        SELECT i.doc, coalesce(sum(t.tfa), 0) AS lena, coalesce(sum(t.tfb), 0) AS lenb,
               coalesce(sum(t.tfc), 0) AS lenc
          FROM unnest(%(ids)s::bigint[]) AS i(doc) LEFT JOIN per_term t USING (doc)
         GROUP BY i.doc
    ),
    measured AS (
        UPDATE search_searchdocument d
           SET length_a = l.lena, length_b = l.lenb, length_c = l.lenc
          FROM lengths l
         WHERE d.publication_id = l.doc
    ),
    measured_rows AS (
        UPDATE search_searchfilterrow f
           SET length_a = l.lena, length_b = l.lenb, length_c = l.lenc
          FROM lengths l
         WHERE f.publication_id = l.doc
    ),
    lexemes AS MATERIALIZED (SELECT DISTINCT lexeme FROM per_term),
    known AS MATERIALIZED (
        SELECT st.id, st.lexeme FROM search_searchterm st JOIN lexemes USING (lexeme)
    ),
    added AS (
        INSERT INTO search_searchterm (lexeme, df)
        SELECT lexeme, 0 FROM lexemes
         WHERE NOT EXISTS (SELECT 1 FROM known WHERE known.lexeme = lexemes.lexeme)
         ORDER BY lexeme
        ON CONFLICT (lexeme) DO NOTHING
        RETURNING id, lexeme
    )
    INSERT INTO search_searchposting (document_id, term_id, tf_a, tf_b, tf_c)
    SELECT t.doc, terms.id, t.tfa, t.tfb, t.tfc
      FROM per_term t
      JOIN (SELECT id, lexeme FROM added UNION ALL SELECT id, lexeme FROM known) terms
           USING (lexeme)
     WHERE t.tfa + t.tfb + t.tfc > 0
"""

# Document frequencies move with the postings. Counted per term from the primary key, then
# applied from an array by primary key: no plan here depends on the tables' statistics (a bulk
# load can leave those badly wrong until the next ANALYZE).
DF_COUNTS_SQL = """
    SELECT term_id, count(*) FROM search_searchposting
     WHERE document_id = ANY(%(ids)s) GROUP BY term_id ORDER BY term_id
"""

DF_APPLY_SQL = """
    UPDATE search_searchterm t SET df = GREATEST(t.df + c.n, 0)
      FROM unnest(%(terms)s::int[], %(deltas)s::int[]) AS c(id, n)
     WHERE t.id = c.id
"""

DELETE_POSTINGS_SQL = "DELETE FROM search_searchposting WHERE document_id = ANY(%(ids)s)"

# The collection measured from scratch: documents and their summed field lengths.
STATS_SQL = """
    SELECT count(*), coalesce(sum(length_a), 0), coalesce(sum(length_b), 0),
           coalesce(sum(length_c), 0)
      FROM search_searchfilterrow
"""

# The same of some documents alone (an index write's before and after).
MEASURE_SQL = """
    SELECT count(*), coalesce(sum(length_a), 0), coalesce(sum(length_b), 0),
           coalesce(sum(length_c), 0)
      FROM search_searchfilterrow WHERE publication_id = ANY(%(ids)s)
"""

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

WORDS_REMOVE_SQL = f"""
    WITH words AS ({_DOCUMENT_WORDS}),
    locked AS (
        SELECT w.id, words.n FROM search_searchword w JOIN words USING (word)
         ORDER BY w.id FOR UPDATE OF w
    )
    UPDATE search_searchword w SET df = GREATEST(w.df - locked.n, 0)
      FROM locked WHERE w.id = locked.id
"""

# After a bulk build, every document frequency counted once from the postings.
RECOUNT_DF_SQL = """
    UPDATE search_searchterm t SET df = c.n
      FROM (SELECT term_id, count(*) AS n FROM search_searchposting GROUP BY term_id) c
     WHERE t.id = c.term_id
"""

# A publication's search document, built from the catalogue in SQL: title and subtitle, names in
# byline order, topics by name, the abstract, and the copies that filters and facets read; the
# full text lives in its pages alone (stored and tokenised once). `truncated`: a page was cut to
# fit the index. Drafts are never indexed. Existing rows are updated and new ones inserted in two
# sub-statements rather than one INSERT ... ON CONFLICT DO UPDATE, which would compute the
# generated vector twice (once for the insert it abandons). The writers' lock (indexing.py) keeps
# another writer from inserting between.
DOCUMENTS_SQL = f"""
    WITH source AS MATERIALIZED (
        SELECT p.id AS publication_id,
               concat_ws(' ', nullif(p.title, ''), nullif(p.subtitle, '')) AS title,
               coalesce(a.names, '') AS authors_text, coalesce(t.names, '') AS topics_text,
               p.abstract, coalesce(b.page_cut, FALSE) AS truncated,
               p.status, p.publication_date, p.type, coalesce(t.ids, '{{}}') AS topic_ids,
               coalesce(a.ids, '{{}}') AS author_ids
          FROM publications_publication p
          LEFT JOIN LATERAL (
               SELECT string_agg(au.name, ' ' ORDER BY pa.position, pa.id) AS names,
                      array_agg(au.id ORDER BY pa.position, pa.id) AS ids
                 FROM publications_publicationauthor pa
                 JOIN publications_author au ON au.id = pa.author_id
                WHERE pa.publication_id = p.id) a ON TRUE
          LEFT JOIN LATERAL (
               SELECT string_agg(tp.name, ' ' ORDER BY tp.name) AS names,
                      array_agg(tp.id ORDER BY tp.id) AS ids
                 FROM publications_publication_topics pt
                 JOIN publications_topic tp ON tp.id = pt.topic_id
                WHERE pt.publication_id = p.id) t ON TRUE
          LEFT JOIN LATERAL (
               SELECT bool_or(length(pg.text) > %(max_page)s) AS page_cut
                 FROM publications_publicationpage pg
                WHERE pg.publication_id = p.id) b ON TRUE
         WHERE p.id = ANY(%(ids)s) AND {released_sql("p")}
    ),
    updated AS (
        UPDATE search_searchdocument d SET
               title = s.title, authors_text = s.authors_text, topics_text = s.topics_text,
               abstract = s.abstract, truncated = s.truncated, status = s.status,
               publication_date = s.publication_date, type = s.type, topic_ids = s.topic_ids,
               author_ids = s.author_ids, indexed_at = now()
          FROM source s
         WHERE d.publication_id = s.publication_id
        RETURNING d.publication_id, d.truncated
    ),
    inserted AS (
        INSERT INTO search_searchdocument (
            publication_id, title, authors_text, topics_text, abstract, truncated, status,
            publication_date, type, topic_ids, author_ids, length_a, length_b, length_c,
            indexed_at)
        SELECT publication_id, title, authors_text, topics_text, abstract, truncated,
               status, publication_date, type, topic_ids, author_ids, 0, 0, 0, now()
          FROM source s
         WHERE NOT EXISTS (SELECT 1 FROM search_searchdocument d
                            WHERE d.publication_id = s.publication_id)
        RETURNING publication_id, truncated
    )
    SELECT publication_id, truncated FROM updated
     UNION ALL
    SELECT publication_id, truncated FROM inserted
"""

# The documents' filter columns copied to their narrow rows (models.SearchFilterRow).
FILTER_ROWS_SQL = """
    INSERT INTO search_searchfilterrow AS f (
        publication_id, status, publication_date, type, topic_ids, author_ids, length_a,
        length_b, length_c)
    SELECT d.publication_id, d.status, d.publication_date, d.type, d.topic_ids, d.author_ids,
           d.length_a, d.length_b, d.length_c
      FROM search_searchdocument d
     WHERE d.publication_id = ANY(%(ids)s)
        ON CONFLICT (publication_id) DO UPDATE
       SET status = excluded.status, publication_date = excluded.publication_date,
           type = excluded.type, topic_ids = excluded.topic_ids, author_ids = excluded.author_ids
"""

DELETE_PAGES_SQL = "DELETE FROM search_searchpage WHERE document_id = ANY(%(ids)s)"

PAGES_SQL = """
    INSERT INTO search_searchpage (document_id, number, text)
    SELECT pg.publication_id, pg.number, left(pg.text, %(max_page)s)
      FROM publications_publicationpage pg
      JOIN search_searchdocument d ON d.publication_id = pg.publication_id
     WHERE pg.publication_id = ANY(%(ids)s)
"""
