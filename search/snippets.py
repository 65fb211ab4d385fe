"""Page hits and highlighted snippets for the results on screen, from a bounded part of the text
(the best page, or the abstract), so a 300-page report costs no more than a short one.

Escape, then mark: PostgreSQL marks matches with private-use characters, the text is escaped,
and only then do the markers become our own <mark> tags.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connections
from django.utils.html import escape

from search.replica import search_db
from search.vectors import CONFIG

MAX_PAGES_PER_RESULT = 5
SNIPPET_SOURCE_CHARACTERS = 20_000
START, STOP, GAP = "\ue000", "\ue001", "\ue002"
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, FragmentDelimiter={GAP}, "
    "MaxFragments=2, MaxWords=30, MinWords=12"
)

PAGES_SQL = """
    SELECT p.document_id, p.number
      FROM search_searchpage p
     WHERE p.document_id = ANY(%(ids)s) AND p.vector @@ %(query)s::tsquery
     ORDER BY p.document_id, ts_rank_cd(p.vector, %(query)s::tsquery) DESC, p.number
"""

SNIPPETS_SQL = f"""
    SELECT d.publication_id,
           ts_headline('{CONFIG}',
                       regexp_replace(
                           left(coalesce(p.text, d.abstract), {SNIPPET_SOURCE_CHARACTERS}),
                           '[{START}{STOP}{GAP}]', ' ', 'g'),
                       %(query)s::tsquery, %(options)s)
      FROM search_searchdocument d
      LEFT JOIN unnest(%(page_ids)s::int[], %(page_numbers)s::int[]) AS best(id, number)
        ON best.id = d.publication_id
      LEFT JOIN search_searchpage p
        ON p.document_id = d.publication_id AND p.number = best.number
     WHERE d.publication_id = ANY(%(ids)s)
"""


def page_hits(ids: list[int], query: str) -> dict[int, list[int]]:
    """For each document, up to five pages that match best, best first."""
    if not ids or not query:
        return {}
    pages: dict[int, list[int]] = defaultdict(list)
    with connections[search_db()].cursor() as cursor:
        cursor.execute(PAGES_SQL, {"ids": ids, "query": query})
        for document_id, number in cursor.fetchall():
            if len(pages[document_id]) < MAX_PAGES_PER_RESULT:
                pages[document_id].append(number)
    return pages


def snippets(ids: list[int], query: str, pages: dict[int, list[int]]) -> dict[int, str]:
    """Safe HTML per document: escaped text, our <mark> tags around the matched words."""
    if not ids or not query:
        return {}
    best = {document_id: numbers[0] for document_id, numbers in pages.items() if numbers}
    params = {
        "ids": ids,
        "query": query,
        "options": HEADLINE_OPTIONS,
        "page_ids": list(best),
        "page_numbers": list(best.values()),
    }
    with connections[search_db()].cursor() as cursor:
        cursor.execute(SNIPPETS_SQL, params)
        return {document_id: to_html(headline) for document_id, headline in cursor.fetchall()}


def to_html(headline: str) -> str:
    text = " ".join(escape(headline or "").split())
    text = text.replace(GAP, " … ").replace(START, "<mark>").replace(STOP, "</mark>")
    return text
