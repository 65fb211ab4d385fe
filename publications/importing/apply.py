"""Apply one parsed row to the catalogue, in its own transaction, saving only what differs."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from django.db import DataError, IntegrityError, models
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from publications import changes, services
from publications.extraction.requests import extraction_request
from publications.importing.attach import ResolvedFile, attach_pdf, set_files
from publications.importing.files import resolve_file, resolve_pdf
from publications.importing.rows import ImportRow, NamedSpec, RowError
from publications.models import (
    RELEASED_STATUSES,
    Author,
    Publication,
    PublicationPage,
    Series,
    Status,
    Topic,
    start_of_day,
)
from publications.richtext import sanitise
from publications.workflow import services as workflow

# Fields a row sets, and those the release rules set; compared before and after to skip saves.
TRACKED_FIELDS = (
    "title",
    "abstract",
    "body",
    "publication_date",
    "type",
    "status",
    "release_at",
    "visible_from",
    "reviewer_id",
    "withdrawn_reason",
    "withdrawn_at",
    "announce",
    "first_published_at",
    "publish_batch",
    "series_id",
)

M = TypeVar("M", bound=models.Model)


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def import_row(*, row: ImportRow, pdf_dir: Path, batch: uuid.UUID, notify: bool) -> Outcome:
    """Create or update the publication a row describes; RowError when it cannot be applied.
    One step of the import's bulk change (publications.changes): its own transaction, its
    search documents written with the next batch once it has committed."""
    # Every file is found and checked before anything is written: a bad one skips the row.
    pdf_path = resolve_pdf(pdf_dir=pdf_dir, relative=row.pdf) if row.pdf else None
    files = None
    if row.files is not None:
        files = [
            ResolvedFile(
                spec, resolve_file(pdf_dir=pdf_dir, relative=spec.path, where=f"files[{i}]")
            )
            for i, spec in enumerate(row.files)
        ]
    try:
        with changes.step():
            return _apply(row=row, pdf_path=pdf_path, files=files, batch=batch, notify=notify)
    except (IntegrityError, DataError) as exc:
        # Validation should leave nothing for the database to refuse; if it does (a concurrent
        # import creating the same author, say), this row is skipped and the next one goes on.
        raise RowError(f"the database refused it: {str(exc).splitlines()[0]}") from exc


def _apply(
    *,
    row: ImportRow,
    pdf_path: Path | None,
    files: list[ResolvedFile] | None,
    batch: uuid.UUID,
    notify: bool,
) -> Outcome:
    """The row applied through the save services the admin uses, only when something differs."""
    publication = _find_or_new(row)
    created = publication.pk is None
    authors, authors_changed = _resolve_all(row.authors, resolve_author)
    topics, topics_changed = _resolve_all(row.topics, resolve_topic)
    before = _snapshot(publication)
    assign_row(publication, row=row, created=created, batch=batch, notify=notify)
    if row.series_given:
        publication.series = resolve_series(row.series)
    if created:  # saved first: the byline and topics need its key
        services.publication_save(publication=publication, batch=batch)
    links_changed = _set_links(publication, authors=authors, topics=topics, text=row.text)
    files_changed = pdf_path is not None and attach_pdf(publication, pdf_path)
    files_changed |= files is not None and set_files(publication, files)
    changed = [name for name in TRACKED_FIELDS if getattr(publication, name) != before[name]]
    touched = created or bool(changed) or links_changed or files_changed
    if touched and not created:
        fields = {name.removesuffix("_id") for name in changed}
        services.publication_save(publication=publication, batch=batch, update_fields=fields)
    if created or before["status"] != publication.status:
        workflow.publication_record_import(publication=publication, from_status=before["status"])
    if not touched and not created:  # a created row's save asked already
        # Extraction of a file never extracted (an earlier run stopped); else a no-op.
        for file in publication.files.all():
            extraction_request(file=file)
    if created:
        return Outcome.CREATED
    if touched or authors_changed or topics_changed:
        return Outcome.UPDATED
    return Outcome.UNCHANGED


def _find_or_new(row: ImportRow) -> Publication:
    # Locked, so two imports of the same slug apply one after the other.
    publication = Publication.objects.select_for_update().filter(slug=row.slug).first()
    if publication is None:
        return Publication(slug=row.slug)
    if row.text is not None and publication.files.exists():
        raise RowError("text: this publication has files, whose extracted text is indexed instead")
    return publication


def _snapshot(publication: Publication) -> dict[str, object]:
    return {name: getattr(publication, name) for name in TRACKED_FIELDS}


def assign_row(
    publication: Publication, *, row: ImportRow, created: bool, batch: uuid.UUID, notify: bool
) -> None:
    publication.title, publication.abstract, publication.type = row.title, row.abstract, row.type
    publication.publication_date = row.published
    if row.body is not None:
        # Sanitised here too, as publication_save will, so an unchanged body compares equal to
        # the stored one and the row saves nothing.
        publication.body = sanitise(row.body)
    was_unreleased = created or publication.status not in (*RELEASED_STATUSES, Status.WITHDRAWN)
    never_public = publication.first_published_at is None
    # A date alone is a release at the start of that day in the site's zone.
    publication.release_at = row.release_at or start_of_day(row.published)
    # The import acts as a Publisher and may set any state; a row naming none keeps the
    # publication's (a new one is published). The release rules pick published or scheduled
    # from the release time.
    _set_status(publication, row.status or (Status.PUBLISHED if created else None), row=row)
    publication.refresh_release()
    publication.mark_public(batch)
    # The import emails nobody unless --notify: whatever it creates, publishes or schedules for
    # the first time is announced only then. Something public before keeps its announcement state.
    released = publication.status in RELEASED_STATUSES and (
        was_unreleased or publication.first_published_at is not None
    )
    if publication.status == Status.WITHDRAWN:
        publication.announce = False  # as the workflow's withdrawal: never announced after
    elif created or (never_public and released):
        publication.announce = notify


def _set_status(publication: Publication, status: str | None, *, row: ImportRow) -> None:
    if status is None:
        return
    if status == Status.WITHDRAWN:
        if publication.status != Status.WITHDRAWN or publication.withdrawn_at is None:
            publication.withdrawn_at = timezone.now()
        publication.withdrawn_reason = row.withdrawn_reason
    else:
        publication.withdrawn_reason, publication.withdrawn_at = "", None
    if status != Status.IN_REVIEW:
        publication.reviewer = None
    publication.status = status


def _set_links(
    publication: Publication, *, authors: list[Author], topics: list[Topic], text: str | None
) -> bool:
    """Byline, topics and the text page; True when any of them changed."""
    changed = False
    byline = list(publication.authorships.order_by("position").values_list("author_id", flat=True))
    if byline != [author.pk for author in authors]:
        services.publication_set_authors(publication=publication, authors=authors)
        changed = True
    if set(publication.topics.values_list("pk", flat=True)) != {topic.pk for topic in topics}:
        services.publication_set_topics(publication=publication, topics=topics)
        changed = True
    if text is not None and _set_text(publication, text):
        changed = True
    return changed


def _set_text(publication: Publication, text: str) -> bool:
    """Keep the row's text as page 1, the only page, as a publication without a file has."""
    pages = publication.pages.filter(file=None)
    if list(pages.values_list("number", "text")) == [(1, text)]:
        return False
    pages.exclude(number=1).delete()
    PublicationPage.objects.update_or_create(
        publication=publication, file=None, number=1, defaults={"text": text}
    )
    return True


