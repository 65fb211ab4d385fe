"""Import publications from a JSON Lines file: one JSON object a line.

    python manage.py import_publications FILE.jsonl [--pdf-dir DIR] [--notify] [--quiet]

Fields of a row:

- ``slug`` (required): unique, kept as given, up to 200 characters of letters, digits, ``-``
  and ``_``. A row whose slug exists updates that publication.
- ``title`` (required, not empty), ``abstract`` (required, may be empty).
- ``published`` (required): ``YYYY-MM-DD``. Published when today or earlier, scheduled when later.
- ``type`` (required): a type key: report, issue-brief, commentary, testimony, working-paper,
  book, journal-article.
- ``authors`` (required, may be empty): in byline order. Each entry is a name, or an object
  ``{"name", "role", "affiliation", "bio"}`` (only ``name`` required). Names match existing
  authors ignoring case and are created when new; the other keys, when present, update the
  author (the name itself is never changed by a match).
- ``topics`` (required, may be empty): each a name, or an object
  ``{"name", "description", "parent"}`` where ``parent`` is another topic's name (created when
  new; null clears it). Matched and created like authors.
- ``status`` (optional): ``"draft"`` keeps the publication unpublished; ``"published"`` (the
  same as leaving it out) lets the date decide between published and scheduled.
- ``pdf`` (optional): a path relative to ``--pdf-dir`` (default: the JSONL file's folder) that
  must stay inside that folder; one full report, which replaces the publication's first PDF in
  place (its id, so its URL, stays) or, with none, becomes its first file; other files stay. The
  file must start with ``%PDF-`` and be within ``PUBLICATION_PDF_MAX_BYTES``. The same file
  (same SHA-256) is not stored again.
- ``files`` (optional, not with ``pdf``): the publication's files, in order, each an object
  ``{"path", "role", "title", "language"}``: ``path`` as for ``pdf``; ``role`` one of
  full-report, summary, appendix, data, presentation, translated-edition, other; ``title`` and
  ``language`` (a BCP 47 tag) optional. The files become exactly these: a file already stored
  (same SHA-256) keeps its row and id wherever it moves, others are stored (PDFs extracted),
  files no longer listed are removed. Each file is checked by its extension and contents
  (publications/file_types.py: PDF, CSV, XLSX, DOCX, PPTX, ZIP) and size; a bad one skips the
  row. Leaving out both ``pdf`` and ``files`` keeps the current files.
- ``series`` (optional): a series name, matched ignoring case and created when new; null clears
  it, leaving it out keeps the current one.
- ``text`` (optional, not with ``pdf`` or ``files``): the full text to index for a publication
  without a file, kept as its page 1.
- ``body`` (optional): the publication's web text as HTML, sanitised as the admin's editor's;
  leaving it out keeps the stored body, "" clears it.

Unknown fields are refused. On an update the author and topic lists are replaced (authors in the
row's order); nothing is saved when nothing differs, so a second run reports every row unchanged.
A row that fails validation is skipped with its line number and reason; the others still import,
each in its own transaction.

Exit status: 0 when every row was imported, 1 when some were skipped, 2 when the file cannot be
read (missing, unreadable, not UTF-8). The import emails nobody: what it creates or first makes
public is marked not to be announced, unless ``--notify`` is given; then it is announced as if
staff had published it, everything this run makes public as one batch (one digest).
"""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path
from typing import NoReturn

from django.core.management.base import BaseCommand
from tqdm import tqdm

from publications import changes, importing

PLAIN_EVERY_ROWS = 100
PLAIN_EVERY_SECONDS = 5.0


class Command(BaseCommand):
    help = "Import publications from a JSON Lines file (format: see this command's module)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .jsonl file, one publication a line")
        parser.add_argument(
            "--pdf-dir", type=Path, help="folder the rows' pdf paths are relative to"
        )
        parser.add_argument(
            "--notify", action="store_true", help="announce what this import publishes"
        )
        parser.add_argument(
            "--quiet", action="store_true", help="print only skipped rows and the final report"
        )

    def handle(self, *args, file, pdf_dir, notify, quiet, verbosity, **options):
        pdf_dir = pdf_dir or file.parent
        try:
            total = importing.count_lines(file)
        except importing.ImportFileError as exc:
            self._fail(f"Cannot import {file}: {exc}.")
        if not pdf_dir.is_dir():
            self._fail(f"Cannot import {file}: the PDF folder {pdf_dir} does not exist.")
        report = importing.ImportReport()
        batch = uuid.uuid4()  # Everything one run makes public is announced as one digest.
        progress = self._progress(total, quiet=quiet or verbosity == 0)
        # One bulk change: the rows' search documents are written a batch at a time, and at the
        # end the index is made exact (search ranks right at once) and, with --notify, the whole
        # run is announced as one digest.
        with changes.bulk(announce=notify):
            for line, text in importing.read_lines(file):
                importing.import_line(
                    text=text,
                    line=line,
                    pdf_dir=pdf_dir,
                    batch=batch,
                    notify=notify,
                    report=report,
                )
                progress.update(line, report)
        progress.close()
        self._report(file, report)
        if report.skipped:
            sys.exit(1)

    def _progress(self, total: int, *, quiet: bool) -> Progress:
        if quiet:
            return Progress()
        if sys.stderr.isatty():
            return BarProgress(total)
        return PlainProgress(total, write=self.stdout.write)

    def _report(self, file: Path, report: importing.ImportReport) -> None:
        for line, reason in report.skipped:
            self.stderr.write(f"line {line}: skipped: {reason}")
        self.stdout.write(f"Imported {file}: {report.summary()}.")

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        sys.exit(2)


class Progress:
    """No progress output (--quiet)."""

    def update(self, line: int, report: importing.ImportReport) -> None:
        pass

    def close(self) -> None:
        pass


class BarProgress(Progress):
    """A tqdm bar over the file's lines, for a terminal."""

    def __init__(self, total: int) -> None:
        self.bar = tqdm(total=total, unit="line", file=sys.stderr, dynamic_ncols=True)

    def update(self, line: int, report: importing.ImportReport) -> None:
        self.bar.update(line - self.bar.n)
        self.bar.set_postfix_str(report.summary(), refresh=False)

    def close(self) -> None:
        self.bar.close()


class PlainProgress(Progress):
    """A plain line every so many rows or seconds, for logs, where a bar would be noise."""

    def __init__(self, total: int, *, write) -> None:
        self.total, self.write = total, write
        self.rows_then, self.time_then = 0, time.monotonic()

    def update(self, line: int, report: importing.ImportReport) -> None:
        now = time.monotonic()
        few_rows = report.rows - self.rows_then < PLAIN_EVERY_ROWS
        if few_rows and now - self.time_then < PLAIN_EVERY_SECONDS:
            return
        self.rows_then, self.time_then = report.rows, now
        self.write(f"line {line} of {self.total}: {report.summary()}")
