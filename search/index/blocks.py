"""Impact-ordered blocks: each term's postings, best first, packed into a few rows (256 postings,
then twice as many per block up to 65,536), so that a query reads the best part of even the
longest list in a round trip or two and stops as soon as the rest cannot matter.

The postings table stays the record, written in the catalogue's transactions. The blocks are
derived from it: every document the index writes or removes is listed as stale in the same
transaction (and the terms it held before), and ranking ignores the blocks' entries for stale
documents and scores them from the postings instead, so the blocks never make a result stale.
`compact` rebuilds the blocks of the terms stale documents held and hold now, then takes them off
the lists, in one transaction.

Impacts here are computed with the scoring averages of the moment a term's blocks are built, and
each row keeps them: when the averages have moved since, readers widen their bounds by
`scoring.impact_bounds` and score candidates from the postings, and compaction rebuilds such
terms' blocks with today's averages, `Tuning.compaction_terms` at a time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from search.index import parallel, statistics
from search.models import SearchStats
from search.ranking.scoring import FIELDS, CollectionStats, impact_sql
from search.tuning import Tuning, site_tuning

# Only one compaction at a time (a transaction-level advisory lock; a second one skips).
COMPACTION_LOCK = 0x5EA4C12

# The averages a block keeps, one per field, and the parameters that give today's.
AVERAGES = ", ".join(f"average_{field}" for field in FIELDS)
AVERAGE_PARAMETERS = ", ".join(f"%(average_{field})s" for field in FIELDS)

BUILD_SQL = f"""
    INSERT INTO search_searchblock (
        term_id, number, floor, size, documents, impacts, {AVERAGES})
    SELECT term_id, width_bucket(rank, %(ends)s::bigint[]), min(impact), count(*),
           string_agg(int8send(document_id), ''::bytea ORDER BY rank),
           string_agg(float4send(impact::float4), ''::bytea ORDER BY rank),
           {AVERAGE_PARAMETERS}
      FROM (SELECT term_id, document_id, impact,
                   row_number() OVER (PARTITION BY term_id ORDER BY impact DESC) - 1 AS rank
              FROM (SELECT sp.term_id, sp.document_id, {impact_sql()} AS impact
                      FROM search_searchposting sp
                      JOIN search_searchfilterrow l ON l.publication_id = sp.document_id
                     WHERE {{terms}}) scored) ranked
     GROUP BY term_id, width_bucket(rank, %(ends)s::bigint[])
"""

# A run of consecutive term ids: a range of the term index.
TERM_RANGE = "sp.term_id BETWEEN %(low)s AND %(high)s"

# Terms whose blocks were built with other averages than today's (one row per term: its first).
OUTDATED_SQL = f"""
    SELECT term_id FROM search_searchblock
     WHERE number = 0 AND ({AVERAGES}) IS DISTINCT FROM ({AVERAGE_PARAMETERS})
     ORDER BY term_id LIMIT %(limit)s
"""


def block_ends(longest: int, tuning: Tuning) -> list[int]:
    """Where each block ends, as ranks in impact order, for lists up to `longest` postings (any
    longer list puts its tail in the last block): `tuning.first_block`, doubling up to
    `tuning.largest_block`."""
    ends, size = [tuning.first_block], tuning.first_block
    while ends[-1] < longest:
        size = min(size * 2, tuning.largest_block)
        ends.append(ends[-1] + size)
    return ends


def mark_stale(document_ids: list[int], term_ids: list[int]) -> None:
    """List documents about to be written or removed, with the terms their postings hold before
    the change (in the writer's transaction, before their postings change)."""
    with connection.cursor() as cursor:
        if document_ids:
            cursor.execute(
                "INSERT INTO search_searchstaledocument (document_id) SELECT unnest(%s::bigint[])",
                [document_ids],
            )
        if term_ids:
            cursor.execute(
                "INSERT INTO search_searchstaleterm (term_id) SELECT unnest(%s::int[])", [term_ids]
            )


def compact(
    *,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
    tuning: Tuning | None = None,
) -> int:
    """Bring the blocks up to date: those of the terms stale documents hold and of up to
    `tuning.compaction_terms` terms built with other averages than today's, or (`full`, or when
    blocks were never built) every term's, that many per statement. Returns how many terms were
    rebuilt; 0 when another compaction holds the lock."""
    tuning = tuning or site_tuning()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [COMPACTION_LOCK])
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(
            "SELECT (SELECT max(id) FROM search_searchstaledocument), "
            "(SELECT max(id) FROM search_searchstaleterm)"
        )
        newest, newest_term = (value or 0 for value in cursor.fetchone())
        built = SearchStats.objects.filter(pk=1, blocks_built_at__isnull=False).exists()
        stats = statistics.current()
        if full or not built:
            terms = _term_ids(cursor)
        else:
            cursor.execute(
                """SELECT term_id FROM search_searchposting
                    WHERE document_id IN (SELECT document_id FROM search_searchstaledocument
                                           WHERE id <= %(newest)s)
                    UNION
                   SELECT term_id FROM search_searchstaleterm WHERE id <= %(newest_term)s""",
                {"newest": newest, "newest_term": newest_term},
            )
            terms = {row[0] for row in cursor.fetchall()}
            cursor.execute(OUTDATED_SQL, {**stats.averages(), "limit": tuning.compaction_terms})
            terms = sorted(terms | {row[0] for row in cursor.fetchall()})
        _rebuild_terms(
            cursor, terms, stats, tuning, everything=full or not built, progress=progress
        )
        # Entries listed after these were written after this began: they stay listed.
        cursor.execute("DELETE FROM search_searchstaledocument WHERE id <= %s", [newest])
        cursor.execute("DELETE FROM search_searchstaleterm WHERE id <= %s", [newest_term])
        if full or not built:
            SearchStats.objects.update_or_create(pk=1, defaults={"blocks_built_at": timezone.now()})
        return len(terms)


