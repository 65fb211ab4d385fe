"""Serving a publication's stored files: a PDF inline for the viewer, anything else (and every
file behind Download) as an attachment, with single HTTP
Range requests (RFC 9110 §14) so viewers can fetch the pages they show and large files resume.

The file is read through Django's storage API in chunks, never whole, so the same code serves
local files and S3-compatible storage (where only the bytes asked for are fetched).
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control

from publications.file_types import file_type_of
from publications.models import FileRole, Publication, PublicationFile

CHUNK_SIZE = 64 * 1024
RANGE_SPEC = re.compile(r"^bytes=(\d*)-(\d*)$")
PUBLIC_MAX_AGE = 60 * 60
# What a download's plain `filename` may hold: nothing that could end the quoted string, the
# header line or the path (RFC 6266 §4.3 asks for exactly such an ASCII fallback).
UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
FILENAME_PARTS = re.compile(r"(?P<stem>.*?)(?P<extension>\.[A-Za-z0-9]{1,8})?", re.DOTALL)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029/\\]+")
FILENAME_MAX = 150
# Cover images are checked by Pillow on upload; served only under these types, never as HTML.
COVER_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"}


class RangeNotSatisfiable(Exception):
    pass


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as in Content-Range

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one range asked for, or None to send the whole file.

    Headers we do not understand, and several ranges at once, get the whole file, which RFC 9110
    allows; a well-formed range that lies past the end raises RangeNotSatisfiable.
    """
    match = RANGE_SPEC.match((header or "").replace(" ", ""))
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":  # "-N": the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None  # syntactically invalid, so ignored
    if start >= size:
        raise RangeNotSatisfiable
    return ByteRange(start, min(int(last), size - 1) if last else size - 1)


class FileRangeIterator:
    """Yields a byte range of an open file in chunks and closes the file when the response ends
    (StreamingHttpResponse calls close(), also when the client goes away early)."""

    def __init__(self, file, byte_range: ByteRange, chunk_size: int = CHUNK_SIZE):
        self.file, self.range, self.chunk_size = file, byte_range, chunk_size
        self.body = None

    def __iter__(self):
        remote = getattr(self.file, "obj", None)  # django-storages' S3File: its boto3 Object
        if remote is not None:
            yield from self._ranged_get(remote)
            return
        self.file.seek(self.range.start)
        remaining = self.range.length
        while remaining > 0:
            chunk = self.file.read(min(self.chunk_size, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk

    def _ranged_get(self, remote):
        """One GET for just this range, streamed, rather than the whole object spooled first."""
        if self.range.length <= 0:
            return
        self.body = remote.get(Range=f"bytes={self.range.start}-{self.range.end}")["Body"]
        yield from self.body.iter_chunks(self.chunk_size)

    def close(self) -> None:
        if self.body is not None:
            self.body.close()
        self.file.close()


def content_disposition(*, attachment: bool, filename: str) -> str:
    """An RFC 6266 Content-Disposition: a plain ASCII `filename` that no name can break out of,
    and `filename*` (RFC 8187, percent-encoded UTF-8) when the real name has more to say."""
    kind = "attachment" if attachment else "inline"
    name = CONTROL_CHARACTERS.sub("-", filename).strip()[-FILENAME_MAX:] or "document"
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    parts = FILENAME_PARTS.fullmatch(UNSAFE_FILENAME.sub("-", ascii_name))
    fallback = (parts["stem"].strip("-.") or "document") + (parts["extension"] or "")
    if fallback == name:
        return f'{kind}; filename="{fallback}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(
    request: HttpRequest,
    file: PublicationFile | None,
    *,
    public: bool,
    attachment: bool,
    filename: str,
) -> HttpResponseBase:
    """A publication's file, whole (200), in part (206), 304 for a cached copy, or 416. Only a
    type that may be shown inline (a PDF) is sent inline; anything else is an attachment."""
    if file is None or not file.file:
        raise Http404("This publication has no such file.")
    file_type = file_type_of(file.content_type)
    if file_type is None:
        raise Http404("The file is not of a type we serve.")
    etag = f'"{file.sha256}"' if file.sha256 else None
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = _file_response(request, file, etag)
    if response.status_code in (200, 206):
        response.headers["Content-Type"] = file_type.content_type
    return _with_headers(
        response,
        public=public,
        etag=etag,
        attachment=attachment or not file_type.inline,
        filename=filename,
    )


def file_name(publication: Publication, file: PublicationFile) -> str:
    """The name a file is saved under: the slug, then its role and language unless it is the
    full report in the publication's own language, then its type's extension."""
    parts = [publication.slug]
    if file.role != FileRole.FULL_REPORT or file.language:
        parts.append(file.role)
    if file.language:
        parts.append(file.language)
    return "-".join(parts) + file.extension


def _file_response(request: HttpRequest, file: PublicationFile, etag: str | None):
    storage, name = file.file.storage, file.file.name
    size = file.size if file.size else _stored_size(file)
    header = request.headers.get("Range")
    if header and request.headers.get("If-Range", etag) != etag:
        header = None  # the client's partial copy is of another version: send it all again
    try:
        byte_range = parse_range(header, size)
    except RangeNotSatisfiable:
        response = HttpResponse(status=416)
        response.headers["Content-Range"] = f"bytes */{size}"
        return response
    try:
        stream = storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage.") from exc
    whole = byte_range is None
    byte_range = byte_range or ByteRange(0, size - 1)
    response = StreamingHttpResponse(
        FileRangeIterator(stream, byte_range), status=200 if whole else 206
    )
    response.headers["Content-Length"] = str(byte_range.length)
    if not whole:
        response.headers["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
    return response


def _stored_size(file: PublicationFile) -> int:
    try:
        return file.file.storage.size(file.file.name)
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage.") from exc


def _with_headers(response, *, public: bool, etag: str | None, attachment: bool, filename: str):
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = content_disposition(
        attachment=attachment, filename=filename
    )
    if etag:
        response.headers["ETag"] = etag
    if public:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        # A staff preview of a draft must not stay in a shared cache once it is unpublished.
        patch_cache_control(response, private=True, no_store=True)
    return response


def cover_response(publication: Publication) -> HttpResponseBase:
    """The publication's cover image, streamed from storage under an image type only."""
    if not publication.cover_image:
        raise Http404("This publication has no cover image.")
    content_type, _ = mimetypes.guess_type(publication.cover_image.name)
    if content_type not in COVER_TYPES:
        raise Http404("The cover is not an image type we serve.")
    try:
        file = publication.cover_image.storage.open(publication.cover_image.name, "rb")
    except FileNotFoundError as exc:
        raise Http404("The cover image is missing from storage.") from exc
    response = StreamingHttpResponse(
        FileRangeIterator(file, ByteRange(0, publication.cover_image.size - 1)),
        content_type=content_type,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    if publication.is_public:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
