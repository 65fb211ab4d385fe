"""Rebuilding the whole search index beside the live one, then switching to it at once.

The new index is built in a schema of its own (`search_next`) whose tables have the live ones'
names, columns, constraints and storage settings: with `search_path` naming that schema first, the
index's own code writes there unchanged, while the catalogue's tables are still found in
`public`. Readers keep the live index all along. Compactions of the live index wait for the
rebuild (it holds their lock), so every publication written meanwhile stays listed as stale
there; at the switch, under the writers' lock, those are indexed again into the new tables, which
then replace the live ones in one transaction. The new index needs as much disk again as the live
one until the switch.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Callable, Iterator

from django.db import connection, transaction

from search.index import blocks, statistics
from search.index.statistics import WRITER_LOCK

logger = logging.getLogger(__name__)

SCHEMA = "search_next"
# The index's tables, referenced ones first (the search log, search_searchquery, is not rebuilt).
TABLES = (
    "search_searchdocument",
    "search_searchfilterrow",
    "search_searchpage",
    "search_searchsection",
    "search_searchterm",
    "search_searchposting",
    "search_searchblock",
    "search_searchstaledocument",
    "search_searchstaleterm",
    "search_searchword",
    "search_searchstats",
)

# Constraints (primary keys, unique, foreign keys) and other indexes of a live table, as SQL;
# read with search_path at its default, so names in `public` come unqualified.
CONSTRAINTS_SQL = """
    SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
     WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f')
     ORDER BY contype = 'f', conname
"""
INDEXES_SQL = """
    SELECT indexdef FROM pg_indexes
     WHERE schemaname = 'public' AND tablename = %s
       AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)
"""
OPTIONS_SQL = "SELECT reloptions FROM pg_class WHERE oid = %s::regclass"


def rebuild_beside(
    *,
    load: Callable[[], int],
    finish: Callable[[], None],
    changed: Callable[[list[int]], None],
) -> int:
    """Fill new tables from the catalogue (`load`, returning how many publications it wrote),
    build their secondary indexes once, complete them (`finish`: frequencies, statistics,
    blocks), then switch; `changed` is called inside the switch with the publications written
    in the meantime. Returns what `load` returned."""
    with _compactions_held(), contextlib.ExitStack() as cleanup:
        since = _last_stale_id()
        indexes, outward = _create_tables()
        cleanup.callback(_drop_schema)
        with inside():
            with _phase("load"):
                count = load()
            with _phase("indexes"):
                _create_indexes(indexes)
            with _phase("statistics and blocks"):
                finish()
        with _phase("switch"):
            _switch(since, changed, outward)
        cleanup.pop_all()
    return count


@contextlib.contextmanager
def _phase(name: str) -> Iterator[None]:
    """Log how long a phase of the rebuild took (where a large rebuild spends its time)."""
    started = time.monotonic()
    yield
    logger.info("search rebuild: %s took %.1f s", name, time.monotonic() - started)


@contextlib.contextmanager
def _compactions_held() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [blocks.COMPACTION_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [blocks.COMPACTION_LOCK])


@contextlib.contextmanager
def inside() -> Iterator[None]:
    """The index's statements go to the new tables (the catalogue's are found in public): on
    this thread's connection, so a loader running in a thread of its own enters it too. Entered
    again where it already holds, it leaves the path as it found it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        (before,) = cursor.fetchone()
        cursor.execute(f"SET search_path = {SCHEMA}, public")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('search_path', %s, false)", [before])


def _last_stale_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM search_searchstaledocument")
        return cursor.fetchone()[0]


