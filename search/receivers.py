"""How the search index follows the catalogue: receivers of publications.signals, connected in
SearchConfig.ready(). The one place outside search's own commands that calls search.index.writes."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from publications import signals
from search.index import writes

# The index batch of each bulk change (an import) under way, keyed by its changes.Bulk.
_batches: WeakKeyDictionary = WeakKeyDictionary()


def publications_changed(sender, *, ids, bulk=None, **kwargs) -> set[int]:
    """Index now, in the writer's transaction; in a bulk change, with the next batch (the rows
    have committed). Returns the ids whose text was cut to fit the index."""
    batched = _batches.get(bulk) if bulk is not None else None
    if batched is None:
        return writes.index_publications(ids)
    for publication_id in ids:
        batched.add(publication_id)
    return set()


def publications_removing(sender, *, ids, **kwargs) -> None:
    """Out of the index before the rows go, so its word counts stay true."""
    writes.remove_publications(ids)


def bulk_started(sender, *, bulk, **kwargs) -> None:
    batched = writes.Batched()
    # What an earlier bulk write committed and was stopped before indexing is indexed too.
    batched.catch_up()
    _batches[bulk] = batched


def bulk_finished(sender, *, bulk, **kwargs) -> None:
    batched = _batches.pop(bulk, None)
    if batched is not None:
        batched.finish()


def connect() -> None:
    signals.publications_changed.connect(publications_changed, dispatch_uid="search-index")
    signals.publications_removing.connect(publications_removing, dispatch_uid="search-remove")
    signals.bulk_started.connect(bulk_started, dispatch_uid="search-bulk-start")
    signals.bulk_finished.connect(bulk_finished, dispatch_uid="search-bulk-finish")
