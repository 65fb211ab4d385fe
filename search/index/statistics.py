"""The collection statistics BM25F reads: how many documents, their summed field lengths, and the
average lengths scores are computed with.

The count and the totals are exact at every commit: each index write adds what it changed, in
its own transaction (writers hold one lock, so the row is never contended by two). The scoring
averages follow the totals whenever they drift more than `Tuning.averages_tolerance` (relative),
and exactly at the end of an import or a rebuild: a score computed with averages within a
fraction e of the exact ones is within e of its exact value (search.ranking.scoring's
impact_bounds), so only documents whose scores lie that close can swap places. Each move leaves
the ranking blocks built with the old averages; their bounds widen by the same factor until
compaction rebuilds them (search.index.blocks), so no result is ever dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from search.models import SearchStats
from search.ranking.scoring import FIELDS, CollectionStats
from search.tuning import site_tuning

# One index writer at a time (a transaction-level advisory lock, released at commit): each
# writer locks term and word rows in several statements (old ones out, new ones in), so two
# writers whose old and new words cross would otherwise deadlock; and the totals here are
# read and written by one of them at a time.
WRITER_LOCK = 0x5EA4C11

# The collection measured from scratch: documents and their summed field lengths.
_SUMS = ", ".join(f"coalesce(sum(length_{field}), 0)" for field in FIELDS)
STATS_SQL = f"SELECT count(*), {_SUMS} FROM search_searchfilterrow"

# The same of some documents alone (an index write's before and after).
MEASURE_SQL = f"""
    SELECT count(*), {_SUMS} FROM search_searchfilterrow WHERE publication_id = ANY(%(ids)s)
"""


@dataclass(frozen=True)
class Measure:
    """Documents and their summed field lengths (one per field of scoring.FIELDS, in order)."""

    documents: int = 0
    lengths: tuple[int, ...] = (0,) * len(FIELDS)

    @classmethod
    def from_row(cls, row: tuple) -> Measure:
        documents, *lengths = (int(value) for value in row)
        return cls(documents, tuple(lengths))

    def __sub__(self, other: Measure) -> Measure:
        return Measure(
            self.documents - other.documents,
            tuple(mine - theirs for mine, theirs in zip(self.lengths, other.lengths, strict=True)),
        )


TOTALS = ("documents", *(f"total_length_{field}" for field in FIELDS))
AVERAGES = tuple(f"average_length_{field}" for field in FIELDS)


def _totals_sql(new_value: str) -> str:
    """An upsert of the one statistics row whose totals become `new_value` (a format string of
    the column's name), returning the row."""
    assignments = ", ".join(f"{column} = {new_value.format(column)}" for column in TOTALS)
    lengths = ", ".join(f"%(length_{field})s" for field in FIELDS)
    return f"""
        INSERT INTO search_searchstats AS s (
            id, {", ".join(TOTALS)}, {", ".join(AVERAGES)}, updated_at)
        VALUES (1, %(documents)s, {lengths}, {", ".join("1" for _ in AVERAGES)}, now())
        ON CONFLICT (id) DO UPDATE SET {assignments}, updated_at = now()
        RETURNING {", ".join(TOTALS)}, {", ".join(AVERAGES)}
    """


ADD_SQL = _totals_sql("s.{0} + excluded.{0}")
SET_SQL = _totals_sql("excluded.{0}")

AVERAGES_SQL = f"""
    UPDATE search_searchstats SET {", ".join(f"{column} = %s" for column in AVERAGES)} WHERE id = 1
"""


def measure(ids: list[int]) -> Measure:
    """What these documents count for in the totals now (those not in the index, nothing)."""
    with connection.cursor() as cursor:
        cursor.execute(MEASURE_SQL, {"ids": ids})
        return Measure.from_row(cursor.fetchone())


def record_change(before: Measure, after: Measure) -> None:
    """Add an index write's change to the totals (in the writer's transaction), and move the
    scoring averages if they drifted past the tolerance."""
    delta = after - before
    if delta == Measure():
        return
    with connection.cursor() as cursor:
        cursor.execute(ADD_SQL, _params(delta))
        _follow(cursor, cursor.fetchone(), exact=False)


def recount(*, exact: bool = False) -> SearchStats:
    """Measure the collection from scratch (the narrow filter rows, not the documents) and set
    the totals; `exact` sets the scoring averages to the measured ones, else they move only
    past the tolerance. Holds the writers' lock, so no write's change is lost in between."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITER_LOCK])
        cursor.execute(STATS_SQL)
        measured = Measure.from_row(cursor.fetchone())
        cursor.execute(SET_SQL, _params(measured))
        _follow(cursor, cursor.fetchone(), exact=exact)
    return SearchStats.objects.get(pk=1)


def current() -> CollectionStats:
    """The statistics scores are computed with now: the exact count, the scoring averages."""
    stats = SearchStats.objects.filter(pk=1).first()
    if stats is None:
        return CollectionStats(0, *(1.0 for _ in AVERAGES))
    return CollectionStats(stats.documents, *(getattr(stats, column) for column in AVERAGES))


def _params(measure: Measure) -> dict[str, int]:
    lengths = zip(FIELDS, measure.lengths, strict=True)
    return {"documents": measure.documents, **{f"length_{field}": n for field, n in lengths}}


def _follow(cursor, row: tuple, *, exact: bool) -> None:
    documents, *rest = row
    totals, averages = rest[: len(FIELDS)], rest[len(FIELDS) :]
    measured = [max(total / documents, 1.0) if documents else 1.0 for total in totals]
    drift = max(
        abs(now - before) / max(before, 1.0) for now, before in zip(measured, averages, strict=True)
    )
    tolerance = site_tuning().averages_tolerance
    if (exact and drift > 0) or drift > tolerance:
        cursor.execute(AVERAGES_SQL, measured)
