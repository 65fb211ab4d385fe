"""Asking for a publication's PDF text: the Extraction row is the record of work, the task
only a trigger. publications.changes requests it as part of every catalogue change."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone

from publications import queue
from publications.models import Extraction, ExtractionStatus, Publication, PublicationPage


def extraction_request(*, publication: Publication, force: bool = False) -> bool:
    """Record that the publication's current PDF needs extracting and queue it after commit.

    False when there is nothing to do: no PDF, this file's text is already stored, or this file is
    already queued. `force` extracts again a file that was extracted.
    """
    if not publication.pdf_sha256:
        # Pages came from the removed PDF only if it had an extraction (imported text has none);
        # the index follows in the same change (publications.changes).
        removed, _ = Extraction.objects.filter(publication=publication).delete()
        if removed:
            replace_pages(publication.pk, None)
        return False
    sha256 = publication.pdf_sha256
    current = Extraction.objects.filter(publication=publication).first()
    if current and current.sha256 == sha256 and not force:
        already_done = current.status == ExtractionStatus.DONE
        if already_done or current.status in (ExtractionStatus.PENDING, ExtractionStatus.RUNNING):
            return False
    Extraction.objects.update_or_create(
        publication=publication,
        defaults={
            "sha256": sha256,
            "status": ExtractionStatus.PENDING,
            "reason": "",
            "detail": "",
            "attempts": 0,
            "lease_until": None,
            "queued_at": timezone.now(),
        },
    )
    transaction.on_commit(partial(queue.extract_pdf, publication.pk, sha256))
    return True


def replace_pages(publication_id: int, pages: list[str] | None) -> None:
    """The publication's pages and page count, replaced (None: no pages, count unknown)."""
    PublicationPage.objects.filter(publication_id=publication_id).delete()
    PublicationPage.objects.bulk_create(
        PublicationPage(publication_id=publication_id, number=number, text=text)
        for number, text in enumerate(pages or [], start=1)
    )
    Publication.objects.filter(pk=publication_id).update(
        page_count=len(pages) if pages is not None else None
    )
