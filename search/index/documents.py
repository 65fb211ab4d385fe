"""The SQL that writes a publication's search document from the catalogue: the document (title,
names, topics, abstract and the copies filters read), its narrow filter row, and its pages (the
full text's words, page by page).
"""

from __future__ import annotations

from publications.models import released_sql
from search.index.vectors import page_vector_sql

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
               p.visible_from, p.publication_date, p.type, coalesce(t.ids, '{{}}') AS topic_ids,
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
               abstract = s.abstract, truncated = s.truncated, visible_from = s.visible_from,
               publication_date = s.publication_date, type = s.type, topic_ids = s.topic_ids,
               author_ids = s.author_ids, indexed_at = now()
          FROM source s
         WHERE d.publication_id = s.publication_id
        RETURNING d.publication_id, d.truncated
    ),
    inserted AS (
        INSERT INTO search_searchdocument (
            publication_id, title, authors_text, topics_text, abstract, truncated, visible_from,
            publication_date, type, topic_ids, author_ids, length_a, length_b, length_c,
            length_d, indexed_at)
        SELECT publication_id, title, authors_text, topics_text, abstract, truncated,
               visible_from, publication_date, type, topic_ids, author_ids, 0, 0, 0, 0, now()
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
        publication_id, visible_from, publication_date, type, topic_ids, author_ids, length_a,
        length_b, length_c, length_d)
    SELECT d.publication_id, d.visible_from, d.publication_date, d.type, d.topic_ids, d.author_ids,
           d.length_a, d.length_b, d.length_c, d.length_d
      FROM search_searchdocument d
     WHERE d.publication_id = ANY(%(ids)s)
        ON CONFLICT (publication_id) DO UPDATE
       SET visible_from = excluded.visible_from, publication_date = excluded.publication_date,
           type = excluded.type, topic_ids = excluded.topic_ids, author_ids = excluded.author_ids
"""

DELETE_SECTIONS_SQL = "DELETE FROM search_searchsection WHERE document_id = ANY(%(ids)s)"

# The body's sections, split in Python (publications.richtext.sections) and written in one
# statement; only documents the index holds get them.
SECTIONS_SQL = """
    INSERT INTO search_searchsection (document_id, number, anchor, heading, text)
    SELECT s.document_id, s.number, s.anchor, s.heading, s.text
      FROM unnest(%(documents)s::bigint[], %(numbers)s::int[], %(anchors)s::text[],
                  %(headings)s::text[], %(texts)s::text[])
           AS s(document_id, number, anchor, heading, text)
      JOIN search_searchdocument d ON d.publication_id = s.document_id
"""

FLAG_TRUNCATED_SQL = """
    UPDATE search_searchdocument SET truncated = TRUE WHERE publication_id = ANY(%(ids)s)
"""

BODIES_SQL = """
    SELECT id, body FROM publications_publication WHERE id = ANY(%(ids)s) AND body <> ''
"""

DELETE_PAGES_SQL = "DELETE FROM search_searchpage WHERE document_id = ANY(%(ids)s)"

# The pages' vectors from the catalogue's text, which the index does not copy.
PAGES_SQL = f"""
    INSERT INTO search_searchpage (document_id, file_id, number, vector)
    SELECT pg.publication_id, pg.file_id, pg.number,
           {page_vector_sql("left(pg.text, %(max_page)s)")}
      FROM publications_publicationpage pg
      JOIN search_searchdocument d ON d.publication_id = pg.publication_id
     WHERE pg.publication_id = ANY(%(ids)s)
"""
