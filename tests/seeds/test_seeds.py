"""The demo content in seeds/: it imports cleanly, and its PDFs are real, paged and searchable."""

from __future__ import annotations

import datetime
import importlib
import io
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from publications.models import Author, Publication, PublicationType, Status, Topic

REPO = Path(__file__).resolve().parents[2]
SEEDS_DIR = REPO / "seeds"
JSONL = SEEDS_DIR / "publications.jsonl"
SHARED_PAGE = REPO.parent / "shared/seed/publication-page.txt"
SEED_SLUG = "us-south-korea-defense-industrial-cooperation"
# The day the seeds were written for: one publication is scheduled after it. Tests that look at
# statuses pin "today" to it, so they still hold once that date has passed.
SEEDS_TODAY = datetime.date(2026, 11, 26)


@pytest.fixture(scope="module")
def generator():
    # seeds/ is a folder of scripts, not a package: import them as generate.py itself does.
    sys.path.insert(0, str(SEEDS_DIR))
    try:
        return importlib.import_module("generate")
    finally:
        sys.path.remove(str(SEEDS_DIR))


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in JSONL.read_text("utf-8").splitlines()]


def full_report(row: dict) -> str | None:
    """The path of a row's full-report PDF: its `pdf`, or the full report among its `files`."""
    reports = [f["path"] for f in row.get("files", ()) if f["role"] == "full-report"]
    return row.get("pdf") or next(iter(reports), None)


@pytest.fixture(scope="module")
def page_texts(rows) -> dict[str, list[str]]:
    """Each full report's text page by page, whitespace collapsed (lines break inside phrases)."""
    return {
        row["slug"]: [
            " ".join(page.extract_text().split())
            for page in PdfReader(SEEDS_DIR / full_report(row)).pages
        ]
        for row in rows
        if full_report(row)
    }


def run_import(*args: str) -> str:
    out = io.StringIO()
    call_command("import_publications", str(JSONL), *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seeds_import_with_exit_0_and_a_second_time_change_nothing(rows):
    first = run_import("--quiet")  # A skipped row would exit 1, raising SystemExit here.
    second = run_import("--quiet")

    assert f"{len(rows)} created, 0 updated, 0 unchanged, 0 skipped" in first
    assert f"0 created, 0 updated, {len(rows)} unchanged, 0 skipped" in second
    assert Publication.objects.count() == len(rows) >= 30


@pytest.mark.django_db
def test_seeds_cover_every_type_status_and_many_authors_and_topics(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: SEEDS_TODAY)
    run_import("--quiet")

    assert set(Publication.objects.values_list("type", flat=True)) == set(PublicationType.values)
    statuses = Counter(Publication.objects.values_list("status", flat=True))
    assert statuses[Status.DRAFT] == 1
    assert statuses[Status.SCHEDULED] == 1
    assert Author.objects.count() >= 15
    assert Author.objects.exclude(bio="").count() == Author.objects.count()
    assert Topic.objects.count() >= 10
    assert Topic.objects.filter(parent__isnull=False).exists()
    multi_author = [p for p in Publication.objects.all() if p.authorships.count() > 1]
    assert len(multi_author) >= 5


def test_dates_spread_over_2021_to_2026_with_one_scheduled_ahead(rows):
    dates = [datetime.date.fromisoformat(row["published"]) for row in rows]
    assert {date.year for date in dates} >= {2021, 2022, 2023, 2024, 2025, 2026}
    ahead = [row for row in rows if row["published"] > SEEDS_TODAY.isoformat()]
    assert [row.get("status") for row in ahead if row.get("status") != "draft"] == [None]


def test_every_referenced_pdf_is_a_real_multi_page_pdf(rows):
    for row in (row for row in rows if full_report(row)):
        path = SEEDS_DIR / full_report(row)
        assert path.read_bytes()[:5] == b"%PDF-", path
        assert 3 <= len(PdfReader(path).pages) <= 25, path
        assert path.stat().st_size < 60 * 1024, path


def test_every_pdf_page_has_a_text_layer(page_texts):
    assert len(page_texts) >= 30
    for slug, pages in page_texts.items():
        assert all(len(text) > 50 for text in pages), slug
        assert f"Page 2 of {len(pages)}" in pages[1], slug


@pytest.mark.django_db
def test_one_publication_shows_several_files_a_summary_pdf_and_csv_data(rows):
    (row,) = [row for row in rows if "files" in row]
    run_import("--quiet")

    files = Publication.objects.get(slug=row["slug"]).files.all()
    assert [(f.role, f.content_type) for f in files] == [
        ("full-report", "application/pdf"),
        ("summary", "application/pdf"),
        ("data", "text/csv"),
    ]
    summary = PdfReader(SEEDS_DIR / row["files"][1]["path"])
    assert len(summary.pages) == 2
    assert row["abstract"][:40] in " ".join(summary.pages[1].extract_text().split())
    header = (SEEDS_DIR / row["files"][2]["path"]).read_text().splitlines()[0]
    assert header == "year,region,shells_per_month"


def test_seeds_stay_small():
    total = sum(path.stat().st_size for path in SEEDS_DIR.rglob("*") if path.is_file())
    assert total < 1.5 * 1024 * 1024


def test_some_rows_carry_text_instead_of_a_pdf(rows):
    text_rows = [row for row in rows if "text" in row]
    assert len(text_rows) >= 1
    assert all("pdf" not in row and len(row["text"]) > 1000 for row in text_rows)


def test_each_distinctive_phrase_occurs_once_on_its_page(generator, page_texts, rows):
    texts = {row["slug"]: row["text"] for row in rows if "text" in row}
    for seed in generator.SEEDS:
        if seed.pages:
            hits = [
                (slug, number)
                for slug, pages in page_texts.items()
                for number, text in enumerate(pages, start=1)
                if seed.marker in text
            ]
            assert hits == [(seed.slug, seed.marker_page)], seed.marker
        else:
            assert [slug for slug, text in texts.items() if seed.marker in text] == [seed.slug]


def test_jsonl_is_what_generate_writes(generator):
    assert JSONL.read_text("utf-8").splitlines() == generator.jsonl_lines()


def test_seed_publication_matches_the_shared_page(rows):
    if not SHARED_PAGE.exists():
        pytest.skip(f"{SHARED_PAGE} is not in this checkout")
    lines = [line.strip() for line in SHARED_PAGE.read_text("utf-8").splitlines() if line.strip()]
    dated = next(
        i for i, line in enumerate(lines) if re.fullmatch(r"Published \w+ \d+, \d{4}", line)
    )
    title = lines[dated - 1]
    published = datetime.datetime.strptime(lines[dated].removeprefix("Published "), "%B %d, %Y")
    abstract = lines[lines.index("Download PDF", dated) + 1]

    row = next(row for row in rows if row["slug"] == SEED_SLUG)
    assert row["title"] == title
    assert row["published"] == published.date().isoformat()
    assert row["abstract"] == abstract
    assert row["type"] in ("report", "issue-brief")
