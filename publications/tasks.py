"""Celery tasks of the catalogue: thin wrappers that call one service."""

from celery import shared_task

from publications import services
from publications.extraction import services as extraction
from publications.workflow import notifications
from publications.workflow import services as workflow


@shared_task
def publish_due_publications() -> int:
    """Mark scheduled publications whose release time has come as published (and so announce
    them); every PUBLISH_DUE_INTERVAL (60 s), so a release is marked within a minute."""
    return workflow.publications_release_due()


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


@shared_task
def send_transition_emails(transition_id: int) -> int:
    """Email the reviewers of a submission, or the submitter of what was sent back or published."""
    return notifications.transition_notify(transition_id=transition_id)
