"""The extraction pipeline's writes: request, claim with a lease, run, store, sweep.

The database is the record of work and the broker only a trigger: every step is a conditional
update, so a task delivered twice, late, or for a file since replaced does no harm.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from publications import queue
from publications.changes import catalogue_changed
from publications.extraction import engines
from publications.extraction.requests import extraction_request, replace_pages
from publications.extraction.sandbox import ChildFailed, Limits, run_limited
from publications.extraction.text import has_text_layer, looks_garbled
from publications.models import (
    Extraction,
    ExtractionFlag,
    ExtractionReason,
    ExtractionStatus,
    PublicationFile,
)
from publications.pdf_files import PDF_MAGIC

__all__ = ["extraction_request"]  # requested through publications.changes; here for callers

logger = logging.getLogger(__name__)


def limits() -> Limits:
    return Limits(
        base_seconds=settings.EXTRACTION_TIME_LIMIT_BASE,
        seconds_per_page=settings.EXTRACTION_TIME_PER_PAGE,
        max_pages=settings.EXTRACTION_MAX_PAGES,
        memory_bytes=settings.EXTRACTION_MEMORY_LIMIT,
    )


def lease_length(pages: int | None = None) -> timedelta:
    """How long a claim holds the row: the time limit for a file of this many pages (the base
    alone until the count is known, so a dead worker's row is free again soon) and a margin."""
    return timedelta(seconds=limits().seconds(pages) + settings.EXTRACTION_LEASE_MARGIN)


def longest_run_seconds() -> float:
    """What one extraction may take at most: the lease of a file of the most pages allowed."""
    return lease_length(settings.EXTRACTION_MAX_PAGES).total_seconds()


def extraction_claim(*, file_id: int, sha256: str) -> Extraction | None:
    """Take the row for this file: pending, or running under a lease that expired (its worker
    died). Counts the attempt. None when someone else holds it or the file changed."""
    now = timezone.now()
    claimable = Q(status=ExtractionStatus.PENDING) | Q(
        status=ExtractionStatus.RUNNING, lease_until__lt=now
    )
    claimed = Extraction.objects.filter(claimable, file_id=file_id, sha256=sha256).update(
        status=ExtractionStatus.RUNNING,
        lease_until=now + lease_length(),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    extraction = Extraction.objects.get(file_id=file_id)
    if extraction.attempts > settings.EXTRACTION_MAX_ATTEMPTS:
        extraction_fail(
            extraction=extraction,
            reason=ExtractionReason.CRASHED_WORKER,
            detail=f"gave up after {extraction.attempts - 1} attempts that ended abruptly",
        )
        return None
    return extraction


def extraction_run(*, file_id: int, sha256: str) -> str:
    """Claim, parse in a limited child, store. Returns what happened, for the task's result."""
    extraction = extraction_claim(file_id=file_id, sha256=sha256)
    if extraction is None:
        return "skipped"
    file = PublicationFile.objects.get(pk=file_id)
    started = time.monotonic()
    on_pages = partial(extraction_hold, extraction=extraction)
    try:
        with local_copy(file) as path:
            result = parse_pdf(path, on_pages=on_pages)
    except ChildFailed as failure:
        if failure.retryable and extraction.attempts < settings.EXTRACTION_MAX_ATTEMPTS:
            extraction_release(extraction=extraction, detail=failure.detail)
            return "retrying"
        return extraction_fail(
            extraction=extraction,
            reason=failure.reason,
            detail=failure.detail,
            seconds=time.monotonic() - started,
        )
    return extraction_store(
        extraction=extraction, result=result, seconds=time.monotonic() - started
    )


def extraction_hold(pages: int, *, extraction: Extraction) -> None:
    """Hold the row as long as a file of this many pages may take, now the count is known."""
    Extraction.objects.filter(
        pk=extraction.pk,
        sha256=extraction.sha256,
        status=ExtractionStatus.RUNNING,
        attempts=extraction.attempts,
    ).update(lease_until=timezone.now() + lease_length(pages))


def parse_pdf(path: str, *, on_pages: Callable[[int], None] | None = None) -> dict:
    """Check the first bytes here, parse in the limited child, judge the text layer."""
    with open(path, "rb") as stream:
        if stream.read(len(PDF_MAGIC)) != PDF_MAGIC:
            raise ChildFailed(ExtractionReason.NOT_A_PDF, "the file does not start with %PDF-")
    result = run_limited(
        engines.read_pdf,
        path,
        settings.EXTRACTION_MAX_PAGES,
        limits=limits(),
        on_pages=on_pages,
    )
    if not has_text_layer(result["pages"]):
        result["flags"].append(ExtractionFlag.NO_TEXT_LAYER)
    elif looks_garbled(result["pages"]) and ExtractionFlag.GARBLED_TEXT not in result["flags"]:
        result["flags"].append(ExtractionFlag.GARBLED_TEXT)
    return result


@contextlib.contextmanager
def local_copy(file: PublicationFile) -> Iterator[str]:
    """A path to the PDF on local disk: the file itself, or a temporary copy from remote storage."""
    storage, name = file.file.storage, file.file.name
    try:
        yield storage.path(name)
        return
    except NotImplementedError:
        pass  # remote storage (S3): copy it down first
    with tempfile.NamedTemporaryFile(suffix=".pdf") as copy, storage.open(name, "rb") as remote:
        shutil.copyfileobj(remote, copy, 1 << 20)
        copy.flush()
        yield copy.name


def extraction_store(*, extraction: Extraction, result: dict, seconds: float) -> str:
    """Store pages, page count and status in one transaction, if the row is still ours."""
    with transaction.atomic():
        current = _still_ours(extraction)
        if current is None:
            return "superseded"
        pages = result["pages"]
        flags = list(result["flags"])
        if _replace_pages(current, pages):
            flags.append(ExtractionFlag.INDEX_TRUNCATED)
        current.engine = result["engine"]
        current.page_errors = result["page_errors"]
        current.pages = len(pages)
        current.characters = sum(len(page) for page in pages)
        current.extracted_sha256 = current.sha256
        _finish(current, flags=flags, seconds=seconds)
    return ExtractionStatus.DONE


def extraction_fail(
    *, extraction: Extraction, reason: str, detail: str, seconds: float | None = None
) -> str:
    """Mark the file failed with its reason; text of an earlier file does not stay behind."""
    with transaction.atomic():
        current = _still_ours(extraction)
        if current is None:
            return "superseded"
        if current.extracted_sha256 != current.sha256:
            _replace_pages(current, None)
            current.extracted_sha256 = ""
            current.pages = current.characters = None
        _finish(current, failed=reason, detail=detail, seconds=seconds)
    return ExtractionStatus.FAILED


def _replace_pages(extraction: Extraction, pages: list[str] | None) -> bool:
    """Store the file's pages and index its publication; True when the index had to cut the
    text (of this file or another of the publication's: the flag says the index is cut)."""
    publication_id = extraction.publication_id
    replace_pages(PublicationFile(pk=extraction.file_id, publication_id=publication_id), pages)
    # The page count shows on the publication page, the text in search results.
    return publication_id in catalogue_changed(ids=[publication_id], text_changed=True)


def extraction_release(*, extraction: Extraction, detail: str) -> None:
    """Give the row back as pending after an abrupt end, and queue it again."""
    with transaction.atomic():
        if _still_ours(extraction) is None:
            return
        Extraction.objects.filter(pk=extraction.pk).update(
            status=ExtractionStatus.PENDING,
            lease_until=None,
            detail=detail,
            queued_at=timezone.now(),
        )
        transaction.on_commit(partial(queue.extract_pdf, extraction.file_id, extraction.sha256))


def extraction_sweep() -> int:
    """Queue again what a lost broker or a dead worker left behind: rows pending too long and
    rows running under an expired lease. Returns how many it queued."""
    now = timezone.now()
    grace = timedelta(seconds=settings.EXTRACTION_PENDING_GRACE)
    # queued_at also spaces out re-sends of an expired lease: one per lease length at most.
    stale = Q(status=ExtractionStatus.PENDING, queued_at__lt=now - grace) | Q(
        status=ExtractionStatus.RUNNING, lease_until__lt=now, queued_at__lt=now - lease_length()
    )
    queued = 0
    for file_id, sha256 in Extraction.objects.filter(stale).values_list("file_id", "sha256"):
        # Conditional, so two sweeps at once queue each row once.
        touched = Extraction.objects.filter(stale, file_id=file_id).update(queued_at=now)
        if touched:
            queue.extract_pdf(file_id, sha256)
            queued += 1
    return queued


def _still_ours(extraction: Extraction) -> Extraction | None:
    """The locked row, if it is still running this attempt on this file."""
    current = (
        Extraction.objects.select_for_update()
        .filter(
            pk=extraction.pk,
            sha256=extraction.sha256,
            status=ExtractionStatus.RUNNING,
            attempts=extraction.attempts,
        )
        .first()
    )
    return current


def _finish(
    extraction: Extraction,
    *,
    failed: str = "",
    detail: str = "",
    flags: list[str] | None = None,
    seconds: float | None = None,
) -> None:
    extraction.status = ExtractionStatus.FAILED if failed else ExtractionStatus.DONE
    extraction.reason = failed
    extraction.detail = detail
    extraction.flags = flags or []
    extraction.seconds = seconds
    extraction.lease_until = None
    extraction.finished_at = timezone.now()
    extraction.save()
