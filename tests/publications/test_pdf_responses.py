import io
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from publications.models import Status
from publications.pdf_responses import (
    CHUNK_SIZE,
    ByteRange,
    FileRangeIterator,
    RangeNotSatisfiable,
    content_disposition,
    file_name,
    file_response,
    parse_range,
)
from tests.factories import PublicationFactory
from tests.publications.pages import attach_pdf
from tests.uploads import body


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
    assert response["ETag"] == f'"{publication.first_pdf.sha256}"'
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
        HTTP_IF_RANGE=f'"{publication.first_pdf.sha256}"',
    )

    assert response.status_code == 206
    assert body(response) == data[:10]


@pytest.mark.django_db
def test_cached_copy_with_the_same_etag_gets_304(client, stored):
    publication, _ = stored

    response = client.get(
        "/publications/alliance-report/pdf/", HTTP_IF_NONE_MATCH=f'"{publication.first_pdf.sha256}"'
    )

    assert response.status_code == 304
    assert response["ETag"] == f'"{publication.first_pdf.sha256}"'


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
    publication.first_pdf.file.storage.delete(publication.first_pdf.file.name)

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


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("alliance-report.pdf", 'inline; filename="alliance-report.pdf"'),
        (
            "études-économiques.pdf",
            'inline; filename="etudes-economiques.pdf"; '
            "filename*=UTF-8''%C3%A9tudes-%C3%A9conomiques.pdf",
        ),
        (
            'x"; filename=evil.exe.pdf',
            'inline; filename="x-filename-evil.exe.pdf"; '
            "filename*=UTF-8''x%22%3B%20filename%3Devil.exe.pdf",
        ),
        ("../../etc/passwd", "inline; filename=\"etc-passwd\"; filename*=UTF-8''..-..-etc-passwd"),
        ("報告.pdf", "inline; filename=\"document.pdf\"; filename*=UTF-8''%E5%A0%B1%E5%91%8A.pdf"),
    ],
)
def test_content_disposition_is_rfc_6266_with_a_safe_ascii_fallback(filename, expected):
    assert content_disposition(attachment=False, filename=filename) == expected


@pytest.mark.parametrize(
    "slug",
    [
        'report"\r\nSet-Cookie: stolen=1',
        "report\nContent-Type: text/html",
        "report\\\"; filename*=UTF-8''evil.html",
        "report\x00\x7f\u2028\u0085",
    ],
)
@pytest.mark.django_db
def test_a_hostile_slug_never_adds_header_content(rf, slug):
    # Slugs come in through the importer and the admin; here one got past both.
    publication = PublicationFactory(slug="plain")
    attach_pdf(publication)
    publication.slug = slug

    file = publication.first_pdf
    response = file_response(
        rf.get("/"),
        file,
        public=True,
        attachment=True,
        filename=file_name(publication, file),
    )
    header = response["Content-Disposition"]
    plain = header.split('filename="', 1)[1].split('"', 1)[0]

    assert header.startswith('attachment; filename="')
    assert all(32 < ord(character) < 127 for character in header.replace(" ", ""))
    assert set(plain) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    assert header.count(";") <= 2
    assert "\r" not in unquote(header)
    assert "\n" not in unquote(header)


@pytest.mark.django_db
def test_only_the_inline_pdf_may_be_framed_and_only_by_our_own_pages(client, stored):
    pdf = client.get("/publications/alliance-report/pdf/")
    page = client.get("/publications/alliance-report/")
    download = client.get("/publications/alliance-report/download/")

    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in pdf["Content-Security-Policy"]
    for response in (page, download):
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def cover_png() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "navy").save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="cover.png")


@pytest.mark.django_db
def test_a_cover_is_served_through_the_publication_with_an_image_type(client):
    publication = PublicationFactory(slug="covered")
    publication.cover_image.save("cover.png", cover_png())

    response = client.get("/publications/covered/cover/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == publication.cover_image.read()
    assert "public" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_draft_cover_is_hidden_from_the_public(client, admin_client):
    publication = PublicationFactory(slug="draft-cover", status=Status.DRAFT)
    publication.cover_image.save("cover.png", cover_png())

    assert client.get("/publications/draft-cover/cover/").status_code == 404
    assert admin_client.get("/publications/draft-cover/cover/").status_code == 200


@pytest.mark.django_db
def test_a_cover_of_a_type_we_do_not_serve_is_404(client):
    publication = PublicationFactory(slug="odd-cover")
    publication.cover_image.save("cover.svg", ContentFile(b"<svg onload='alert(1)'/>"))

    assert client.get("/publications/odd-cover/cover/").status_code == 404
