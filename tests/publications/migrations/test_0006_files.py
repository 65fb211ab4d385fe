"""Migration 0006: each publication's PDF becomes its first file, with its pages, page count and
extraction row kept, by SQL; nothing is queued for extraction again."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.migrating import migrate, migrate_to_latest

BEFORE = [("publications", "0005_body"), ("search", "0010_body_field")]
AFTER = [("publications", "0006_files"), ("search", "0011_page_file")]



@pytest.mark.django_db(transaction=True)
def test_the_pdf_its_pages_and_its_extraction_move_to_the_first_file(monkeypatch):
    queued = []
    monkeypatch.setattr("publications.queue.extract_pdf", lambda *args: queued.append(args))
    old = migrate(BEFORE)
    Publication = old.get_model("publications", "Publication")
    with_pdf = Publication.objects.create(
        title="With PDF", slug="with-pdf", pdf="publications/2024/12/with-pdf.pdf",
        pdf_size=1234, pdf_sha256="a" * 64, page_count=2,
    )  # fmt: skip
    text_only = Publication.objects.create(title="Text", slug="text-only")
    Page = old.get_model("publications", "PublicationPage")
    Page.objects.bulk_create([
        Page(publication=with_pdf, number=1, text="First page"),
        Page(publication=with_pdf, number=2, text="Second page"),
        Page(publication=text_only, number=1, text="Imported text"),
    ])  # fmt: skip
    old.get_model("publications", "Extraction").objects.create(
        publication=with_pdf, sha256="a" * 64, status="done", flags=["garbled-text"],
        pages=2, characters=21, extracted_sha256="a" * 64, reason="",
    )  # fmt: skip
    Document = old.get_model("search", "SearchDocument")
    Document.objects.create(
        publication_id=with_pdf.pk, title="With PDF", publication_date=with_pdf.publication_date
    )
    old.get_model("search", "SearchPage").objects.create(
        document_id=with_pdf.pk, number=2, text="Second page"
    )

    try:
        new = migrate(AFTER)
        File = new.get_model("publications", "PublicationFile")
        file = File.objects.get()
        assert (file.publication_id, file.position, file.role) == (with_pdf.pk, 0, "full-report")
        assert (file.file.name, file.size, file.sha256) == (
            "publications/2024/12/with-pdf.pdf", 1234, "a" * 64,
        )  # fmt: skip
        assert (file.content_type, file.page_count) == ("application/pdf", 2)
        pages = new.get_model("publications", "PublicationPage").objects.order_by("pk")
        assert list(pages.values_list("publication_id", "file_id", "number")) == [
            (with_pdf.pk, file.pk, 1),
            (with_pdf.pk, file.pk, 2),
            (text_only.pk, None, 1),
        ]
        extraction = new.get_model("publications", "Extraction").objects.get()
        assert (extraction.file_id, extraction.publication_id) == (file.pk, with_pdf.pk)
        assert (extraction.status, extraction.flags) == ("done", ["garbled-text"])
        search_page = new.get_model("search", "SearchPage").objects.get()
        assert search_page.file_id == file.pk
        # A file added after the migration gets an id past the moved ones.
        later = File.objects.create(
            publication_id=text_only.pk, file="x.csv", size=1, sha256="b" * 64,
            content_type="text/csv",
        )  # fmt: skip
        assert later.pk > file.pk
        assert queued == []
    finally:
        migrate_to_latest()
