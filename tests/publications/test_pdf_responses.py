import io

import pytest

from publications.models import Status
from publications.pdf_responses import (
    CHUNK_SIZE,
    ByteRange,
    FileRangeIterator,
    RangeNotSatisfiable,
    parse_range,
)
from tests.factories import PublicationFactory
from tests.publications.pages import attach_pdf


@pytest.fixture
def stored(db):
    """A public publication with a real PDF; returns (publication, the PDF's bytes)."""
    publication = PublicationFactory(slug="alliance-report")
    return publication, attach_pdf(publication)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_pdf_is_served_inline_for_the_viewer(client, stored):
    _, data = stored

    response = client.get("/publications/alliance-report/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="alliance-report.pdf"'
    assert response["Content-Length"] == str(len(data))
    assert body(response) == data


@pytest.mark.django_db
def test_download_is_served_as_an_attachment(client, stored):
    _, data = stored

    response = client.get("/publications/alliance-report/download/")

    assert response["Content-Disposition"] == 'attachment; filename="alliance-report.pdf"'
    assert body(response) == data


@pytest.mark.django_db
def test_pdf_headers_allow_ranges_forbid_sniffing_and_carry_the_hash_as_etag(client, stored):
    publication, _ = stored

    response = client.get("/publications/alliance-report/pdf/")

    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"] == f'"{publication.pdf_sha256}"'
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "public" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-50", -50, None)],
)
def test_range_request_gets_206_with_exactly_those_bytes(client, stored, header, start, end):
    _, data = stored
    expected = data[start : None if end is None else end + 1]
    first = start if start >= 0 else len(data) + start

    response = client.get("/publications/alliance-report/pdf/", HTTP_RANGE=header)

    assert response.status_code == 206
    assert body(response) == expected
    assert response["Content-Length"] == str(len(expected))
    last = first + len(expected) - 1
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(data)}"


@pytest.mark.django_db
def test_range_past_the_end_is_clipped_to_the_file(client, stored):
    _, data = stored

    response = client.get("/publications/alliance-report/pdf/", HTTP_RANGE="bytes=10-999999999")

    assert response.status_code == 206
    assert body(response) == data[10:]


@pytest.mark.django_db
def test_range_starting_beyond_the_file_is_416(client, stored):
    _, data = stored

    response = client.get("/publications/alliance-report/pdf/", HTTP_RANGE=f"bytes={len(data)}-")

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(data)}"


@pytest.mark.django_db
def test_several_ranges_at_once_get_the_whole_file(client, stored):
    _, data = stored

    response = client.get("/publications/alliance-report/pdf/", HTTP_RANGE="bytes=0-1,5-9")

    assert response.status_code == 200
    assert body(response) == data


@pytest.mark.django_db
def test_range_for_a_changed_file_gets_the_whole_new_file(client, stored):
    _, data = stored

    response = client.get(
        "/publications/alliance-report/pdf/", HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old-hash"'
    )

    assert response.status_code == 200
    assert body(response) == data


@pytest.mark.django_db
def test_range_with_matching_if_range_is_honoured(client, stored):
    publication, data = stored

    response = client.get(
        "/publications/alliance-report/pdf/",
        HTTP_RANGE="bytes=0-9",
        HTTP_IF_RANGE=f'"{publication.pdf_sha256}"',
    )

    assert response.status_code == 206
    assert body(response) == data[:10]


@pytest.mark.django_db
def test_cached_copy_with_the_same_etag_gets_304(client, stored):
    publication, _ = stored

    response = client.get(
        "/publications/alliance-report/pdf/", HTTP_IF_NONE_MATCH=f'"{publication.pdf_sha256}"'
    )

    assert response.status_code == 304
    assert response["ETag"] == f'"{publication.pdf_sha256}"'


@pytest.mark.django_db
def test_large_pdf_is_streamed_in_chunks(client):
    publication = PublicationFactory(slug="big")
    data = b"%PDF-1.7\n" + bytes(range(256)) * 1200  # about 300 KB
    attach_pdf(publication, data)

    response = client.get("/publications/big/download/")
    chunks = list(response.streaming_content)

    assert response.streaming
    assert len(chunks) > 1
    assert max(len(chunk) for chunk in chunks) <= CHUNK_SIZE
    assert b"".join(chunks) == data


@pytest.mark.django_db
def test_draft_pdf_is_404_for_the_public_and_private_for_staff(client, admin_client):
    publication = PublicationFactory(slug="draft", status=Status.DRAFT)
    data = attach_pdf(publication)

    public = client.get("/publications/draft/pdf/")
    staff = admin_client.get("/publications/draft/pdf/")

    assert public.status_code == 404
    assert staff.status_code == 200
    assert body(staff) == data
    assert "private" in staff["Cache-Control"]
    assert "no-store" in staff["Cache-Control"]


@pytest.mark.django_db
def test_publication_without_pdf_has_no_pdf_url(client):
    PublicationFactory(slug="no-pdf")

    assert client.get("/publications/no-pdf/pdf/").status_code == 404
    assert client.get("/publications/no-pdf/download/").status_code == 404


@pytest.mark.django_db
def test_pdf_missing_from_storage_is_404_not_500(client, stored):
    publication, _ = stored
    publication.pdf.storage.delete(publication.pdf.name)

    assert client.get("/publications/alliance-report/pdf/").status_code == 404


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("bytes=0-0", ByteRange(0, 0)),
        ("bytes=5-", ByteRange(5, 99)),
        ("bytes=-10", ByteRange(90, 99)),
        ("bytes=-500", ByteRange(0, 99)),
        ("bytes=90-200", ByteRange(90, 99)),
        ("bytes=9-3", None),  # invalid: ignored, whole file
        ("bytes=a-b", None),
        ("items=0-5", None),
        ("bytes=0-5,10-20", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=150-160", "bytes=-0"])
def test_parse_range_refuses_ranges_outside_the_file(header):
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 100)


def test_file_range_iterator_reads_only_its_range_and_closes_the_file():
    file = io.BytesIO(bytes(range(100)))
    iterator = FileRangeIterator(file, ByteRange(10, 29), chunk_size=8)

    chunks = list(iterator)
    iterator.close()

    assert chunks == [bytes(range(10, 18)), bytes(range(18, 26)), bytes(range(26, 30))]
    assert file.closed
