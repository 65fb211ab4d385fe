"""Keeping the index current: the one way into the index. search/receivers.py calls these in the
catalogue writer's transaction whenever a publication's text, metadata or visibility changes
(publications.changes); an import batches them (`Batched`); a rebuild writes everything anew."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import connection, transaction

from publications.models import Publication
from publications.richtext import sections
from search.index import blocks, documents, parallel, postings, statistics, vocabulary
from search.index.rebuild import inside as rebuild_inside
from search.index.rebuild import rebuild_beside
from search.index.statistics import WRITER_LOCK
from search.index.vectors import MAX_PAGE_CHARACTERS
from search.models import SearchDocument, SearchTerm
from search.tuning import site_tuning

# A rebuild's loaders write terms and postings one at a time (a transaction-level lock).
LOADERS_LOCK = 0x5EA4C13


def index_publication(publication_id: int) -> bool:
    """Bring the publication's search documents in line with the catalogue (or remove them).
    True when its text was too large for the index and was cut."""
    return publication_id in index_publications([publication_id])


def index_publications(publication_ids: Sequence[int]) -> set[int]:
    """The same for many publications, set-based (the bulk path shares every statement).
    Returns the ids whose text was cut to fit the index."""
    return _write(list(publication_ids), _released(publication_ids))


def remove_publications(publication_ids: Sequence[int]) -> None:
    """These publications out of the index (before their rows are deleted)."""
    _write(list(publication_ids), [])


def _write(asked: list[int], ids: list[int]) -> set[int]:
    """The index write: of the `asked` publications, `ids` (sorted) are indexed anew and the
    rest removed, with document frequencies, blocks and statistics following."""
    truncated: set[int] = set()
    with transaction.atomic():
        _lock_writers()
        before = _term_counts(asked)
        measured = statistics.measure(asked)
        blocks.mark_stale(asked, list(before))
        _remove(sorted(set(asked) - set(ids)))
        if ids:
            _execute(postings.DELETE_POSTINGS_SQL, ids)
            truncated = write_documents(ids)
            write_postings(ids)
        _move_df(before, _term_counts(ids))
        statistics.record_change(measured, statistics.measure(asked))
    return truncated


class Batched:
    """Publications a bulk writer (an import) changed, indexed a batch at a time: one set-based
    index write per batch instead of one per row, each in its own transaction after the rows'
    own have committed. `finish` writes the rest, then makes the statistics exact and the blocks
    current, so ranking is right as soon as the bulk write ends.

    A bulk write larger than the index (past `Tuning.bulk_rebuild_from` publications, and past
    the documents the index held when it began: an import into a new site) stops indexing
    batches there and rebuilds the whole index at its end instead, beside the live one
    (`rebuild`): readers keep what was searchable, and the rest of the bulk's publications
    appear together at the switch."""

    def __init__(self, size: int = 500) -> None:
        self.size, self.pending = size, []
        self.queued, self.deferred = 0, False
        indexed = SearchDocument.objects.count()
        self.rebuild_from = max(site_tuning().bulk_rebuild_from, indexed)

    def add(self, publication_id: int) -> None:
        if self.deferred:
            return
        self.queued += 1
        if self.queued > self.rebuild_from:
            self.deferred, self.pending = True, []  # the rebuild writes them all
            return
        self.pending.append(publication_id)
        if len(self.pending) >= self.size:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            index_publications(sorted(set(self.pending)))
            self.pending = []

    def finish(self) -> None:
        if self.deferred:
            rebuild()
            return
        self.flush()
        settle()

    def catch_up(self) -> int:
        """Queue the publications that should be in the index and are not: what an earlier bulk
        write committed and was stopped before indexing (its rows would now be unchanged, and
        skipped). Returns how many."""
        missing = list(
            Publication.objects.released()
            .filter(search_document__isnull=True)
            .values_list("pk", flat=True)
        )
        for pk in missing:
            self.add(pk)
        return len(missing)


def settle() -> None:
    """After a bulk write: the statistics measured from scratch and set exactly, and the blocks
    rebuilt wherever documents changed or the averages moved since they were built."""
    statistics.recount(exact=True)
    # Each compaction rebuilds the changed documents' terms and a bounded number of outdated ones.
    step = site_tuning().compaction_terms
    for _ in range(1 + SearchTerm.objects.count() // step + 1):
        if blocks.compact() < step:
            break


def write_documents(ids: list[int]) -> set[int]:
    """Documents and pages of these publications (sorted ids of released ones), set-based in SQL
    (their old words leave the vocabulary first). Returns the ids of those with a page cut to
    fit the index."""
    _execute(vocabulary.WORDS_REMOVE_SQL, ids)
    truncated = write_texts(ids)
    _execute(vocabulary.WORDS_ADD_SQL, ids)
    return truncated


def write_texts(ids: list[int]) -> set[int]:
    """Documents, filter rows, pages and sections of these publications: where their text is
    tokenised, and nothing shared with other writers is touched (no term, no word), so loaders
    may run this side by side."""
    truncated = _write_documents(ids)
    _execute(documents.FILTER_ROWS_SQL, ids)
    _execute(documents.DELETE_PAGES_SQL, ids)
    _execute(documents.PAGES_SQL, ids, {"max_page": MAX_PAGE_CHARACTERS})
    return truncated | _write_sections(ids)


def _write_sections(ids: list[int]) -> set[int]:
    """The bodies' sections (each cut, like a page, to fit a tsvector). Returns the ids of
    those with a section cut."""
    _execute(documents.DELETE_SECTIONS_SQL, ids)
    with connection.cursor() as cursor:
        cursor.execute(documents.BODIES_SQL, {"ids": ids})
        bodies = cursor.fetchall()
    rows, truncated = [], set()
    for publication_id, body in bodies:
        for section in sections(body):
            if len(section.text) > MAX_PAGE_CHARACTERS:
                truncated.add(publication_id)
            text = section.text[:MAX_PAGE_CHARACTERS]
            rows.append((publication_id, section.number, section.anchor, section.heading, text))
    if truncated:
        _execute(documents.FLAG_TRUNCATED_SQL, sorted(truncated))
    if rows:
        with connection.cursor() as cursor:
            columns = [list(column) for column in zip(*rows, strict=True)]
            cursor.execute(documents.SECTIONS_SQL, dict(zip(SECTION_COLUMNS, columns, strict=True)))
    return truncated


SECTION_COLUMNS = ("documents", "numbers", "anchors", "headings", "texts")


def _write_documents(ids: list[int]) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(documents.DOCUMENTS_SQL, {"ids": ids, "max_page": MAX_PAGE_CHARACTERS})
        return {pk for pk, cut in cursor.fetchall() if cut}


def write_postings(ids: list[int]) -> None:
    """Terms, postings and field lengths of these documents (document frequencies and the
    collection's totals are the caller's)."""
    _execute(postings.POSTINGS_SQL, ids)


def _released(publication_ids: Sequence[int]) -> list[int]:
    """Those of these publications the index holds (the documents are built in SQL)."""
    released = Publication.objects.filter(pk__in=publication_ids).released()
    return sorted(released.values_list("pk", flat=True))


def remove_publication(publication_id: int) -> None:
    remove_publications([publication_id])


def _lock_writers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITER_LOCK])


def _remove(ids: list[int]) -> None:
    """Documents (and by cascade their pages and postings) out of the index; document
    frequencies are the caller's."""
    if not ids:
        return
    _execute(vocabulary.WORDS_REMOVE_SQL, ids)
    SearchDocument.objects.filter(publication_id__in=ids).delete()