def _create_tables() -> tuple[list[str], list[tuple[str, str, str]]]:
    """The new schema's empty tables, with the live ones' constraints; returns the constraints
    and secondary indexes to build once they are filled (as statements), and the foreign keys
    to add at the switch."""
    indexes = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        for table in TABLES:
            cursor.execute(
                f"CREATE TABLE {SCHEMA}.{table} (LIKE public.{table} INCLUDING DEFAULTS"
                " INCLUDING GENERATED INCLUDING IDENTITY INCLUDING STORAGE INCLUDING CONSTRAINTS)"
            )
            cursor.execute(OPTIONS_SQL, [f"public.{table}"])
            (options,) = cursor.fetchone()
            if options:
                cursor.execute(f"ALTER TABLE {SCHEMA}.{table} SET ({', '.join(options)})")
            cursor.execute(INDEXES_SQL, [table, f"public.{table}"])
            indexes += [
                definition.replace(" ON public.", f" ON {SCHEMA}.")
                for (definition,) in cursor.fetchall()
            ]
        # Same names as the live constraints: after the switch the tables are as migrations
        # left them. Read with the default search_path, foreign keys name the tables they
        # reference unqualified; added with the new schema first, they reference its tables.
        constraints = []
        for table in TABLES:
            cursor.execute(CONSTRAINTS_SQL, [f"public.{table}"])
            constraints += [(table, name, definition) for name, definition in cursor.fetchall()]
        outward = [c for c in constraints if _references_the_catalogue(c[2])]  # for _switch
        after_load = [c for c in constraints if c not in outward and _built_after_load(c[0], c[2])]
        cursor.execute(f"SET LOCAL search_path = {SCHEMA}, public")
        for table, name, definition in constraints:
            if (table, name, definition) not in outward + after_load:
                cursor.execute(f"ALTER TABLE {SCHEMA}.{table} ADD CONSTRAINT {name} {definition}")
    added = [
        f"ALTER TABLE {SCHEMA}.{table} ADD CONSTRAINT {name} {definition}"
        for table, name, definition in after_load
    ]
    return added + indexes, outward


def _built_after_load(table: str, definition: str) -> bool:
    """Constraints the load does not rely on, added once the tables are full: the foreign keys
    between the index's own tables (checked row by row at each batch's commit, they cost more
    than the rows themselves; added afterwards, one join checks them all) and the postings'
    primary key (built from one sort instead of a million index insertions a batch). The
    unique keys the load's statements look rows up by are there from the start."""
    if definition.startswith("FOREIGN KEY"):
        return True
    return table == "search_searchposting" and definition.startswith("PRIMARY KEY")


def _references_the_catalogue(definition: str) -> bool:
    """A foreign key to a table outside the index (the documents' to their publications): added
    only at the switch, or deleting a publication during the build would fail on its commit,
    the new tables still holding its document."""
    referenced = re.search(r"REFERENCES\s+([\w.\"]+)\s*\(", definition)
    return referenced is not None and referenced.group(1).strip('"') not in TABLES


def _create_indexes(indexes: list[str]) -> None:
    with connection.cursor() as cursor:
        # At least 256 MB to sort in (a server configured with more keeps its own).
        cursor.execute(
            "SELECT set_config('maintenance_work_mem', greatest(pg_size_bytes("
            "current_setting('maintenance_work_mem')), 256 * 1024 * 1024) / 1024 || 'kB', false)"
        )
        for definition in indexes:
            cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute(f"ANALYZE {', '.join(f'{SCHEMA}.{table}' for table in TABLES)}")


def _switch(
    since: int, changed: Callable[[list[int]], None], outward: list[tuple[str, str, str]]
) -> None:
    """Under the writers' lock: what was written during the build indexed again into the new
    tables, their foreign keys to the catalogue added (checked after the switch, without
    blocking anyone), then the live tables dropped and the new ones moved into their place."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITER_LOCK])
        cursor.execute(
            "SELECT DISTINCT document_id FROM public.search_searchstaledocument WHERE id > %s",
            [since],
        )
        written = sorted(row[0] for row in cursor.fetchall())
        with inside():
            if written:
                changed(written)
                statistics.recount(exact=True)
                blocks.compact()
        # The writes above left deferred foreign-key checks pending; a table cannot be altered
        # while it has some, so they are made now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, definition in outward:
            cursor.execute(
                f"ALTER TABLE {SCHEMA}.{table} ADD CONSTRAINT {name} {definition} NOT VALID"
            )
        live = ", ".join(f"public.{table}" for table in TABLES)
        cursor.execute(f"LOCK TABLE {live} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"DROP TABLE {live}")
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {SCHEMA}.{table} SET SCHEMA public")
        cursor.execute(f"DROP SCHEMA {SCHEMA}")
    with connection.cursor() as cursor:
        for table, name, _ in outward:
            cursor.execute(f"ALTER TABLE public.{table} VALIDATE CONSTRAINT {name}")


def _drop_schema() -> None:
    """A rebuild that failed leaves the live index as it was, and no new tables behind."""
    with connection.cursor() as cursor:
        cursor.execute("RESET search_path")
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
