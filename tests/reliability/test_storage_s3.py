"""Media on S3-compatible storage, against a real S3 API server on loopback (moto's server
mode): uploads land in the bucket, the PDF view streams ranges from it, and a worker with no
access to the web server's disk extracts a PDF it reads from the bucket."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from publications.models import Extraction, ExtractionStatus, PublicationFile
from publications.pdf_responses import ByteRange, FileRangeIterator
from publications.services import publication_file_save
from tests.factories import PublicationFactory
from tests.pdfs import make_pdf
from tests.servers import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


def stored_pdf(slug: str, pages: list[str]):
    publication = PublicationFactory(slug=slug)
    data = make_pdf(pages)
    file = PublicationFile(publication=publication)
    publication_file_save(file=file, upload=ContentFile(data), name="upload.pdf")
    return publication, data


@pytest.mark.django_db
def test_an_uploaded_pdf_is_stored_as_a_private_object_in_the_bucket(bucket, settings):
    client, name = bucket

    publication, data = stored_pdf("s3-upload", ["Stored remotely."])

    stored = client.get_object(Bucket=name, Key=publication.first_pdf.file.name)
    grants = client.get_object_acl(Bucket=name, Key=publication.first_pdf.file.name)["Grants"]
    assert publication.first_pdf.file.name.startswith("publications/")
    assert stored["Body"].read() == data
    assert publication.first_pdf.size == len(data)
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner alone
    assert not settings.MEDIA_ROOT.exists()  # nothing went to local disk


@pytest.mark.django_db
def test_the_pdf_view_streams_ranges_from_the_bucket(client, bucket):
    _, data = stored_pdf("s3-range", ["A page served from object storage."])

    whole = client.get("/publications/s3-range/pdf/")
    part = client.get("/publications/s3-range/pdf/", HTTP_RANGE="bytes=100-299")
    tail = client.get("/publications/s3-range/download/", HTTP_RANGE="bytes=-50")

    assert whole.status_code == 200
    assert whole["Content-Type"] == "application/pdf"
    assert b"".join(whole.streaming_content) == data
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-299/{len(data)}"
    assert b"".join(part.streaming_content) == data[100:300]
    assert tail.status_code == 206
    assert b"".join(tail.streaming_content) == data[-50:]


@pytest.mark.django_db
def test_a_range_is_fetched_alone_never_the_whole_object(bucket):
    publication, data = stored_pdf("s3-partial", ["Only ten bytes of this are wanted."])
    remote = publication.first_pdf.file.storage.open(publication.first_pdf.file.name, "rb")

    iterator = FileRangeIterator(remote, ByteRange(10, 19))
    chunks = list(iterator)
    iterator.close()

    assert b"".join(chunks) == data[10:20]
    assert remote._file is None  # django-storages never spooled the object to a local copy


@pytest.mark.django_db
def test_a_pdf_missing_from_the_bucket_is_404(client, bucket):
    s3, name = bucket
    publication, _ = stored_pdf("s3-gone", ["Soon deleted."])
    s3.delete_object(Bucket=name, Key=publication.first_pdf.file.name)

    assert client.get("/publications/s3-gone/pdf/").status_code == 404


def test_a_worker_without_the_web_servers_disk_extracts_a_pdf_from_the_bucket(
    bucket, s3_env, worker_env, celery_worker, tmp_path
):
    no_disk = tmp_path / "not-the-web-servers-disk"
    worker_env.update(s3_env, MEDIA_ROOT=str(no_disk))
    celery_worker()
    publication = PublicationFactory(slug="s3-extract")
    pages = ["Page one, read from S3.", "Page two on alliance burden sharing.", "Page three."]

    publication_file_save(
        file=PublicationFile(publication=publication),
        upload=ContentFile(make_pdf(pages), name="remote.pdf"),
    )

    def extracted():
        status = Extraction.objects.get(publication=publication).status
        return status in {ExtractionStatus.DONE, ExtractionStatus.FAILED} and status

    assert wait_until(extracted, timeout=60) == ExtractionStatus.DONE
    assert list(publication.pages.values_list("text", flat=True)) == pages
    assert not no_disk.exists()
