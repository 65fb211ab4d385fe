"""Celery tasks of the catalogue: thin wrappers that call one service."""

from celery import shared_task

from publications import services


@shared_task
def publish_due_publications() -> int:
    """Flip scheduled publications whose date has come to published."""
    return services.publications_publish_due()
