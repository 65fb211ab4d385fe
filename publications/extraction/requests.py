"""Asking for a PDF file's text: the Extraction row is the record of work, the task only a
trigger. publications.changes requests it as part of every catalogue change."""

from __future__ import annotations

from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from publications import queue
from publications.models import Extraction, ExtractionStatus, PublicationFile, PublicationPage


def extraction_request(*, file: PublicationFile, force: bool = False) -> bool:
    """Record that this PDF file needs extracting and queue it after commit.

    False when there is nothing to do: not a PDF (any extraction of the PDF it replaced goes,
    with its pages), this file's text is already stored, or this file is already queued. `force`
    extracts again a file that was extracted.
    """
    if not file.is_pdf:
        removed, _ = Extraction.objects.filter(file=file).delete()
        if removed:  # the index follows in the same change (publications.changes)
            replace_pages(file, None)
        return False
    current = Extraction.objects.filter(file=file).first()
    if current and current.sha256 == file.sha256 and not force:
        already_done = current.status == ExtractionStatus.DONE
        if already_done or current.status in (ExtractionStatus.PENDING, ExtractionStatus.RUNNING):
            return False
    Extraction.objects.update_or_create(
        file=file,
        defaults={
            "publication_id": file.publication_id,
            "sha256": file.sha256,
            "status": ExtractionStatus.PENDING,
            "reason": "",
            "detail": "",
            "attempts": 0,
            "lease_until": None,
            "queued_at": timezone.now(),
        },
    )
    transaction.on_commit(partial(queue.extract_pdf, file.pk, file.sha256))
    return True


# The pages in one statement, their texts as one array numbered in order: bulk_create built a
# model instance and four parameters a page, more Python than the insert's own.
INSERT_PAGES_SQL = """
    INSERT INTO publications_publicationpage (publication_id, file_id, number, text)
    SELECT %(publication)s, %(file)s, page.number, page.text
      FROM unnest(%(texts)s::text[]) WITH ORDINALITY AS page(text, number)
"""


def replace_pages(file: PublicationFile, pages: list[str] | None) -> None:
    """The file's pages and page count, replaced (None: no pages, count unknown)."""
    PublicationPage.objects.filter(file=file).delete()
    if pages:
        with connection.cursor() as cursor:
            cursor.execute(
                INSERT_PAGES_SQL,
                {"publication": file.publication_id, "file": file.pk, "texts": pages},
            )
    PublicationFile.objects.filter(pk=file.pk).update(
        page_count=len(pages) if pages is not None else None
    )
