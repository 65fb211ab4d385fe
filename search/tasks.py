"""Celery tasks of the search app: thin wrappers around one function each."""

from celery import shared_task

from search.blocks import compact
from search.indexing import refresh_stats


@shared_task
def refresh_statistics() -> int:
    """Measure the collection again (document count, average field lengths) for BM25."""
    return refresh_stats().documents


@shared_task
def compact_blocks() -> int:
    """Fold the documents changed since the last run into the ranking blocks."""
    return compact()
