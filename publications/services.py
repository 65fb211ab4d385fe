"""Writes to the catalogue that have side effects (hashing files, redirects); what follows each
write (index, cached pages, extraction, announcement) is publications.changes."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Collection, Iterable, Sequence
from functools import partial
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from publications import body_images
from publications.changes import catalogue_changed, public_catalogue_changed
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
from publications.pdf_files import check_pdf_header
from publications.richtext import sanitise
from publications.totals import total_index_count, total_index_invalidate

__all__ = ["public_catalogue_changed", "total_index_count", "total_index_invalidate"]

# Written by every save: the status, visibility and first-public stamp the release rules set.
RELEASE_FIELDS = ("status", "visible_from", "first_published_at", "publish_batch", "updated_at")
PDF_FIELDS = ("pdf", "pdf_size", "pdf_sha256", "page_count")


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
    batch: uuid.UUID | None = None,
    update_fields: Collection[str] | None = None,
) -> Publication:
    """Save an edited publication (the admin's save and the importer's): the body sanitised,
    status and visibility from its date, first-public stamp (in `batch`), PDF, old slug, then
    what follows a change.
    `update_fields`: save only these (and what the release rules and the PDF set)."""
    # Every write of a body passes here (the admin's and the importer's), sanitised once more
    # however it came: what is stored is what pages and feeds show unescaped.
    publication.body = sanitise(publication.body)
    with transaction.atomic():
        visible_before = publication.visible_from
        publication.refresh_release()
        was_public = publication.first_published_at is not None
        publication.mark_public(batch)
        if remove_pdf:
            publication_remove_pdf(publication=publication)
        if pdf is not None:
            publication_attach_pdf(publication=publication, file=pdf, name=pdf.name)
        if update_fields is None:
            publication.save()
        else:
            files = PDF_FIELDS if pdf is not None or remove_pdf else ()
            publication.save(update_fields=sorted({*update_fields, *RELEASE_FIELDS, *files}))
        publication_record_slug_change(publication=publication, old_slug=old_slug)
        catalogue_changed(
            ids=[publication.pk],
            text_changed=True,
            visibility_changed=publication.visible_from != visible_before,
            released=not was_public and publication.first_published_at is not None,
            extract=True,  # a no-op unless the PDF is new, replaced or removed
        )
    return publication


def publications_publish(*, publications: QuerySet[Publication]) -> int:
    """Publish now, or schedule for their date when it lies ahead; return how many changed."""
    today = site_today()
    batch = uuid.uuid4()  # Published together, announced together.
    changed: list[int] = []
    released = False
    with transaction.atomic():
        for publication in (
            _by_pk(publications).select_for_update().exclude(status=Status.PUBLISHED)
        ):
            is_future = publication.publication_date > today
            if is_future and publication.status == Status.SCHEDULED:
                continue
            publication.status = Status.PUBLISHED  # public: the date picks scheduled or not
            publication.refresh_release()
            publication.mark_public(batch)
            publication.save(update_fields=list(RELEASE_FIELDS))
            changed.append(publication.pk)
            released |= not is_future
        catalogue_changed(ids=changed, visibility_changed=True, released=released)
    return len(changed)


def publications_unpublish(*, publications: QuerySet[Publication]) -> int:
    """Return publications to draft; their pages disappear from the public site at once."""
    with transaction.atomic():
        ids = list(_by_pk(publications).exclude(status=Status.DRAFT).values_list("pk", flat=True))
        changed = Publication.objects.filter(pk__in=ids).update(
            status=Status.DRAFT,
            visible_from=None,
            updated_at=timezone.now(),
        )
        catalogue_changed(ids=ids, visibility_changed=True)
    return changed


def _by_pk(publications: QuerySet[Publication]) -> QuerySet[Publication]:
    # The admin hands actions its changelist queryset, which may carry DISTINCT (a search over
    # author names) or outer joins; PostgreSQL refuses FOR UPDATE on either, so select by key.
    return Publication.objects.filter(pk__in=publications.values("pk"))


def publications_publish_due() -> int:
    """Flip scheduled publications whose date has come to published."""
    return publications_publish(publications=Publication.objects.due())


def catalogue_entry_save(*, entry: Author | Topic | Series, old_name: str) -> None:
    """Save an author, topic or series; a new name re-indexes its publications in a task after
    commit, and cached pages are replaced."""
    with transaction.atomic():
        entry.save()
        renamed = bool(old_name) and old_name != entry.name
        ids = list(entry.publications.values_list("pk", flat=True)) if renamed else []
        catalogue_changed(ids=ids, text_changed=renamed, later=True)


def publication_reindex(*, publication: Publication) -> None:
    """Update the publication's search documents (after its byline or topics changed)."""
    catalogue_changed(ids=[publication.pk], text_changed=True)


def publications_reindex(*, publication_ids: Sequence[int]) -> int:
    """Update these publications' search documents and pages (a name they show changed)."""
    with transaction.atomic():
        catalogue_changed(ids=publication_ids, text_changed=True)
    return len(publication_ids)


def catalogue_entries_delete(*, entries: QuerySet) -> None:
    """Delete authors, topics or series; their publications, which showed the names, are
    re-indexed in a task after commit, and the pages that named them are replaced."""
    with transaction.atomic():
        ids = {pk for pk in entries.values_list("publications", flat=True) if pk is not None}
        entries.delete()
        catalogue_changed(ids=ids, text_changed=True, later=True)


def publications_delete(*, publications: QuerySet[Publication]) -> int:
    """Delete publications, taking them out of the search index first (so its word counts stay
    true) and their files once the deletion commits."""
    with transaction.atomic():
        doomed = list(_by_pk(publications))
        catalogue_changed(ids=[p.pk for p in doomed], removed=True)
        for publication in doomed:
            for field in (publication.pdf, publication.cover_image):
                if field:
                    transaction.on_commit(partial(field.storage.delete, field.name))
        Publication.objects.filter(pk__in=[p.pk for p in doomed]).delete()
    return len(doomed)


def body_image_save(*, file: File, extension: str) -> str:
    """Store an image for a publication body under a new random name; return the URL that
    serves it (publications.views.body_image)."""
    year = timezone.now().year
    stored = default_storage.save(
        f"{body_images.FOLDER}/{year:04d}/{uuid.uuid4().hex}.{extension}", file
    )
    return reverse("publications:body-image", args=[year, stored.rsplit("/", 1)[-1]])
