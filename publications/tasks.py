"""Celery tasks of the catalogue: thin wrappers that call one service."""

from celery import shared_task

from publications import services
from publications.extraction import services as extraction


@shared_task
def publish_due_publications() -> int:
    """Mark scheduled publications now visible as published (and so announce them)."""
    return services.publications_publish_due()


# acks_late + reject_on_worker_lost (settings): a task whose worker dies is delivered again.
# Its hard limit is past the parser's own for the longest file allowed.
@shared_task(time_limit=extraction.longest_run_seconds())
def extract_pdf(file_id: int, sha256: str) -> str:
    """Extract the text of this PDF file, if it still holds these bytes."""
    return extraction.extraction_run(file_id=file_id, sha256=sha256)


@shared_task
def sweep_extractions() -> int:
    """Queue again extractions a lost broker or a dead worker left behind."""
    return extraction.extraction_sweep()


@shared_task
def reindex_publications(publication_ids: list[int]) -> int:
    """Update the search documents of these publications (an author or topic was renamed)."""
    return services.publications_reindex(publication_ids=publication_ids)
