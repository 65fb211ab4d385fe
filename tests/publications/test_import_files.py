"""import_publications' `files` and `series`: several files with roles, ids kept across runs,
bad files skipping their row with its line number."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from publications.models import Extraction, Publication, PublicationFile, Series
from tests.publications.test_import import folder, row, run_import, write_jsonl, write_pdf

pytestmark = pytest.mark.django_db
__all__ = ["folder"]  # the fixture, shared


def write_xlsx(folder: Path, name: str) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    path = folder / name
    path.write_bytes(buffer.getvalue())
    return path


def files_row(**fields) -> dict:
    files = [
        {"path": "report.pdf", "role": "full-report"},
        {"path": "summary-fr.pdf", "role": "translated-edition", "language": "fr",
         "title": "Rapport"},
        {"path": "data.xlsx", "role": "data", "title": "Figures"},
    ]  # fmt: skip
    return row(files=files, **fields)


def write_files(folder: Path) -> None:
    write_pdf(folder, "report.pdf", "The report")
    write_pdf(folder, "summary-fr.pdf", "Le rapport")
    write_xlsx(folder, "data.xlsx")


def test_files_are_stored_in_order_with_roles_and_each_pdf_is_extracted(folder):
    write_files(folder)

    assert run_import(write_jsonl(folder / "rows.jsonl", [files_row()])).code == 0

    publication = Publication.objects.get(slug="a-report")
    files = list(publication.files.values_list("role", "language", "title", "content_type"))
    assert [file[:3] for file in files] == [
        ("full-report", "", ""),
        ("translated-edition", "fr", "Rapport"),
        ("data", "", "Figures"),
    ]
    assert files[2][3].endswith("spreadsheetml.sheet")
    pdfs = set(publication.files.pdfs().values_list("pk", flat=True))
    assert set(Extraction.objects.values_list("file_id", flat=True)) == pdfs
    assert len(pdfs) == 2


def test_a_second_run_keeps_every_file_and_its_id(folder):
    write_files(folder)
    path = write_jsonl(folder / "rows.jsonl", [files_row()])
    run_import(path)
    before = list(PublicationFile.objects.order_by("position").values_list("pk", "sha256"))

    result = run_import(path)

    assert "1 unchanged" in result.out
    assert list(PublicationFile.objects.order_by("position").values_list("pk", "sha256")) == before


def test_a_reordered_list_keeps_ids_and_a_dropped_file_goes(folder):
    write_files(folder)
    run_import(write_jsonl(folder / "rows.jsonl", [files_row()]))
    by_role = dict(PublicationFile.objects.values_list("role", "pk"))

    files = [{"path": "data.xlsx", "role": "data"}, {"path": "report.pdf", "role": "full-report"}]
    assert run_import(write_jsonl(folder / "rows.jsonl", [row(files=files)])).code == 0

    assert list(PublicationFile.objects.order_by("position").values_list("pk", flat=True)) == [
        by_role["data"],
        by_role["full-report"],
    ]
    assert PublicationFile.objects.count() == 2


def test_pdf_and_files_together_are_refused(folder):
    write_files(folder)
    rows = [row(pdf="report.pdf", files=[{"path": "data.xlsx", "role": "data"}])]

    result = run_import(write_jsonl(folder / "rows.jsonl", rows))

    assert result.code == 1
    assert "line 1: skipped: give either pdf or files, not both" in result.err
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ({"path": "gone.pdf", "role": "full-report"}, "files[0]: 'gone.pdf' not found"),
        ({"path": "report.pdf", "role": "poster"}, "files[0].role: unknown role 'poster'"),
        ({"path": "fake.csv", "role": "data"}, "This is not a CSV file"),
        ({"path": "fake.xlsx", "role": "data"}, "This is not a Excel workbook"),
        ({"path": "tool.exe", "role": "other"}, "Files of type .exe are not accepted"),
        ({"path": "report.pdf", "role": "summary", "language": "not a tag"}, "language tag"),
    ],
)
def test_a_bad_file_skips_its_row_with_the_line_and_the_next_row_imports(folder, spec, reason):
    write_files(folder)
    (folder / "fake.csv").write_bytes((folder / "report.pdf").read_bytes())  # a PDF renamed
    (folder / "fake.xlsx").write_bytes(b"MZ\x90\x00\x03\x00\x00\x00")  # an .exe renamed
    (folder / "tool.exe").write_bytes(b"MZ\x90\x00")
    rows = [row("bad", files=[spec]), row("good", files=[{"path": "data.xlsx", "role": "data"}])]

    result = run_import(write_jsonl(folder / "rows.jsonl", rows))

    assert result.code == 1
    assert result.err.startswith("line 1: skipped: files[0]")
    assert reason in result.err
    assert list(Publication.objects.values_list("slug", flat=True)) == ["good"]
    assert PublicationFile.objects.get().publication.slug == "good"


def test_series_is_matched_by_name_ignoring_case_created_when_new_and_cleared_by_null(folder):
    Series.objects.create(name="Alliance Papers", slug="alliance-papers")
    path = folder / "rows.jsonl"

    run_import(write_jsonl(path, [row("a", series="alliance papers"), row("b", series="New One")]))

    assert Publication.objects.get(slug="a").series.name == "Alliance Papers"
    assert Publication.objects.get(slug="b").series.slug == "new-one"
    run_import(write_jsonl(path, [row("a", series=None)]))
    assert Publication.objects.get(slug="a").series is None
    assert Series.objects.count() == 2


def test_the_pdf_shorthand_replaces_the_first_pdf_in_place_and_keeps_other_files(folder):
    write_files(folder)
    run_import(write_jsonl(folder / "rows.jsonl", [files_row()]))
    first = Publication.objects.get().first_pdf
    write_pdf(folder, "new.pdf", "A new edition")

    assert run_import(write_jsonl(folder / "rows.jsonl", [row(pdf="new.pdf")])).code == 0

    publication = Publication.objects.get()
    assert publication.first_pdf.pk == first.pk
    assert publication.first_pdf.sha256 != first.sha256
    assert publication.files.count() == 3
