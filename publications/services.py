"""Writes to the catalogue that have side effects (hashing files, redirects, counters)."""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import uuid
from collections.abc import Iterable, Sequence
from functools import partial
from typing import IO

from django.core.cache import cache
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app as celery_app
from publications.extraction.services import extraction_request
from publications.models import (
    Author,
    Publication,
    PublicationAuthor,
    Series,
    SlugRedirect,
    Status,
    Topic,
    site_today,
)
from publications.page_cache import page_cache_invalidate
from publications.pdf_files import check_pdf_header
from search.index.writes import index_publication, index_publications, remove_publication

TOTAL_INDEX_KEY = "publications:total-index:{date}"
# By name: publications never imports the newsletter, which reads what became public.
ANNOUNCE_TASK = "newsletter.tasks.announce_new_publications"

logger = logging.getLogger(__name__)


def file_digest(stream: IO[bytes]) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in chunks and rewound."""
    stream.seek(0)
    digest = hashlib.file_digest(stream, "sha256")  # type: ignore[arg-type]
    # Measured from the end, not tell(): file_digest hashes a BytesIO from its buffer in place.
    size = stream.seek(0, os.SEEK_END)
    stream.seek(0)
    return size, digest.hexdigest()


def publication_attach_pdf(
    *, publication: Publication, file: File, name: str | None = None
) -> bool:
    """Store a PDF on the publication with its size and hash; False when it is the same file."""
    check_pdf_header(file)
    size, sha256 = file_digest(file)
    if publication.pdf and publication.pdf_sha256 == sha256:
        return False
    old_name = publication.pdf.name if publication.pdf else None
    publication.pdf.save(name or "document.pdf", file, save=False)
    publication.pdf_size, publication.pdf_sha256 = size, sha256
    publication.page_count = None
    if old_name and old_name != publication.pdf.name:
        transaction.on_commit(lambda: publication.pdf.storage.delete(old_name))
    return True


def publication_record_slug_change(*, publication: Publication, old_slug: str) -> None:
    """Keep the old slug as a redirect; a slug taken back drops its redirect."""
    if old_slug and old_slug != publication.slug:
        SlugRedirect.objects.update_or_create(
            old_slug=old_slug, defaults={"publication": publication}
        )
    SlugRedirect.objects.filter(old_slug=publication.slug).delete()


def publication_set_authors(*, publication: Publication, authors: Sequence[Author]) -> None:
    """Replace the byline with these authors, in this order."""
    current = list(publication.authorships.order_by("position").values_list("author_id", flat=True))
    wanted = [author.pk for author in authors]
    if current == wanted:
        return
    publication.authorships.all().delete()
    PublicationAuthor.objects.bulk_create(
        PublicationAuthor(publication=publication, author=author, position=position)
        for position, author in enumerate(authors)
    )


def publication_set_topics(*, publication: Publication, topics: Iterable[Topic]) -> None:
    """Replace the publication's topics with these."""
    publication.topics.set(list(topics))


def publication_renumber_authors(*, publication: Publication) -> None:
    """Rewrite byline positions as 0, 1, 2... in their current order (ties keep the row order)."""
    links = list(publication.authorships.order_by("position", "id"))
    changed = [link for position, link in enumerate(links) if link.position != position]
    for position, link in enumerate(links):
        link.position = position
    PublicationAuthor.objects.bulk_update(changed, ["position"])


def publication_remove_pdf(*, publication: Publication) -> bool:
    """Detach the PDF and forget its size, hash and pages; the file goes once this commits."""
    if not publication.pdf:
        return False
    old_name = publication.pdf.name
    storage = publication.pdf.storage
    publication.pdf = ""
    publication.pdf_size, publication.pdf_sha256, publication.page_count = None, "", None
    transaction.on_commit(lambda: storage.delete(old_name))
    return True


def publication_save(
    *,
    publication: Publication,
    old_slug: str = "",
    pdf: File | None = None,
    remove_pdf: bool = False,
) -> Publication:
    """Save an edited publication: status from its date, first-public stamp, PDF, old slug."""
    with transaction.atomic():
        publication.status = _status_for_date(publication.status, publication.publication_date)
        was_public = publication.first_published_at is not None
        publication.mark_public()
        if not was_public and publication.first_published_at is not None:
            publications_announce_on_commit()
        if remove_pdf:
            publication_remove_pdf(publication=publication)
        if pdf is not None:
            publication_attach_pdf(publication=publication, file=pdf, name=pdf.name)
        publication.save()
        publication_record_slug_change(publication=publication, old_slug=old_slug)
        # A no-op unless the PDF is new, replaced or removed.
        extraction_request(publication=publication)
        index_publication(publication.pk)
        transaction.on_commit(public_catalogue_changed)
    return publication