def resolve_series(name: str | None) -> Series | None:
    """The series of this name, ignoring case, created when new; None clears it."""
    if name is None:
        return None
    series = _by_name(Series, name)
    if series is None:
        series = Series.objects.create(name=name, slug=_unique_slug(Series, name))
    return series


def _resolve_all(
    specs: Sequence[NamedSpec], resolve: Callable[[NamedSpec], tuple[M, bool]]
) -> tuple[list[M], bool]:
    results = [resolve(spec) for spec in specs]
    return [item for item, _ in results], any(changed for _, changed in results)


def resolve_author(spec: NamedSpec) -> tuple[Author, bool]:
    """The author of this name, ignoring case, created when new; details updated when given."""
    author = _by_name(Author, spec.name) or Author(
        name=spec.name, slug=_unique_slug(Author, spec.name)
    )
    details = {key: value or "" for key, value in spec.details.items()}
    return author, _save_if_changed(author, details)


def resolve_topic(spec: NamedSpec) -> tuple[Topic, bool]:
    """The topic of this name, ignoring case, created when new; description and parent updated."""
    topic = _by_name(Topic, spec.name) or Topic(name=spec.name, slug=_unique_slug(Topic, spec.name))
    values: dict[str, object] = {}
    if "description" in spec.details:
        values["description"] = spec.details["description"] or ""
    if "parent" in spec.details:
        values["parent"] = _parent_topic(spec.details["parent"], child=topic)
    return topic, _save_if_changed(topic, values)


def _parent_topic(name: str | None, *, child: Topic) -> Topic | None:
    if not name:
        return None
    if name.casefold() == child.name.casefold():
        raise RowError(f"topics: {child.name!r} cannot be its own parent")
    parent, _ = resolve_topic(NamedSpec(name=name))
    ancestor = parent
    while ancestor is not None and child.pk is not None:
        if ancestor.pk == child.pk:
            raise RowError(f"topics: making {name!r} the parent of {child.name!r} makes a loop")
        ancestor = ancestor.parent
    return parent


def _save_if_changed(instance: models.Model, values: dict[str, object]) -> bool:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if instance.pk is None:
        instance.save()
        return True
    if changed:
        instance.save(update_fields=changed)
    return bool(changed)


def _by_name(model: type[M], name: str) -> M | None:
    # lower() on both sides, as the case-insensitive unique constraint compares them.
    matches = model.objects.alias(lower_name=Lower("name"))
    return matches.filter(lower_name=Lower(Value(name))).first()


def _unique_slug(model: type[models.Model], name: str) -> str:
    max_length = model._meta.get_field("slug").max_length
    base = slugify(name)[:max_length].strip("-") or model._meta.model_name
    slug, number = base, 1
    while model.objects.filter(slug=slug).exists():
        number += 1
        suffix = f"-{number}"
        slug = f"{base[: max_length - len(suffix)].rstrip('-')}{suffix}"
    return slug
