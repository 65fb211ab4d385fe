"""Whole posting lists read from the impact-ordered blocks (search.index.blocks): a term's documents
and impacts in a few rows, for the questions that need every document holding a word rather
than the best of them (phrase candidates, the matches inside a filter).

The blocks lag behind the postings for documents changed since the last compaction (listed as
stale): their block entries are dropped here and what they hold now is read from the postings.
"""

from __future__ import annotations

import datetime

import numpy as np
import psycopg
from django.db import connections
from django.db.backends.utils import CursorWrapper

from search.index import blocks
from search.replica import search_db

READ_ALL_SQL = """
    SELECT term_id, documents, impacts, average_a, average_b, average_c, average_d
      FROM search_searchblock
     WHERE term_id = ANY(%(terms)s::int[])
"""

# Indexed but not shown: scheduled publications whose time has not come (drafts are never
# indexed). Few at any time, read by their index.
HIDDEN_SQL = """
    SELECT publication_id FROM search_searchfilterrow WHERE visible_from > %(now)s
"""

# Those of these (stale) documents that hold at least `count` of the terms.
HOLDING_SQL = """
    SELECT document_id FROM search_searchposting
     WHERE document_id = ANY(%(documents)s::int[]) AND term_id = ANY(%(terms)s::int[])
     GROUP BY document_id HAVING count(*) >= %(count)s
"""

Lists = dict[int, list[tuple[np.ndarray, np.ndarray]]]
# Per term, the averages its blocks were built with (scoring.impact_bounds).
Built = dict[int, tuple[float, float, float]]


def fetch_blocks(cursor: CursorWrapper, sql: str, params: dict) -> list[tuple]:
    """The rows of a query over the blocks, received in PostgreSQL's binary format. Django's
    cursors bind parameters client-side, which psycopg allows only with text results, where
    bytea travels hex-encoded: a word in most documents has megabytes of blocks, and decoding
    their hex took twice as long as the rest of reading them. The same connection and
    transaction; not prepared, so a transaction-pooling proxy in front of PostgreSQL is no
    problem. Django's query log does not see these statements."""
    with psycopg.Cursor(cursor.cursor.connection) as raw:
        raw.execute(sql, params, prepare=False, binary=True)
        return raw.fetchall()


def unpacked_ids(packed: bytes) -> np.ndarray:
    """Document ids packed big-endian (int8send), in the machine's byte order: indexing with
    big-endian arrays converted them again at every use."""
    return np.frombuffer(packed, dtype=">i8").astype(np.int64)


def unpacked_impacts(packed: bytes) -> np.ndarray:
    """Single-precision impacts packed big-endian, as native doubles."""
    return np.frombuffer(packed, dtype=">f4").astype(np.float64)


def read_lists(cursor: CursorWrapper, term_ids: list[int]) -> tuple[Lists, Built]:
    """Each term's documents and impacts, block by block, and the averages they were built
    with."""
    lists: Lists = {}
    built: Built = {}
    rows = fetch_blocks(cursor, READ_ALL_SQL, {"terms": term_ids})
    for term_id, documents, impacts, *averages in rows:
        lists.setdefault(term_id, []).append((unpacked_ids(documents), unpacked_impacts(impacts)))
        built[term_id] = tuple(averages)
    return lists, built


def stale_holding(cursor: CursorWrapper, stale: list[int], term_ids: list[int], count: int):
    """Those stale documents that hold at least `count` of the terms now."""
    if not stale:
        return []
    cursor.execute(HOLDING_SQL, {"documents": stale, "terms": term_ids, "count": count})
    return [row[0] for row in cursor.fetchall()]


def hidden_documents(cursor: CursorWrapper, now: datetime.datetime) -> list[int]:
    cursor.execute(HIDDEN_SQL, {"now": now})
    return [row[0] for row in cursor.fetchall()]


def holding_any(
    term_ids: list[int], among: np.ndarray | None, *, now: datetime.datetime, stale_limit: int
) -> np.ndarray | None:
    """The documents the public may see now that hold any of the terms; only those of
    `among` when given (a listed filter's ids, which leave the hidden out already). None when
    the blocks cannot say (never built, or more than `stale_limit` documents stale)."""
    with connections[search_db()].cursor() as cursor:
        stale = blocks.stale_documents(cursor, stale_limit)
        if stale is None:
            return None
        lists, _ = read_lists(cursor, term_ids)
        held_now = stale_holding(cursor, stale, term_ids, 1)
        hidden = hidden_documents(cursor, now) if among is None else []
    parts = [docs for term_parts in lists.values() for docs, _ in term_parts]
    largest = [int(docs.max()) for docs in parts if len(docs)]
    size = 1 + max(largest + stale + held_now + hidden + [0])
    # A mark per document id rather than sorting the lists together: linear in the postings.
    held = np.zeros(size, dtype=bool)
    for docs in parts:
        held[docs] = True
    held[stale] = False
    held[held_now] = True
    held[hidden] = False
    if among is None:
        return np.flatnonzero(held)
    inside = among[among < size]
    return inside[held[inside]]
