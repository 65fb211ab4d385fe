"""Queuing the catalogue's tasks. Services call these and never import publications.tasks, which
imports the services: the task is looked up by name in the Celery app."""

from __future__ import annotations

from core.queueing import task


def extract_pdf(file_id: int, sha256: str) -> None:
    """Have a worker extract this PDF file's text."""
    task("publications.tasks.extract_pdf").delay(file_id, sha256)


def reindex_publications(publication_ids: list[int]) -> None:
    """Have a worker bring these publications' search documents up to date."""
    task("publications.tasks.reindex_publications").delay(publication_ids)


def send_transition_emails(transition_id: int) -> None:
    """Have a worker tell the people a workflow transition concerns."""
    task("publications.tasks.send_transition_emails").delay(transition_id)
