"""Celery tasks of the catalogue: thin wrappers that call one service."""

from celery import shared_task

from publications import services
from publications.extraction import services as extraction
from publications.page_cache import page_cache_invalidate
from search.index.writes import index_publications


@shared_task
def publish_due_publications() -> int:
    """Flip scheduled publications whose date has come to published."""
    return services.publications_publish_due()


# acks_late + reject_on_worker_lost (settings): a task whose worker dies is delivered again.
# Its hard limit is past the parser's own for the longest file allowed.
@shared_task(time_limit=extraction.longest_run_seconds())
def extract_pdf(publication_id: int, sha256: str) -> str:
    """Extract the text of this publication's PDF, if it is still this file."""
    return extraction.extraction_run(publication_id=publication_id, sha256=sha256)


@shared_task
def sweep_extractions() -> int:
    """Queue again extractions a lost broker or a dead worker left behind."""
    return extraction.extraction_sweep()


@shared_task
def reindex_publications(publication_ids: list[int]) -> int:
    """Update the search documents of these publications (an author or topic was renamed)."""
    index_publications(publication_ids)
    page_cache_invalidate()  # search pages rank by the new name now
    return len(publication_ids)
