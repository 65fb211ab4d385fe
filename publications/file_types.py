"""Which files a publication may carry, and the checks on an upload that never parse it: the
extension names the type, and the first bytes (or, for the Office formats and ZIP, the archive's
list of members) must agree with it, so an .exe renamed .csv or a PDF renamed .xlsx is refused.

Only PDFs are read further (extraction, in a worker's sandbox); other files are stored, listed
and served as attachments, never opened by us.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from django.core.exceptions import ValidationError

from publications.models import PDF_CONTENT_TYPE
from publications.pdf_files import PDF_MAGIC, check_pdf_header, check_size

ZIP_MAGIC = b"PK\x03\x04"
# A text file holds no NUL byte (executables, images and archives all do, early on); a PDF or a
# ZIP may not in its first bytes, so those are refused by their magic.
BINARY_MAGICS = (PDF_MAGIC, ZIP_MAGIC)
TEXT_HEAD_BYTES = 64 * 1024
# A BCP 47 tag's shape (language, then script, region or variant subtags), not the registry.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str
    inline: bool = False  # may be shown in the browser (/files/<id>/) rather than downloaded
    member: str = ""  # for Office formats: the archive member that says which one it is


FILE_TYPES = {
    file_type.extension: file_type
    for file_type in (
        FileType(".pdf", PDF_CONTENT_TYPE, "PDF", inline=True),
        FileType(".csv", "text/csv", "CSV"),
        FileType(
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel workbook",
            member="xl/workbook.xml",
        ),
        FileType(
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word document",
            member="word/document.xml",
        ),
        FileType(
            ".pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "PowerPoint presentation",
            member="ppt/presentation.xml",
        ),
        FileType(".zip", "application/zip", "ZIP archive"),
    )
}
BY_CONTENT_TYPE = {file_type.content_type: file_type for file_type in FILE_TYPES.values()}
ACCEPT = ",".join(FILE_TYPES)


def file_type_of(content_type: str) -> FileType | None:
    return BY_CONTENT_TYPE.get(content_type)


def check_file(stream: IO[bytes], *, name: str, size: int | None = None) -> FileType:
    """The type of an upload named `name`, or ValidationError: an extension we take, first bytes
    (or archive members) that agree with it, not empty, within PUBLICATION_PDF_MAX_BYTES."""
    extension = PurePosixPath(name).suffix.lower()
    file_type = FILE_TYPES.get(extension)
    if file_type is None:
        raise ValidationError(
            "Files of type %(extension)s are not accepted (only %(known)s).",
            code="unknown-type",
            params={"extension": extension or "(none)", "known": ", ".join(FILE_TYPES)},
        )
    if file_type.content_type == PDF_CONTENT_TYPE:
        check_pdf_header(stream, size=size)
        return file_type
    check_size(stream, size=size)
    if extension == ".csv":
        _check_text(stream)
    else:
        _check_zip(stream, file_type)
    return file_type


def _check_text(stream: IO[bytes]) -> None:
    stream.seek(0)
    head = stream.read(TEXT_HEAD_BYTES)
    stream.seek(0)
    if head.startswith(BINARY_MAGICS) or b"\x00" in head:
        raise ValidationError("This is not a CSV file: it is not text.", code="wrong-type")


def _check_zip(stream: IO[bytes], file_type: FileType) -> None:
    # Only the archive's central directory is read (its list of names); nothing is unpacked.
    stream.seek(0)
    if stream.read(len(ZIP_MAGIC)) != ZIP_MAGIC:
        raise _not_a(file_type)
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _not_a(file_type) from exc
    finally:
        stream.seek(0)
    if file_type.member and not {"[Content_Types].xml", file_type.member} <= names:
        raise _not_a(file_type)


def _not_a(file_type: FileType) -> ValidationError:
    return ValidationError(
        "This is not a %(label)s: its contents do not match %(extension)s.",
        code="wrong-type",
        params={"label": file_type.label, "extension": file_type.extension},
    )
