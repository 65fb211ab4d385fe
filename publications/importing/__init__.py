"""Bulk import of publications from JSON Lines; the format is described in the
import_publications command. Each line is parsed on its own; new publications without files are
written a batch at a time (bulk.Importer), every other row in its own transaction, so a bad row
never stops the rows around it."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from publications.importing.apply import Outcome, import_row
from publications.importing.bulk import Importer
from publications.importing.files import ImportFileError, count_lines, read_lines, resolve_pdf
from publications.importing.rows import ImportRow, NamedSpec, RowError, parse_row

__all__ = [
    "ImportFileError",
    "ImportReport",
    "ImportRow",
    "Importer",
    "NamedSpec",
    "Outcome",
    "RowError",
    "count_lines",
    "import_row",
    "parse_row",
    "read_lines",
    "resolve_pdf",
]


@dataclass
class ImportReport:
    """What one import run did: counts per outcome and the skipped lines with their reasons."""

    counts: Counter[Outcome] = field(default_factory=Counter)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome] += 1

    def skip(self, line: int, reason: str) -> None:
        self.skipped.append((line, reason))

    @property
    def rows(self) -> int:
        return self.counts.total() + len(self.skipped)

    def summary(self) -> str:
        parts = [f"{self.counts[outcome]} {outcome}" for outcome in Outcome]
        return ", ".join([*parts, f"{len(self.skipped)} skipped"])


def importer(*, pdf_dir: Path, batch: uuid.UUID, notify: bool, report: ImportReport) -> Importer:
    """An Importer recording outcomes and skipped lines in `report` (call flush() at the end)."""
    return Importer(
        pdf_dir=pdf_dir,
        batch=batch,
        notify=notify,
        created=lambda: report.add(Outcome.CREATED),
        applied=report.add,
        skipped=report.skip,
    )
