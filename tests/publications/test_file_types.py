"""publications.file_types: an upload's type from its extension, checked against its first
bytes (or, for the Office formats and ZIP, the archive's list of members) and its size."""

import io

import pytest
from django.core.exceptions import ValidationError

from publications.file_types import FILE_TYPES, LANGUAGE_TAG, check_file, file_type_of
from tests.pdfs import make_pdf
from tests.uploads import zipped

OFFICE = {
    ".docx": "word/document.xml",
    ".xlsx": "xl/workbook.xml",
    ".pptx": "ppt/presentation.xml",
}


def check(data: bytes, name: str):
    return check_file(io.BytesIO(data), name=name)


def refusal(data: bytes, name: str) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        check(data, name)
    return error.value


def test_a_pdf_is_known_by_its_signature():
    assert check(make_pdf(["x"]), "Report.PDF").content_type == "application/pdf"
    assert refusal(b"<html>not a pdf</html>", "report.pdf").code == "not-a-pdf"


def test_a_csv_of_text_is_taken_and_the_stream_rewound():
    stream = io.BytesIO("year,montant\n2024,12 €\n".encode())

    assert check_file(stream, name="data.csv").content_type == "text/csv"
    assert stream.tell() == 0


@pytest.mark.parametrize(
    "data",
    [b"a,b\n1,\x002\n", b"MZ\x90\x00\x03", b"%PDF-1.7 renamed", zipped("a.txt")],
    ids=["nul", "executable", "pdf", "zip"],
)
def test_a_csv_that_is_not_text_is_refused(data):
    error = refusal(data, "data.csv")

    assert error.code == "wrong-type"
    assert error.messages == ["This is not a CSV file: it is not text."]


@pytest.mark.parametrize(("extension", "member"), OFFICE.items())
def test_an_office_file_is_a_zip_with_its_content_types_and_main_part(extension, member):
    file_type = check(zipped("[Content_Types].xml", member), f"file{extension}")

    assert file_type is FILE_TYPES[extension]
    assert file_type_of(file_type.content_type) is file_type


@pytest.mark.parametrize("extension", OFFICE)
@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7 a renamed PDF",
        b"PK\x03\x04 but no archive after it",
        zipped("a.txt"),
        zipped("[Content_Types].xml"),
    ],
    ids=["pdf", "broken-zip", "plain-zip", "no-main-part"],
)
def test_an_office_file_that_is_not_one_is_refused(extension, data):
    error = refusal(data, f"file{extension}")

    assert error.code == "wrong-type"
    assert extension in error.messages[0]


def test_another_office_format_under_the_wrong_extension_is_refused():
    docx = zipped("[Content_Types].xml", OFFICE[".docx"])

    assert refusal(docx, "renamed.xlsx").code == "wrong-type"


def test_a_zip_needs_only_to_be_an_archive():
    assert check(zipped("anything.bin"), "bundle.zip").content_type == "application/zip"
    assert refusal(b"PK\x05\x06 not really", "bundle.zip").code == "wrong-type"


@pytest.mark.parametrize("name", ["tool.exe", "page.html", "image.svg", "no-extension"])
def test_an_unknown_extension_is_refused_naming_what_is_taken(name):
    error = refusal(b"anything", name)

    assert error.code == "unknown-type"
    assert ".pdf, .csv, .xlsx, .docx, .pptx, .zip" in error.messages[0]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (make_pdf(["x" * 3000]), "big.pdf"),
        (b"a,b\n" * 400, "big.csv"),
        (
            zipped("[Content_Types].xml", "word/document.xml", *(f"{n}" for n in range(20))),
            "big.docx",
        ),
    ],
)
def test_every_type_is_held_to_the_size_limit(settings, data, name):
    settings.PUBLICATION_PDF_MAX_BYTES = 1000
    assert len(data) > 1000

    error = refusal(data, name)

    assert error.code == "too-large"
    assert "the limit is 1000\xa0bytes" in error.messages[0]


@pytest.mark.parametrize("name", ["empty.pdf", "empty.csv", "empty.zip"])
def test_an_empty_file_is_refused(name):
    assert refusal(b"", name).code == "empty"


@pytest.mark.parametrize(
    ("tag", "valid"),
    [("en", True), ("pt-BR", True), ("zh-Hant-TW", True), ("english", False), ("e", False)],
)
def test_language_tags_are_checked_for_their_shape(tag, valid):
    assert bool(LANGUAGE_TAG.fullmatch(tag)) is valid
