"""Celery tasks of the search app: thin wrappers around one function each."""

from celery import shared_task

from search.index import statistics
from search.index.blocks import compact


@shared_task
def refresh_statistics() -> int:
    """Recount the collection's documents and field lengths for BM25F (a check on the totals
    every index write keeps)."""
    return statistics.recount().documents


@shared_task
def compact_blocks() -> int:
    """Fold the documents changed since the last run into the ranking blocks."""
    return compact()
