"""The optional read replica that serves search (DATABASE_REPLICA_URL, config/settings.py).

Reads of the search index go to the replica when one is configured; everything else (the
catalogue, the mailing list, every write, every migration) stays on the primary. The index lives
in PostgreSQL beside the catalogue, so a streaming replica holds all of it, lagging by its
replication delay.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Model

from search.models import SearchDocument

REPLICA = "replica"
SEARCH_APP = "search"


class ReplicaRouter:
    """Search reads to the replica, everything else to the primary."""

    def db_for_read(self, model: type[Model], **hints) -> str:
        if model._meta.app_label != SEARCH_APP or REPLICA not in connections.settings:
            return DEFAULT_DB_ALIAS
        # Inside a transaction on the primary (the indexer updating documents, then reading the
        # statistics) a read must see that transaction's own writes, which no replica has yet.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type[Model], **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints) -> bool:
        # One database and its copy: rows read from either may point at each other.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints):
        return db == DEFAULT_DB_ALIAS


def search_db() -> str:
    """The alias the search engine's SQL reads from: the router's choice for the index."""
    return router.db_for_read(SearchDocument)
