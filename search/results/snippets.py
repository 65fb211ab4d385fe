"""Hits and highlighted snippets for the results on screen, from a bounded part of the text (the
best matching page or body section, or the abstract), so a 300-page report costs no more than a
short one.

A hit is where in a publication the words are: a page of one of its files, or a section of its
body (linked by the anchor of its heading). Escape, then mark: PostgreSQL marks matches with
private-use characters, the text is escaped, and only then do the markers become our own <mark>
tags.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.utils.html import escape

from publications.models import first_pdf_sql
from publications.richtext import BODY_ID
from search.index.vectors import CONFIG
from search.replica import search_db

MAX_HITS_PER_RESULT = 5
SNIPPET_SOURCE_CHARACTERS = 20_000
START, STOP, GAP = "\ue000", "\ue001", "\ue002"
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, FragmentDelimiter={GAP}, "
    "MaxFragments=2, MaxWords=30, MinWords=12"
)


@dataclass(frozen=True)
class Hit:
    """A page of a file (`file` null for text imported without one), or a body section: its
    heading's `anchor` (the body's own id for the text before the first heading) and `heading`."""

    file: int | None = None
    page: int | None = None
    anchor: str | None = None
    heading: str = ""

    @property
    def in_body(self) -> bool:
        return self.anchor is not None


# In one statement: each document's matching pages and body sections ranked together (a body
# section first on a tie: the web text is what a reader can land in), the best five kept, and
# the headline built from the best one's text (or, with none matching, the abstract). A page's
# text is the catalogue's: the index keeps only its words.
HIGHLIGHTS_SQL = f"""
    WITH parts AS (
        SELECT p.document_id, p.file_id, p.number, NULL::text AS anchor,
               '' AS heading, ts_rank_cd(p.vector, %(query)s::tsquery) AS rank
          FROM search_searchpage p
         WHERE p.document_id = ANY(%(ids)s) AND p.vector @@ %(query)s::tsquery
        UNION ALL
        SELECT s.document_id, NULL, s.number, s.anchor, s.heading,
               ts_rank_cd(s.vector, %(query)s::tsquery)
          FROM search_searchsection s
         WHERE s.document_id = ANY(%(ids)s) AND s.vector @@ %(query)s::tsquery
    ),
    ranked AS (
        SELECT parts.*,
               row_number() OVER (PARTITION BY document_id
                                  ORDER BY rank DESC, anchor IS NULL, file_id NULLS FIRST,
                                           number) AS place
          FROM parts
    )
    SELECT d.publication_id,
           (SELECT json_agg(json_build_array(r.file_id, r.number, r.anchor, r.heading)
                            ORDER BY r.place)
              FROM ranked r
             WHERE r.document_id = d.publication_id AND r.place <= {MAX_HITS_PER_RESULT}),
           ts_headline('{CONFIG}',
                       regexp_replace(
                           left(coalesce(s.text, p.text, d.abstract), {SNIPPET_SOURCE_CHARACTERS}),
                           '[{START}{STOP}{GAP}]', ' ', 'g'),
                       %(query)s::tsquery, %(options)s),
           {first_pdf_sql("d.publication_id")}
      FROM search_searchdocument d
      LEFT JOIN ranked best ON best.document_id = d.publication_id AND best.place = 1
      LEFT JOIN search_searchsection s
        ON best.anchor IS NOT NULL AND s.document_id = d.publication_id
       AND s.number = best.number
      LEFT JOIN publications_publicationpage p
        ON best.anchor IS NULL AND p.publication_id = d.publication_id AND p.number = best.number
       AND p.file_id IS NOT DISTINCT FROM best.file_id
     WHERE d.publication_id = ANY(%(ids)s)
"""


@dataclass(frozen=True)
class Highlight:
    """A result's hits (best first), its snippet (safe HTML: escaped text with our <mark> tags
    around the matched words), and the id of its first PDF, whose pages the API's `pages` are."""

    hits: list[Hit]
    snippet: str
    first_pdf: int | None

    @property
    def pages(self) -> list[int]:
        return [hit.page for hit in self.hits if hit.file == self.first_pdf and hit.page]


def highlights(ids: list[int], query: str) -> dict[int, Highlight]:
    """For each document, up to five places that match best, and its snippet."""
    if not ids or not query:
        return {}
    params = {"ids": ids, "query": query, "options": HEADLINE_OPTIONS}
    with connections[search_db()].cursor() as cursor:
        cursor.execute(HIGHLIGHTS_SQL, params)
        rows = cursor.fetchall()
    return {
        document_id: Highlight([_hit(*part) for part in parts or []], to_html(headline), first)
        for document_id, parts, headline, first in rows
    }


def _hit(file: int | None, number: int, anchor: str | None, heading: str) -> Hit:
    if anchor is None:
        return Hit(file=file, page=number)
    return Hit(anchor=anchor or BODY_ID, heading=heading)


def to_html(headline: str) -> str:
    text = " ".join(escape(headline or "").split())
    text = text.replace(GAP, " … ").replace(START, "<mark>").replace(STOP, "</mark>")
    return text
