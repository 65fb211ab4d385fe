"""publications.services.files: storing, replacing and deleting one of a publication's files."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from publications import queue, services
from publications.extraction import services as extraction
from publications.models import (
    Extraction,
    ExtractionStatus,
    FileRole,
    PublicationFile,
    PublicationPage,
    SlugRedirect,
)
from tests.factories import PublicationFactory
from tests.pdfs import make_pdf

pytestmark = pytest.mark.django_db

CSV = b"year,spending\n2023,12\n"


def save(publication, data, name="report.pdf", file=None, **fields):
    file = file or PublicationFile(publication=publication, **fields)
    return services.publication_file_save(file=file, upload=ContentFile(data, name=name))


def stored(file):
    return file.file.storage.exists(file.file.name)


def queued(callbacks):
    return [c.args for c in callbacks if getattr(c, "func", None) is queue.extract_pdf]


def test_file_digest_gives_size_and_sha256_and_rewinds():
    data = b"%PDF-1.7 some bytes" * 1000
    stream = io.BytesIO(data)
    stream.read(10)

    assert services.file_digest(stream) == (len(data), hashlib.sha256(data).hexdigest())
    assert stream.tell() == 0


def test_file_digest_reads_an_uploaded_file():
    data = make_pdf(["one"])

    size, sha256 = services.file_digest(SimpleUploadedFile("a.pdf", data))

    assert (size, sha256) == (len(data), hashlib.sha256(data).hexdigest())


def test_save_stores_size_hash_and_type_and_queues_extraction_on_commit(
    django_capture_on_commit_callbacks,
):
    data = make_pdf(["page one", "page two"])

    with django_capture_on_commit_callbacks() as callbacks:
        file = save(PublicationFactory(slug="stored"), data)

    file.refresh_from_db()
    assert stored(file)
    assert file.file.name.endswith("/stored.pdf")
    assert (file.size, file.sha256, file.content_type) == (
        len(data),
        hashlib.sha256(data).hexdigest(),
        "application/pdf",
    )
    assert Extraction.objects.get(file=file).status == ExtractionStatus.PENDING
    assert queued(callbacks) == [(file.pk, file.sha256)]


def test_a_data_file_is_stored_with_its_type_and_never_extracted(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        file = save(PublicationFactory(), CSV, name="data.csv", role=FileRole.DATA)

    assert (file.content_type, file.size) == ("text/csv", len(CSV))
    assert not Extraction.objects.exists()
    assert queued(callbacks) == []


def test_replacing_the_bytes_keeps_the_id_and_resets_the_extraction():
    publication = PublicationFactory()
    file = save(publication, make_pdf(["old one", "old two"]))
    extraction.extraction_run(file_id=file.pk, sha256=file.sha256)
    file.refresh_from_db()
    assert file.page_count == 2
    new = make_pdf(["new"])

    save(publication, new, file=file)

    file.refresh_from_db()
    assert file.pk == publication.first_pdf.pk
    assert file.sha256 == hashlib.sha256(new).hexdigest()
    assert file.page_count is None
    row = Extraction.objects.get(file=file)
    assert (row.status, row.sha256, row.attempts) == (ExtractionStatus.PENDING, file.sha256, 0)


def test_the_replaced_bytes_are_deleted_only_on_commit(django_capture_on_commit_callbacks):
    file = save(PublicationFactory(), make_pdf(["old"]))
    old_name = file.file.name

    with django_capture_on_commit_callbacks() as callbacks:
        save(file.publication, make_pdf(["new"]), file=file)
        assert file.file.storage.exists(old_name)
    for callback in callbacks:
        callback()

    assert file.file.name != old_name
    assert not file.file.storage.exists(old_name)
    assert stored(file)


def test_the_same_bytes_again_change_nothing(django_capture_on_commit_callbacks):
    data = make_pdf(["same"])
    file = save(PublicationFactory(), data)
    extraction.extraction_run(file_id=file.pk, sha256=file.sha256)
    file.refresh_from_db()
    name = file.file.name

    with django_capture_on_commit_callbacks() as callbacks:
        stored_again = services.publication_file_store(
            file=file, upload=ContentFile(data, name="report.pdf")
        )
        save(file.publication, data, file=file)

    file.refresh_from_db()
    assert stored_again is False
    assert (file.file.name, file.page_count) == (name, 1)
    assert Extraction.objects.get(file=file).status == ExtractionStatus.DONE
    assert queued(callbacks) == []


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("report.pdf", b"<html>nope</html>", "not-a-pdf"),
        ("data.csv", b"%PDF-1.7 renamed", "wrong-type"),
        ("tool.exe", b"MZ\x90\x00", "unknown-type"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_stored(name, data, code):
    publication = PublicationFactory()

    with pytest.raises(ValidationError) as error:
        save(publication, data, name=name)

    assert error.value.code == code
    assert not PublicationFile.objects.exists()


def test_a_new_file_replaces_the_plain_text_an_import_gave():
    publication = PublicationFactory()
    PublicationPage.objects.create(publication=publication, number=1, text="Imported text.")

    save(publication, make_pdf(["From the PDF."]))

    assert not PublicationPage.objects.filter(file=None).exists()


def test_delete_removes_the_row_pages_and_extraction_and_the_bytes_on_commit(
    django_capture_on_commit_callbacks,
):
    file = save(PublicationFactory(), make_pdf(["gone one", "gone two"]))
    extraction.extraction_run(file_id=file.pk, sha256=file.sha256)
    assert PublicationPage.objects.filter(file=file).count() == 2
    name, storage = file.file.name, file.file.storage

    with django_capture_on_commit_callbacks() as callbacks:
        services.publication_file_delete(file=file)
        assert storage.exists(name)
    for callback in callbacks:
        callback()

    assert not PublicationFile.objects.exists()
    assert not PublicationPage.objects.exists()
    assert not Extraction.objects.exists()
    assert not storage.exists(name)


def test_a_renamed_publication_keeps_its_files_and_records_the_old_slug():
    publication = PublicationFactory(slug="before")
    file = save(publication, make_pdf(["text"]))
    publication.slug = "after"

    services.publication_save(publication=publication, old_slug="before")

    assert SlugRedirect.objects.get(old_slug="before").publication == publication
    assert list(publication.files.all()) == [file]
    assert stored(file)