def _term_counts(ids: list[int]) -> dict[int, int]:
    """How many of these documents hold each term, read from their postings."""
    with connection.cursor() as cursor:
        cursor.execute(postings.DF_COUNTS_SQL, {"ids": ids})
        return dict(cursor.fetchall())


def _move_df(before: dict[int, int], after: dict[int, int]) -> None:
    """Document frequencies follow the postings: only the terms whose count changed are
    written (re-indexing a report whose text stayed the same writes none)."""
    deltas = {
        term: after.get(term, 0) - before.get(term, 0)
        for term in before.keys() | after.keys()
        if after.get(term, 0) != before.get(term, 0)
    }
    if deltas:
        terms = sorted(deltas)
        with connection.cursor() as cursor:
            cursor.execute(
                postings.DF_APPLY_SQL, {"terms": terms, "deltas": [deltas[term] for term in terms]}
            )


def _execute(sql: str, ids: list[int], params: dict | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"ids": ids, **(params or {})})


def rebuild(
    batch_size: int = 500, progress: Callable[[int], None] | None = None, jobs: int = 2
) -> int:
    """Rebuild the whole index from the catalogue beside the live one, which readers keep until
    it is switched in at once (search.index.rebuild): documents, pages and postings batch by
    batch, in `jobs` loaders side by side (a posting holds no statistic, so one pass is
    enough), then the indexes, document frequencies and statistics, and the blocks (`jobs` at a
    time again); publications written meanwhile are indexed again at the switch."""
    ids = list(Publication.objects.released().order_by("pk").values_list("pk", flat=True))

    def load() -> int:
        with connection.cursor() as cursor:
            cursor.execute(vocabulary.COUNTED_WORDS_CREATE_SQL)
        parallel.each_batch(_rebuild_batch, list(_batches(ids, batch_size)), jobs=jobs,
                            progress=progress)  # fmt: skip
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(vocabulary.COUNTED_WORDS_ADD_SQL)
            cursor.execute(vocabulary.COUNTED_WORDS_DROP_SQL)
        return len(ids)

    def finish() -> None:
        with connection.cursor() as cursor:
            cursor.execute(postings.RECOUNT_DF_SQL)
        statistics.recount(exact=True)
        blocks.build_all(jobs=jobs, within=rebuild_inside)

    return rebuild_beside(load=load, finish=finish, changed=index_publications)


def _rebuild_batch(batch: list[int]) -> None:
    """One batch of a rebuild, in its own transaction: its texts tokenised, its lexemes and
    words counted and its documents measured beside the other loaders', then its terms and
    postings written one loader at a time (a new term is inserted by whoever meets it first,
    which two transactions must not both try)."""
    with rebuild_inside(), transaction.atomic():
        _bulk_session()
        released = _released(batch)
        write_texts(released)
        # Lexemes counted, documents measured and surface words counted, still side by side.
        _execute(postings.STAGE_SQL, batch)
        _execute(postings.STAGED_MEASURE_SQL, batch)
        _execute(vocabulary.COUNT_WORDS_SQL, released)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOADERS_LOCK])
        _execute(postings.STAGED_POSTINGS_SQL, batch)


def _batches(ids: list[int], size: int):
    return (ids[start : start + size] for start in range(0, len(ids), size))


def _bulk_session() -> None:
    # A batch lost to a crash is rebuilt by running the command again: no need to wait for the
    # disk at every commit.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
