"""Serving a publication's files by their stable ids: /files/<id>/ and /files/<id>/download/,
with safe headers on every type, drafts hidden from the public, old slugs redirected."""

import datetime

import pytest

from publications.file_types import FILE_TYPES
from publications.models import Status
from tests.factories import PublicationFactory, PublicationFileFactory
from tests.uploads import body, zipped

CSV = b"year,spending\n2023,12\n2024,15\n"


@pytest.mark.django_db
def test_each_file_has_a_url_by_its_id_that_survives_reordering(client, stored):
    publication, data = stored
    first = publication.first_pdf
    csv = PublicationFileFactory(
        publication=publication, data=CSV, content_type="text/csv", role="data"
    )
    url = f"/publications/alliance-report/files/{csv.pk}/download/"
    assert body(client.get(url)) == CSV

    publication.files.filter(pk=csv.pk).update(position=0)
    publication.files.filter(pk=first.pk).update(position=1)

    assert body(client.get(url)) == CSV
    assert body(client.get(f"/publications/alliance-report/files/{first.pk}/")) == data
    # The old addresses serve the first PDF, wherever it stands.
    assert body(client.get("/publications/alliance-report/pdf/")) == data
    assert body(client.get("/publications/alliance-report/download/")) == data


@pytest.mark.django_db
def test_a_file_of_another_publication_is_404(client, stored):
    other = PublicationFileFactory(publication=PublicationFactory(slug="other"))

    assert client.get(f"/publications/alliance-report/files/{other.pk}/").status_code == 404
    assert client.get("/publications/alliance-report/files/999999/").status_code == 404


@pytest.mark.django_db
def test_a_pdf_file_is_inline_and_framable_by_our_pages_under_a_restrictive_policy(client, stored):
    publication, _ = stored
    response = client.get(f"/publications/alliance-report/files/{publication.first_pdf.pk}/")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="alliance-report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert "script-src" not in policy


@pytest.mark.django_db
def test_a_data_file_is_always_an_attachment_of_its_own_type(client, stored):
    publication, _ = stored
    csv = PublicationFileFactory(
        publication=publication, data=CSV, content_type="text/csv", role="data", language="fr"
    )

    for url in (
        f"/publications/alliance-report/files/{csv.pk}/",
        f"/publications/alliance-report/files/{csv.pk}/download/",
    ):
        response = client.get(url)
        assert response["Content-Type"] == "text/csv"
        assert response["Content-Disposition"] == (
            'attachment; filename="alliance-report-data-fr.csv"'
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_a_draft_publications_files_are_hidden_from_the_public(client, admin_client):
    draft = PublicationFactory(slug="draft-files", status=Status.DRAFT)
    file = PublicationFileFactory(publication=draft)

    assert client.get(f"/publications/draft-files/files/{file.pk}/").status_code == 404
    assert admin_client.get(f"/publications/draft-files/files/{file.pk}/").status_code == 200


@pytest.mark.django_db
def test_an_old_slug_redirects_a_file_url_keeping_the_file(client, stored):
    publication, _ = stored
    file = publication.first_pdf
    publication.slug_redirects.create(old_slug="old-alliance")

    response = client.get(f"/publications/old-alliance/files/{file.pk}/download/")

    assert response.status_code == 301
    assert response["Location"] == f"/publications/alliance-report/files/{file.pk}/download/"


SAMPLES = {
    ".pdf": b"%PDF-1.4 sample",
    ".csv": b"a,b\n1,2\n",
    ".xlsx": zipped("[Content_Types].xml", "xl/workbook.xml"),
    ".docx": zipped("[Content_Types].xml", "word/document.xml"),
    ".pptx": zipped("[Content_Types].xml", "ppt/presentation.xml"),
    ".zip": zipped("a.txt"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("extension", FILE_TYPES)
@pytest.mark.parametrize("suffix", ["", "download/"])
def test_every_type_is_served_with_safe_headers(client, extension, suffix):
    file_type = FILE_TYPES[extension]
    publication = PublicationFactory(slug="typed")
    file = PublicationFileFactory(
        publication=publication, data=SAMPLES[extension], content_type=file_type.content_type
    )

    response = client.get(f"/publications/typed/files/{file.pk}/{suffix}")

    assert response.status_code == 200
    assert body(response) == SAMPLES[extension]
    assert response["Content-Type"] == file_type.content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
    disposition = "inline" if file_type.inline and not suffix else "attachment"
    assert response["Content-Disposition"] == f'{disposition}; filename="typed{extension}"'
    if suffix:  # only the view address may be framed, by our own pages
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.DRAFT, Status.SCHEDULED])
@pytest.mark.parametrize("content_type", ["application/pdf", "text/csv"])
@pytest.mark.parametrize("suffix", ["", "download/"])
def test_files_of_a_publication_not_yet_public_are_404_to_the_public_and_served_to_staff(
    client, admin_client, status, content_type, suffix
):
    hidden = PublicationFactory(
        slug="hidden", status=status, publication_date=datetime.date(2099, 1, 1)
    )
    file = PublicationFileFactory(publication=hidden, content_type=content_type)
    url = f"/publications/hidden/files/{file.pk}/{suffix}"

    assert client.get(url).status_code == 404
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
