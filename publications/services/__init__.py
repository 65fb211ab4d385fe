"""Writes to the catalogue that have side effects (hashing files, redirects); what follows each
write (index, cached pages, extraction, announcement) is publications.changes."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from functools import partial

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
    PublicationFile,
    Series,
    SlugRedirect,
    Topic,
)
from publications.richtext import sanitise
from publications.services.files import (
    file_digest,
    publication_file_delete,
    publication_file_save,
    publication_file_store,
)
from publications.totals import total_index_count, total_index_invalidate

__all__ = [
    "file_digest",
    "public_catalogue_changed",
    "publication_file_delete",
    "publication_file_save",
    "publication_file_store",
    "total_index_count",
    "total_index_invalidate",
]

# Written by every save: the status, release, visibility and first-public stamp the release
# rules set.
RELEASE_FIELDS = (
    "status",
    "release_at",
    "visible_from",
    "first_published_at",
    "publish_batch",
    "updated_at",
)


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


def publication_save(
    *,
    publication: Publication,
    old_slug: str = "",
    batch: uuid.UUID | None = None,
    update_fields: Collection[str] | None = None,
) -> Publication:
    """Save an edited publication (the admin's save and the importer's): the body sanitised,
    visibility from status and release time (publications.workflow moves the status),
    first-public stamp (in `batch`), old slug, then what
    follows a change. Its files are written by publication_file_save and publication_file_delete.
    `update_fields`: save only these (and what the release rules set)."""
    # Every write of a body passes here (the admin's and the importer's), sanitised once more
    # however it came: what is stored is what pages and feeds show unescaped.
    publication.body = sanitise(publication.body)
    with transaction.atomic():
        visible_before = publication.visible_from
        publication.refresh_release()
        was_public = publication.first_published_at is not None
        publication.mark_public(batch)
        if update_fields is None:
            publication.save()
        else:
            publication.save(update_fields=sorted({*update_fields, *RELEASE_FIELDS}))
        publication_record_slug_change(publication=publication, old_slug=old_slug)
        catalogue_changed(
            ids=[publication.pk],
            text_changed=True,
            visibility_changed=publication.visible_from != visible_before,
            released=not was_public and publication.first_published_at is not None,
            extract=True,  # a no-op unless a PDF is new or replaced
        )
    return publication


def _by_pk(publications: QuerySet[Publication]) -> QuerySet[Publication]:
    # The admin hands actions its changelist queryset, which may carry DISTINCT (a search over
    # author names) or outer joins; PostgreSQL refuses FOR UPDATE on either, so select by key.
    return Publication.objects.filter(pk__in=publications.values("pk"))


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
        files = PublicationFile.objects.filter(publication__in=doomed)
        stored = [row.file for row in files] + [p.cover_image for p in doomed]
        for field in stored:
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
