"""Writes of the search app outside the index: the log of what readers search for."""

from __future__ import annotations

from django.db import connection

from search.models import SearchQuery
from search.query import normalise

MAX_LOGGED_CHARACTERS = SearchQuery._meta.get_field("text").max_length

# One statement, so concurrent searches for the same words neither race nor fail on the
# unique text: the first inserts, the others add to its counts. Its commit does not wait for
# the disk (synchronous_commit off for this transaction alone): a reader's answer need not, and
# a crash may lose the last few counts, never the index.
LOG_SQL = """
    INSERT INTO search_searchquery AS q
           (text, searches, zero_results, last_results, last_searched_at)
    SELECT %(text)s, 1, %(zero)s, %(results)s, now()
      FROM (SELECT set_config('synchronous_commit', 'off', true)) AS asynchronous
        ON CONFLICT (text) DO UPDATE
       SET searches = q.searches + 1,
           zero_results = q.zero_results + EXCLUDED.zero_results,
           last_results = EXCLUDED.last_results,
           last_searched_at = EXCLUDED.last_searched_at
"""


def normalise_logged_query(text: str) -> str:
    """The form a query is counted under: one line, lower-case, whitespace collapsed, capped."""
    return " ".join(normalise(text).lower().split())[:MAX_LOGGED_CHARACTERS].strip()


def search_log_query(*, text: str, results: int) -> None:
    """Count one search for these words and how many results it found (nothing about who)."""
    normal = normalise_logged_query(text)
    if not normal:
        return
    results = max(0, min(results, 2**31 - 1))
    with connection.cursor() as cursor:
        cursor.execute(LOG_SQL, {"text": normal, "zero": int(results == 0), "results": results})
