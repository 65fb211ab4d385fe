"""manage.py extract_pdfs and extraction_status, as staff and tools use them."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from publications import queue
from publications.models import Extraction, ExtractionStatus
from tests import hostile_pdfs
from tests.pdfs import make_pdf

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_extract_pdfs_extracts_what_was_never_extracted_and_summarises(with_pdf):
    good = with_pdf(make_pdf(["Page one.", "Page two."]))
    bad = with_pdf(hostile_pdfs.html_named_pdf())

    output = run("extract_pdfs")

    assert "2 PDFs: 1 done, 1 failed." in output
    assert Extraction.objects.get(publication=good).status == ExtractionStatus.DONE
    assert Extraction.objects.get(publication=bad).reason == "not-a-pdf"


def test_extract_pdfs_failed_retries_only_the_failed(with_pdf):
    good = with_pdf(make_pdf(["Page one."]))
    bad = with_pdf(hostile_pdfs.html_named_pdf())
    run("extract_pdfs")

    output = run("extract_pdfs", "--failed")

    assert output.startswith("1 PDFs")
    assert Extraction.objects.get(publication=good).attempts == 1
    assert (
        Extraction.objects.get(publication=bad).attempts == 1
    )  # a new request starts the count again


def test_extract_pdfs_slug_extracts_again_and_refuses_an_unknown_slug(with_pdf):
    publication = with_pdf(make_pdf(["Page one."]))
    run("extract_pdfs")
    first = Extraction.objects.get(publication=publication).finished_at

    run("extract_pdfs", "--slug", publication.slug)

    assert Extraction.objects.get(publication=publication).finished_at > first
    with pytest.raises(CommandError):
        run("extract_pdfs", "--slug", "no-such-publication")


def test_extract_pdfs_queue_leaves_the_work_to_the_workers(
    with_pdf, django_capture_on_commit_callbacks
):
    publication = with_pdf(make_pdf(["Page one."]))

    with django_capture_on_commit_callbacks() as callbacks:
        output = run("extract_pdfs", "--queue")

    assert "1 queued" in output
    assert Extraction.objects.get(publication=publication).status == ExtractionStatus.PENDING
    assert any(getattr(c, "func", None) is queue.extract_pdf for c in callbacks)


def test_extraction_status_json_lists_each_pdf_with_its_state(with_pdf):
    scan = with_pdf(hostile_pdfs.scan_without_text())
    locked = with_pdf(hostile_pdfs.encrypted(user_password="pw"))
    run("extract_pdfs")

    rows = {row["slug"]: row for row in json.loads(run("extraction_status", "--json"))}

    assert rows[scan.slug] == {
        "slug": scan.slug,
        "file": scan.first_pdf.pk,
        "role": "full-report",
        "status": "done",
        "reason": None,
        "flags": ["no-text-layer"],
        "pages": 3,
        "characters": 0,
        "seconds": rows[scan.slug]["seconds"],
    }
    assert rows[locked.slug]["status"] == "failed"
    assert rows[locked.slug]["reason"] == "encrypted"
    assert isinstance(rows[locked.slug]["seconds"], float)


def test_extraction_status_table_is_readable(with_pdf):
    with_pdf(hostile_pdfs.encrypted(user_password="pw"), slug="locked-brief")
    run("extract_pdfs")

    output = run("extraction_status")

    assert output.splitlines()[0].split() == [
        "slug",
        "file",
        "role",
        "status",
        "pages",
        "seconds",
        "reason",
        "/",
        "flags",
    ]
    (row,) = [line for line in output.splitlines() if "locked-brief" in line]
    assert row.split()[2:4] == ["full-report", "failed"]
    assert "encrypted" in row
