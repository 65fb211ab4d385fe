"""A row's files put on its publication through the file services, keeping ids (and so URLs)
wherever a file can be recognised: the same bytes are the same file, wherever they moved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.db.models import F

from publications import services
from publications.importing.rows import FileSpec
from publications.models import FileRole, Publication, PublicationFile


@dataclass(frozen=True)
class ResolvedFile:
    """A row's file, found and checked on disk."""

    spec: FileSpec
    path: Path


def attach_pdf(publication: Publication, path: Path) -> bool:
    """`pdf`, the shorthand: this PDF is the publication's first PDF (replaced in place, so its
    id stays) or, with none, its first file. Other files stay. True when something changed."""
    current = publication.first_pdf
    if current is not None and current.sha256 == _digest(path):
        return False
    if current is None:
        PublicationFile.objects.filter(publication=publication).update(position=F("position") + 1)
        current = PublicationFile(publication=publication, position=0, role=FileRole.FULL_REPORT)
    with path.open("rb") as stream:
        # Named .pdf whatever the row's name: `pdf` has always taken any name.
        upload = File(stream, name=path.name)
        services.publication_file_save(file=current, upload=upload, name=f"{publication.slug}.pdf")
    return True


def set_files(publication: Publication, files: Sequence[ResolvedFile]) -> bool:
    """`files`: the publication's files become these, in this order. A file whose bytes are
    already there keeps its row (and id); the others take over the rows left, in order, then new
    rows; rows still left are removed. True when something changed."""
    existing = list(publication.files.all())
    digests = [_digest(resolved.path) for resolved in files]
    unclaimed = {row.sha256: row for row in existing}
    rows = [unclaimed.pop(sha256, None) for sha256 in digests]
    spare = [row for row in existing if unclaimed.get(row.sha256) is row]
    changed = False
    for position, (resolved, row, sha256) in enumerate(zip(files, rows, digests, strict=True)):
        if row is None:
            row = spare.pop(0) if spare else PublicationFile(publication=publication)
        changed |= _put(row, resolved, position=position, sha256=sha256)
    for row in spare:
        services.publication_file_delete(file=row)
        changed = True
    return changed


def _put(row: PublicationFile, resolved: ResolvedFile, *, position: int, sha256: str) -> bool:
    spec = resolved.spec
    wanted = {"position": position, "role": spec.role, "title": spec.title}
    wanted["language"] = spec.language
    described = [name for name, value in wanted.items() if getattr(row, name) != value]
    for name in described:
        setattr(row, name, wanted[name])
    new_bytes = row.pk is None or row.sha256 != sha256
    if not (new_bytes or described):
        return False
    with resolved.path.open("rb") as stream:
        upload = File(stream, name=resolved.path.name) if new_bytes else None
        services.publication_file_save(file=row, upload=upload)
    return True


def _digest(path: Path) -> str:
    with path.open("rb") as stream:
        return services.file_digest(stream)[1]
