"""What follows a write to the catalogue, in one place.

Every service that writes publications, or the authors, topics and series their pages and search
documents show, calls catalogue_changed() inside its transaction. It requests extraction of new
files; tells the other apps through publications.signals (the search index is written in the same
transaction; the newsletter hears after commit that something became public); and after commit
replaces every cached page and the Total Index count. publications names no other app.

A bulk write (an import) runs inside bulk(), each of its rows inside step(): the rows' changes
reach receivers once each row has committed, which batch their work (indexing 500 at a time) and
finish it when the bulk ends; the announcement waits for the end too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction

from publications import queue, signals
from publications.extraction.requests import extraction_request
from publications.models import Publication, PublicationFile
from publications.page_cache import page_cache_invalidate
from publications.totals import total_index_invalidate


@dataclass(eq=False)  # compared and hashed by identity: receivers key their batches on it
class Bulk:
    """One bulk write: `announce` asks, once it ends, for what it made public to be announced."""

    announce: bool = False


@dataclass
class _Step:
    bulk: Bulk | None
    ids: set[int] = field(default_factory=set)


_bulk: ContextVar[Bulk | None] = ContextVar("catalogue_bulk", default=None)
_step: ContextVar[_Step | None] = ContextVar("catalogue_step", default=None)


def catalogue_changed(
    *,
    ids: Iterable[int] = (),
    text_changed: bool = False,
    visibility_changed: bool = False,
    removed: bool = False,
    released: bool = False,
    extract: bool = False,
    later: bool = False,
) -> set[int]:
    """Everything that follows a catalogue write, called inside its transaction.

    `ids`: the publications written (none when only an author's or topic's page changed).
    `text_changed` / `visibility_changed`: their indexed text, or their status or visible_from.
    `removed`: they are about to be deleted. `released`: some became public for the first time.
    `extract`: request extraction of their current files (a no-op for a file done or queued).
    `later`: index in a task after commit (a rename touching many publications).
    Returns the ids whose text the index had to cut."""
    ids = sorted(set(ids))
    transaction.on_commit(public_catalogue_changed)
    if extract:
        for file in PublicationFile.objects.filter(publication_id__in=ids):
            extraction_request(file=file)
    if released and _bulk.get() is None:  # a bulk announces once, at its end
        _announce_on_commit()
    if not ids:
        return set()
    if removed:
        signals.publications_removing.send(sender=Publication, ids=ids)
        return set()
    if not (text_changed or visibility_changed):
        return set()
    if later:
        transaction.on_commit(partial(queue.reindex_publications, ids))
        return set()
    step = _step.get()
    if step is not None:
        step.ids.update(ids)
        return set()
    return _deliver(ids, text_changed=text_changed, visibility_changed=visibility_changed)


def _deliver(
    ids: list[int], *, text_changed: bool, visibility_changed: bool, bulk: Bulk | None = None
) -> set[int]:
    answers = signals.publications_changed.send(
        sender=Publication,
        ids=ids,
        text_changed=text_changed,
        visibility_changed=visibility_changed,
        bulk=bulk,
    )
    return {pk for _, truncated in answers for pk in (truncated or ())}


@contextlib.contextmanager
def bulk(*, announce: bool = False) -> Iterator[Bulk]:
    """A bulk write: receivers batch the changes of its steps and finish when it ends (for the
    search index: statistics made exact, blocks rebuilt); with `announce`, what it made public
    is announced once, as one batch, at the end."""
    current = Bulk(announce=announce)
    token = _bulk.set(current)
    try:
        signals.bulk_started.send(sender=Publication, bulk=current)
        yield current
    finally:
        _bulk.reset(token)
        signals.bulk_finished.send(sender=Publication, bulk=current)
    if announce:
        _announce_on_commit()


@contextlib.contextmanager
def step() -> Iterator[None]:
    """One write of a bulk in its own transaction; its changes reach receivers once it commits
    (outside a bulk: at its end, in the same transaction). A step that fails reports nothing."""
    current = _Step(bulk=_bulk.get())
    token = _step.set(current)
    try:
        with transaction.atomic():
            yield
            if current.bulk is None and current.ids:
                _deliver(sorted(current.ids), text_changed=True, visibility_changed=True)
    finally:
        _step.reset(token)
    if current.bulk is not None and current.ids:
        _deliver(sorted(current.ids), text_changed=True, visibility_changed=True, bulk=current.bulk)


def _announce_on_commit() -> None:
    # The newsletter's periodic run catches anything a receiver misses (a broker that is down).
    transaction.on_commit(partial(signals.publications_released.send, sender=Publication))


def public_catalogue_changed() -> None:
    """What readers see changed (run after commit): recount the Total Index, replace every
    cached page."""
    total_index_invalidate()
    page_cache_invalidate()