def _status_for_date(status: str, date: datetime.date) -> str:
    # Staff pick "public or not"; the date decides which public status: a future one waits
    # (the publish-due task flips it), a past one is simply published.
    if status == Status.DRAFT:
        return status
    return Status.SCHEDULED if date > site_today() else Status.PUBLISHED


def publications_publish(*, publications: QuerySet[Publication]) -> int:
    """Publish now, or schedule for their date when it lies ahead; return how many changed."""
    today = site_today()
    batch = uuid.uuid4()  # Published together, announced together.
    changed = released = 0
    with transaction.atomic():
        for publication in (
            _by_pk(publications).select_for_update().exclude(status=Status.PUBLISHED)
        ):
            is_future = publication.publication_date > today
            if is_future and publication.status == Status.SCHEDULED:
                continue
            publication.status = Status.SCHEDULED if is_future else Status.PUBLISHED
            publication.mark_public(batch)
            publication.save(
                update_fields=["status", "first_published_at", "publish_batch", "updated_at"]
            )
            index_publication(publication.pk)
            changed += 1
            released += not is_future
        transaction.on_commit(public_catalogue_changed)
        if released:
            publications_announce_on_commit()
    return changed


def publications_announce_on_commit() -> None:
    """Once this commits, have the newsletter announce what became public (its periodic run
    catches anything this misses, such as a broker that is down)."""
    transaction.on_commit(_send_announce_task)


def _send_announce_task() -> None:
    try:
        celery_app.send_task(ANNOUNCE_TASK)
    except (OperationalError, OSError):
        logger.warning(
            "Could not queue the announcement task; the periodic run will.", exc_info=True
        )


def publications_unpublish(*, publications: QuerySet[Publication]) -> int:
    """Return publications to draft; their pages disappear from the public site at once."""
    with transaction.atomic():
        ids = list(_by_pk(publications).exclude(status=Status.DRAFT).values_list("pk", flat=True))
        changed = Publication.objects.filter(pk__in=ids).update(
            status=Status.DRAFT, updated_at=timezone.now()
        )
        index_publications(ids)
        transaction.on_commit(public_catalogue_changed)
    return changed


def _by_pk(publications: QuerySet[Publication]) -> QuerySet[Publication]:
    # The admin hands actions its changelist queryset, which may carry DISTINCT (a search over
    # author names) or outer joins; PostgreSQL refuses FOR UPDATE on either, so select by key.
    return Publication.objects.filter(pk__in=publications.values("pk"))


def publications_publish_due() -> int:
    """Flip scheduled publications whose date has come to published."""
    return publications_publish(publications=Publication.objects.due())


def total_index_count() -> int:
    """How many publications the public can see, cached per day and cleared on every change."""
    key = TOTAL_INDEX_KEY.format(date=site_today().isoformat())
    return cache.get_or_set(
        key, lambda: Publication.objects.published().count(), timeout=_cache_seconds()
    )


def total_index_invalidate() -> None:
    cache.delete(TOTAL_INDEX_KEY.format(date=site_today().isoformat()))


def public_catalogue_changed() -> None:
    """What readers see changed (run after commit): recount the Total Index, replace every
    cached page."""
    total_index_invalidate()
    page_cache_invalidate()


def _cache_seconds() -> int:
    from django.conf import settings

    return settings.TOTAL_INDEX_CACHE_SECONDS


def catalogue_entry_save(*, entry: Author | Topic | Series, old_name: str) -> None:
    """Save an author, topic or series; a new name re-indexes its publications in a task after
    commit, and cached pages are replaced."""
    with transaction.atomic():
        entry.save()
        transaction.on_commit(page_cache_invalidate)
        if old_name and old_name != entry.name:
            ids = list(entry.publications.values_list("pk", flat=True))
            if ids:
                transaction.on_commit(partial(_reindex_later, ids))


def _reindex_later(ids: list[int]) -> None:
    from publications.tasks import reindex_publications

    reindex_publications.delay(ids)


def publication_reindex(*, publication: Publication) -> None:
    """Update the publication's search documents (after its byline or topics changed)."""
    index_publication(publication.pk)
    transaction.on_commit(page_cache_invalidate)


def catalogue_entries_delete(*, entries: QuerySet) -> None:
    """Delete authors, topics or series; the pages that named them are replaced on commit."""
    with transaction.atomic():
        entries.delete()
        transaction.on_commit(page_cache_invalidate)


def publications_delete(*, publications: QuerySet[Publication]) -> int:
    """Delete publications, taking them out of the search index first (so its word counts stay
    true) and their files once the deletion commits."""
    with transaction.atomic():
        doomed = list(_by_pk(publications))
        for publication in doomed:
            remove_publication(publication.pk)
            for field in (publication.pdf, publication.cover_image):
                if field:
                    transaction.on_commit(partial(field.storage.delete, field.name))
        Publication.objects.filter(pk__in=[p.pk for p in doomed]).delete()
        transaction.on_commit(public_catalogue_changed)
    return len(doomed)
