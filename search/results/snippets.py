"""Page hits and highlighted snippets for the results on screen, from a bounded part of the text
(the best page, or the abstract), so a 300-page report costs no more than a short one.

Escape, then mark: PostgreSQL marks matches with private-use characters, the text is escaped,
and only then do the markers become our own <mark> tags.
"""

from __future__ import annotations

from django.db import connections
from django.utils.html import escape

from publications.models import first_pdf_sql
from search.index.vectors import CONFIG
from search.replica import search_db

MAX_PAGES_PER_RESULT = 5
SNIPPET_SOURCE_CHARACTERS = 20_000
START, STOP, GAP = "\ue000", "\ue001", "\ue002"
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, FragmentDelimiter={GAP}, "
    "MaxFragments=2, MaxWords=30, MinWords=12"
)

# In one statement: each document's matching pages ranked; the best five of its first PDF kept
# (the `pages` a result links to, in that file's viewer), and the headline built from its best
# page in any file (or, with no page matching, the abstract).
HIGHLIGHTS_SQL = f"""
    WITH ranked AS (
        SELECT p.document_id, p.file_id, p.number,
               ts_rank_cd(p.vector, %(query)s::tsquery) AS rank,
               row_number() OVER (PARTITION BY p.document_id
                                  ORDER BY ts_rank_cd(p.vector, %(query)s::tsquery) DESC,
                                           p.number, p.file_id) AS place
          FROM search_searchpage p
         WHERE p.document_id = ANY(%(ids)s) AND p.vector @@ %(query)s::tsquery
    )
    SELECT d.publication_id,
           ARRAY(SELECT r.number FROM ranked r
                  WHERE r.document_id = d.publication_id
                    AND r.file_id = {first_pdf_sql("d.publication_id")}
                  ORDER BY r.rank DESC, r.number LIMIT {MAX_PAGES_PER_RESULT}),
           ts_headline('{CONFIG}',
                       regexp_replace(
                           left(coalesce(p.text, d.abstract), {SNIPPET_SOURCE_CHARACTERS}),
                           '[{START}{STOP}{GAP}]', ' ', 'g'),
                       %(query)s::tsquery, %(options)s)
      FROM search_searchdocument d
      LEFT JOIN ranked best ON best.document_id = d.publication_id AND best.place = 1
      LEFT JOIN search_searchpage p
        ON p.document_id = d.publication_id AND p.number = best.number
       AND p.file_id IS NOT DISTINCT FROM best.file_id
     WHERE d.publication_id = ANY(%(ids)s)
"""


def highlights(ids: list[int], query: str) -> tuple[dict[int, list[int]], dict[int, str]]:
    """For each document, up to five pages that match best (best first), and its snippet: safe
    HTML, escaped text with our <mark> tags around the matched words."""
    if not ids or not query:
        return {}, {}
    params = {"ids": ids, "query": query, "options": HEADLINE_OPTIONS}
    with connections[search_db()].cursor() as cursor:
        cursor.execute(HIGHLIGHTS_SQL, params)
        rows = cursor.fetchall()
    pages = {document_id: numbers for document_id, numbers, _ in rows if numbers}
    return pages, {document_id: to_html(headline) for document_id, _, headline in rows}


def to_html(headline: str) -> str:
    text = " ".join(escape(headline or "").split())
    text = text.replace(GAP, " … ").replace(START, "<mark>").replace(STOP, "</mark>")
    return text