def _rebuild_terms(
    cursor: CursorWrapper,
    terms: list[int],
    stats: CollectionStats,
    tuning: Tuning,
    *,
    everything: bool,
    progress: Callable[[int, int], None] | None,
) -> None:
    if everything:
        cursor.execute("DELETE FROM search_searchblock")
    ends = _ends(cursor, tuning)
    for chunk in _runs(terms, tuning):
        if everything:
            _build_range(cursor, chunk, stats, ends)
        else:
            cursor.execute("DELETE FROM search_searchblock WHERE term_id = ANY(%s)", [chunk])
            cursor.execute(
                BUILD_SQL.format(terms="sp.term_id = ANY(%(terms)s)"),
                {"terms": chunk, **stats.averages(), "ends": ends},
            )
        if progress:
            progress(len(chunk), len(terms))


def build_all(
    *,
    jobs: int = 1,
    within: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext,
    tuning: Tuning | None = None,
) -> int:
    """Every term's blocks from the postings into an empty blocks table that nobody else writes
    (a rebuild's new index): runs of `tuning.compaction_terms` terms, each in its own
    transaction, in `jobs` threads side by side, each entering `within` (the rebuild's tables)
    on its own connection. Returns how many terms."""
    tuning = tuning or site_tuning()
    stats = statistics.current()
    with connection.cursor() as cursor:
        terms = _term_ids(cursor)
        ends = _ends(cursor, tuning)

    def build(run: list[int]) -> None:
        with within(), transaction.atomic(), connection.cursor() as cursor:
            _build_range(cursor, run, stats, ends)

    parallel.each_batch(build, _runs(terms, tuning), jobs=jobs)
    SearchStats.objects.update_or_create(pk=1, defaults={"blocks_built_at": timezone.now()})
    return len(terms)


def _term_ids(cursor: CursorWrapper) -> list[int]:
    cursor.execute("SELECT id FROM search_searchterm ORDER BY id")
    return [row[0] for row in cursor.fetchall()]


def _runs(terms: list[int], tuning: Tuning) -> list[list[int]]:
    """The terms in runs of `tuning.compaction_terms`, each built by one statement."""
    step = tuning.compaction_terms
    return [terms[start : start + step] for start in range(0, len(terms), step)]


def _build_range(
    cursor: CursorWrapper, run: list[int], stats: CollectionStats, ends: list[int]
) -> None:
    """The blocks of a run of consecutive term ids, read as a range of the term index."""
    params = {"low": run[0], "high": run[-1], **stats.averages(), "ends": ends}
    cursor.execute(BUILD_SQL.format(terms=TERM_RANGE), params)


def _ends(cursor: CursorWrapper, tuning: Tuning) -> list[int]:
    cursor.execute("SELECT coalesce(max(df), 0) FROM search_searchterm")
    # Document frequencies may lag a little behind the postings: room to spare.
    return block_ends(2 * cursor.fetchone()[0] + tuning.first_block, tuning)


def stale_documents(cursor: CursorWrapper, limit: int) -> list[int] | None:
    """The documents whose block entries must be ignored, or None when there are more than
    `limit` of them (or blocks were never built): then the blocks are not worth reading."""
    cursor.execute(
        """SELECT (SELECT blocks_built_at IS NOT NULL FROM search_searchstats WHERE id = 1),
                  ARRAY(SELECT DISTINCT document_id FROM search_searchstaledocument
                         LIMIT %s)""",
        [limit + 1],
    )
    built, stale = cursor.fetchone()
    if not built or len(stale) > limit:
        return None
    return stale
