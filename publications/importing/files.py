"""Reading the import file, and finding and checking the files its rows point to."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from django.core.exceptions import ValidationError

from publications.file_types import check_file
from publications.importing.rows import RowError
from publications.pdf_files import check_pdf_header

CHUNK_BYTES = 1 << 20


class ImportFileError(Exception):
    """The import file as a whole cannot be read; nothing was imported."""


def count_lines(path: Path) -> int:
    """Read the whole file once, so a file that is not UTF-8 is refused before any row is saved."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, last = 0, b"\n"
    try:
        with path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
                _decode(decoder, chunk, line=lines + 1)
                lines, last = lines + chunk.count(b"\n"), chunk[-1:]
            _decode(decoder, b"", line=lines + 1, final=True)
    except IsADirectoryError as exc:
        raise ImportFileError(f"{path} is a folder, not a file") from exc
    except FileNotFoundError as exc:
        raise ImportFileError(f"{path} does not exist") from exc
    except OSError as exc:
        raise ImportFileError(f"{path} cannot be read: {exc.strerror or exc}") from exc
    return lines + (last != b"\n")


def _decode(decoder: codecs.IncrementalDecoder, chunk: bytes, *, line: int, final=False) -> None:
    try:
        decoder.decode(chunk, final=final)
    except UnicodeDecodeError as exc:
        near = line + chunk[: exc.start].count(b"\n")
        raise ImportFileError(f"the file is not UTF-8 text (line {near})") from exc


def read_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Line number and text of every line that is not blank."""
    # utf-8-sig: a byte-order mark left by a spreadsheet export must not break the first row.
    with path.open(encoding="utf-8-sig") as stream:
        for number, text in enumerate(stream, start=1):
            if text.strip():
                yield number, text


def resolve_pdf(*, pdf_dir: Path, relative: str) -> Path:
    """The PDF a row's `pdf` names, checked: inside pdf_dir, present, %PDF- first, within the
    limit (whatever its name: `pdf` has always taken any name)."""
    return _resolve(pdf_dir=pdf_dir, relative=relative, where="pdf", check=_check_pdf)


def resolve_file(*, pdf_dir: Path, relative: str, where: str) -> Path:
    """A file of a row's `files`, checked: inside pdf_dir, present, of a type we take (by its
    extension, with first bytes that agree), within the limit."""
    return _resolve(pdf_dir=pdf_dir, relative=relative, where=where, check=check_file)


def _check_pdf(stream, *, name: str, size: int) -> None:
    check_pdf_header(stream, size=size)


def _resolve(*, pdf_dir: Path, relative: str, where: str, check) -> Path:
    base = pdf_dir.resolve()
    # resolve() follows symlinks and "..", so a link that points out of the folder is refused too.
    path = (base / relative).resolve()
    if Path(relative).is_absolute() or not path.is_relative_to(base):
        raise RowError(f"{where}: {relative!r} is outside the PDF folder {pdf_dir}")
    if not path.is_file():
        raise RowError(f"{where}: {relative!r} not found in {pdf_dir}")
    try:
        with path.open("rb") as stream:
            check(stream, name=path.name, size=path.stat().st_size)
    except ValidationError as exc:
        raise RowError(f"{where}: {relative!r}: {exc.messages[0]}") from exc
    except OSError as exc:
        raise RowError(f"{where}: {relative!r} cannot be read: {exc.strerror or exc}") from exc
    return path
