"""The SQL that writes postings (each term's frequency per field in a document), the documents'
field lengths, and document frequencies. Nothing written here depends on the rest of the
collection: scores are computed where they are read (search.ranking.scoring).
"""

from __future__ import annotations

# Each lexeme counted per field: A and B from the document's vector, C from its body's
# sections, D from its files' pages (each section and page under the tsvector position limit).
# A document's pages are counted by ts_stat (its nentry is the positions a lexeme holds, summed
# over the pages: what cardinality(positions) gives page by page), in C: unnest built two arrays
# for every lexeme of every page. It runs a query of its own per document, so only for
# documents that have pages.
LEXEMES_SQL = """
    SELECT d.publication_id AS doc, u.lexeme,
           cardinality(array_positions(u.weights, 'A')) AS tfa,
           cardinality(array_positions(u.weights, 'B')) AS tfb,
           0 AS tfc, 0 AS tfd
      FROM search_searchdocument d CROSS JOIN LATERAL unnest(d.vector) u
     WHERE d.publication_id = ANY(%(ids)s)
       AND (u.weights && ARRAY['A', 'B'])
    UNION ALL
    SELECT s.document_id, u.lexeme, 0, 0, cardinality(u.positions), 0
      FROM search_searchsection s CROSS JOIN LATERAL unnest(s.vector) u
     WHERE s.document_id = ANY(%(ids)s)
    UNION ALL
    SELECT i.doc, s.word, 0, 0, 0, s.nentry
      FROM unnest(%(ids)s::bigint[]) AS i(doc)
     CROSS JOIN LATERAL ts_stat(
           format('SELECT vector FROM search_searchpage WHERE document_id = %%s', i.doc)) s
     WHERE EXISTS (SELECT 1 FROM search_searchpage p WHERE p.document_id = i.doc)
"""

# Each (document, lexeme) once, with its frequency per field.
PER_TERM_SQL = f"""
    SELECT doc, lexeme, sum(tfa) AS tfa, sum(tfb) AS tfb, sum(tfc) AS tfc, sum(tfd) AS tfd
      FROM ({LEXEMES_SQL}) lexemes
     GROUP BY doc, lexeme
"""

# Measuring: each document's field lengths, stored on the document and its filter row (which
# scoring reads). Every document asked for is measured, one with no words too (its lengths
# become 0).
_MEASURED = """
    lengths AS MATERIALIZED (
        SELECT i.doc, coalesce(sum(t.tfa), 0) AS lena, coalesce(sum(t.tfb), 0) AS lenb,
               coalesce(sum(t.tfc), 0) AS lenc, coalesce(sum(t.tfd), 0) AS lend
          FROM unnest(%(ids)s::bigint[]) AS i(doc) LEFT JOIN per_term t USING (doc)
         GROUP BY i.doc
    ),
    measured AS (
        UPDATE search_searchdocument d
           SET length_a = l.lena, length_b = l.lenb, length_c = l.lenc, length_d = l.lend
          FROM lengths l
         WHERE d.publication_id = l.doc
    ),
    measured_rows AS (
        UPDATE search_searchfilterrow f
           SET length_a = l.lena, length_b = l.lenb, length_c = l.lenc, length_d = l.lend
          FROM lengths l
         WHERE f.publication_id = l.doc
    )
"""

# The terms the index lacks added, then the postings written. The sub-statements of a WITH
# share one snapshot: `known` cannot see the rows `added` inserts, so each lexeme's id comes
# from exactly one of them (`added` tries only the lexemes `known` lacks: a conflict check per
# known lexeme cost a third of the statement). A term another transaction inserted after that
# snapshot would come from neither: the caller holds the writers' lock (writes.py), or in a
# rebuild the loaders' lock.
_TERMS = """
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
    INSERT INTO search_searchposting (document_id, term_id, tf_a, tf_b, tf_c, tf_d)
    SELECT t.doc, terms.id, t.tfa, t.tfb, t.tfc, t.tfd
      FROM per_term t
      JOIN (SELECT id, lexeme FROM added UNION ALL SELECT id, lexeme FROM known) terms
           USING (lexeme)
     WHERE t.tfa + t.tfb + t.tfc + t.tfd > 0
"""

# One statement per batch: count, measure, add terms and write postings, the vectors read once.
POSTINGS_SQL = f"WITH per_term AS MATERIALIZED ({PER_TERM_SQL}), {_MEASURED}, {_TERMS}"

# A rebuild's loaders count a batch's lexemes into a table of the transaction's own and measure
# its documents side by side, then add its terms and write its postings one loader at a time.
STAGE_SQL = f"CREATE TEMPORARY TABLE staged_postings ON COMMIT DROP AS {PER_TERM_SQL}"
_STAGED = "per_term AS NOT MATERIALIZED (SELECT * FROM staged_postings)"
# Data-modifying sub-statements run to completion whether or not anything reads them.
STAGED_MEASURE_SQL = f"WITH {_STAGED}, {_MEASURED} SELECT 1"
STAGED_POSTINGS_SQL = f"WITH {_STAGED}, {_TERMS}"


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

# After a bulk build, every document frequency counted once from the postings.
RECOUNT_DF_SQL = """
    UPDATE search_searchterm t SET df = c.n
      FROM (SELECT term_id, count(*) AS n FROM search_searchposting GROUP BY term_id) c
     WHERE t.id = c.term_id
"""
