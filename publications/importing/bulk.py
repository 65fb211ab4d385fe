"""An import's new publications written a batch at a time: the rows that create a publication
with no file (the bulk of an import into an empty or growing catalogue) are gathered and written
in one transaction per batch, with set-based inserts and one call of the change pipeline, instead
of a dozen statements and a transaction per row. Everything else (updates, rows with files,
a slug seen twice) goes through apply.import_row, one row at a time, in file order.

Each row is assigned exactly as apply.import_row assigns it (apply.assign_row and the same name
resolution); a batch the database refuses is rolled back and its rows applied one by one, so each
reports its own reason and none is lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from django.db import DataError, IntegrityError

from publications import changes
from publications.importing import apply
from publications.importing.apply import Outcome
from publications.importing.rows import ImportRow, NamedSpec, RowError, parse_row
from publications.models import (
    Publication,
    PublicationAuthor,
    PublicationPage,
    SlugRedirect,
)
from publications.workflow import services as workflow

BATCH_ROWS = 200


class Importer:
    """Feeds an import's lines, in order, to the batched path or the row path."""

    def __init__(
        self,
        *,
        pdf_dir: Path,
        batch: uuid.UUID,
        notify: bool,
        created: Callable[[], None],
        applied: Callable[[Outcome], None],
        skipped: Callable[[int, str], None],
    ) -> None:
        self.pdf_dir, self.batch, self.notify = pdf_dir, batch, notify
        self.created, self.applied, self.skipped = created, applied, skipped
        self.pending: dict[str, ImportRow] = {}  # by slug, in file order

    def add(self, *, text: str, line: int) -> None:
        try:
            row = parse_row(text=text, line=line)
        except RowError as exc:
            self.skipped(line, str(exc))
            return
        if _creates_without_files(row) and row.slug not in self.pending:
            self.pending[row.slug] = row
            if len(self.pending) >= BATCH_ROWS:
                self.flush()
            return
        self.flush()
        self._one(row)

    def flush(self) -> None:
        """Write the gathered rows: runs of new slugs in batches, the others one by one."""
        rows, self.pending = list(self.pending.values()), {}
        if not rows:
            return
        existing = set(
            Publication.objects.filter(slug__in=[row.slug for row in rows]).values_list(
                "slug", flat=True
            )
        )
        run: list[ImportRow] = []
        for row in rows:
            if row.slug not in existing:
                run.append(row)
                continue
            self._create(run)
            run = []
            self._one(row)
        self._create(run)

    def _create(self, rows: list[ImportRow]) -> None:
        if not rows:
            return
        try:
            with changes.step():
                publications_create(rows=rows, batch=self.batch, notify=self.notify)
        except (IntegrityError, DataError, RowError):
            # Rolled back whole: each row again on its own, to report its own reason.
            for row in rows:
                self._one(row)
            return
        for _ in rows:
            self.created()

    def _one(self, row: ImportRow) -> None:
        try:
            outcome = apply.import_row(
                row=row, pdf_dir=self.pdf_dir, batch=self.batch, notify=self.notify
            )
        except RowError as exc:
            self.skipped(row.line, str(exc))
        else:
            self.applied(outcome)


def _creates_without_files(row: ImportRow) -> bool:
    # Files are stored and hashed one by one (and extracted): those rows take the row path.
    return row.pdf is None and not row.files


def publications_create(*, rows: list[ImportRow], batch: uuid.UUID, notify: bool) -> list[int]:
    """Create a publication per row (slugs new and distinct), with bylines, topics, series and
    text pages, in the caller's transaction; then what follows a change, once for all."""
    resolve = _Names()
    publications = []
    for row in rows:
        publication = Publication(slug=row.slug)
        apply.assign_row(publication, row=row, created=True, batch=batch, notify=notify)
        if row.series_given:
            publication.series = resolve.series(row.series)
        publications.append(publication)
    Publication.objects.bulk_create(publications)
    # As the row path records them: created in the model's default state, then the row's.
    new_status = Publication._meta.get_field("status").get_default()
    workflow.publications_record_import(publications=publications, from_status=new_status)
    SlugRedirect.objects.filter(old_slug__in=[row.slug for row in rows]).delete()
    PublicationAuthor.objects.bulk_create(
        PublicationAuthor(publication=publication, author=author, position=position)
        for publication, row in zip(publications, rows, strict=True)
        for position, author in enumerate(resolve.authors(row.authors))
    )
    Topics = Publication.topics.through
    Topics.objects.bulk_create(
        Topics(publication=publication, topic=topic)
        for publication, row in zip(publications, rows, strict=True)
        for topic in {topic.pk: topic for topic in resolve.topics(row.topics)}.values()
    )
    PublicationPage.objects.bulk_create(
        PublicationPage(publication=publication, file=None, number=1, text=row.text)
        for publication, row in zip(publications, rows, strict=True)
        if row.text is not None
    )
    ids = [publication.pk for publication in publications]
    changes.catalogue_changed(
        ids=ids,
        text_changed=True,
        visibility_changed=True,
        released=any(publication.first_published_at for publication in publications),
    )
    return ids


class _Names:
    """Authors, topics and series by the names rows give, each resolved (and created or
    updated, as the row path does) once per batch."""

    def __init__(self) -> None:
        self.cache: dict[tuple, object] = {}

    def authors(self, specs: tuple[NamedSpec, ...]) -> list:
        return [self._once("author", spec, apply.resolve_author) for spec in specs]

    def topics(self, specs: tuple[NamedSpec, ...]) -> list:
        return [self._once("topic", spec, apply.resolve_topic) for spec in specs]

    def series(self, name: str | None):
        key = ("series", name.casefold() if name else None)
        if key not in self.cache:
            self.cache[key] = apply.resolve_series(name)
        return self.cache[key]

    def _once(self, kind: str, spec: NamedSpec, resolve: Callable) -> object:
        key = (kind, spec.name.casefold(), tuple(sorted(spec.details.items())))
        if key not in self.cache:
            self.cache[key], _ = resolve(spec)
        return self.cache[key]
