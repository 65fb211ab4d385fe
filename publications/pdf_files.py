"""Checks on an uploaded PDF that never parse it: first bytes and size (the size limit every
upload shares; publications.file_types checks the other types)."""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

PDF_MAGIC = b"%PDF-"


def check_size(stream: IO[bytes], *, size: int | None = None) -> None:
    """Raise ValidationError if the file is empty or over PUBLICATION_PDF_MAX_BYTES."""
    limit = settings.PUBLICATION_PDF_MAX_BYTES
    if size is None:
        size = stream.seek(0, 2)
    if size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if size > limit:
        raise ValidationError(
            "The file is %(size)s; the limit is %(limit)s.",
            code="too-large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )


def check_pdf_header(stream: IO[bytes], *, size: int | None = None) -> None:
    """Raise ValidationError unless the file starts with %PDF- and is within the size limit."""
    check_size(stream, size=size)
    stream.seek(0)
    head = stream.read(len(PDF_MAGIC))
    stream.seek(0)
    if head != PDF_MAGIC:
        # No params, so Django never %-formats this message: a single % is shown as written.
        raise ValidationError(
            "This is not a PDF file: it does not start with %PDF-.", code="not-a-pdf"
        )
