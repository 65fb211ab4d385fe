"""Writes to a publication's files: store an upload with its size, hash and type; remove one.
Each ends with catalogue_changed, which asks for a new or replaced PDF's extraction and brings
the index up to date."""

from __future__ import annotations

import hashlib
import os
from functools import partial
from typing import IO

from django.core.files import File
from django.db import transaction

from publications.changes import catalogue_changed
from publications.file_types import check_file
from publications.models import PublicationFile, PublicationPage


def file_digest(stream: IO[bytes]) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in chunks and rewound."""
    stream.seek(0)
    digest = hashlib.file_digest(stream, "sha256")  # type: ignore[arg-type]
    # Measured from the end, not tell(): file_digest hashes a BytesIO from its buffer in place.
    size = stream.seek(0, os.SEEK_END)
    stream.seek(0)
    return size, digest.hexdigest()


def publication_file_store(*, file: PublicationFile, upload: File, name: str = "") -> bool:
    """Put an upload in the file row with its size, hash and type (checked; ValidationError
    otherwise), not saving the row; False when the row already holds these bytes."""
    file_type = check_file(upload, name=name or upload.name or "", size=upload.size)
    size, sha256 = file_digest(upload)
    if file.file and file.sha256 == sha256:
        return False
    old_name = file.file.name if file.file else None
    file.file.save(name or upload.name or f"file{file_type.extension}", upload, save=False)
    file.size, file.sha256, file.content_type = size, sha256, file_type.content_type
    file.page_count = None
    if old_name and old_name != file.file.name:
        storage = file.file.storage
        transaction.on_commit(partial(storage.delete, old_name))
    return True


def publication_file_save(
    *, file: PublicationFile, upload: File | None = None, name: str = ""
) -> PublicationFile:
    """Save one of a publication's files: new, its bytes replaced by `upload`, or only its role,
    title, language or position changed. The row keeps its id, so its URL stays the same."""
    with transaction.atomic():
        stored = upload is not None and publication_file_store(file=file, upload=upload, name=name)
        file.save()
        if stored:
            # Plain text is what an import gives a publication with no file; a file's own text
            # comes from its extraction.
            PublicationPage.objects.filter(publication_id=file.publication_id, file=None).delete()
        catalogue_changed(ids=[file.publication_id], text_changed=stored, extract=stored)
    return file


def publication_file_delete(*, file: PublicationFile) -> None:
    """Remove a file, its pages and its extraction; the stored file goes once this commits."""
    with transaction.atomic():
        publication_id, name, storage = file.publication_id, file.file.name, file.file.storage
        file.delete()
        if name:
            transaction.on_commit(partial(storage.delete, name))
        catalogue_changed(ids=[publication_id], text_changed=True)
