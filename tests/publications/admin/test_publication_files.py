"""The files inline on the publication's form: adding, ordering, replacing and deleting files,
refusals that keep what was typed, and what the form shows of each file."""

import hashlib

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from publications import queue
from publications.models import FileRole, Publication, PublicationFile, Status
from tests.factories import AuthorFactory, PublicationFactory
from tests.pdfs import make_pdf
from tests.publications.admin.forms import add_url, change_url, form_data, pdf_upload, with_pdf

pytestmark = pytest.mark.django_db

CSV = b"year,spending\n2023,12\n2024,15\n"


def inline_errors(response):
    """The files inline's errors, row by row, as {field: [messages]}."""
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is PublicationFile
    ]
    return [dict(errors) for errors in formset.errors]


def extraction_queued(callbacks):
    return [c.args for c in callbacks if getattr(c, "func", None) is queue.extract_pdf]


def test_a_pdf_added_in_the_inline_is_stored_with_its_facts_and_queued_for_extraction(
    admin_client, django_capture_on_commit_callbacks
):
    data = make_pdf(["Page one text", "Page two text"])

    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(add_url(), form_data(files=[{"file": pdf_upload(data)}]))

    assert response.status_code == 302, response.context["adminform"].form.errors
    file = Publication.objects.get(slug="typed-title").first_pdf
    assert (file.size, file.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert file.content_type == "application/pdf"
    assert file.file.storage.exists(file.file.name)
    assert extraction_queued(callbacks) == [(file.pk, file.sha256)]


def test_two_files_added_keep_their_roles_titles_languages_and_posted_order(admin_client):
    report = make_pdf(["The report."])
    response = admin_client.post(
        add_url(),
        form_data(
            files=[
                {
                    "file": SimpleUploadedFile("data.csv", CSV),
                    "role": FileRole.DATA,
                    "title": "Spending data",
                    "position": 5,
                },
                {
                    "file": pdf_upload(report),
                    "role": FileRole.FULL_REPORT,
                    "language": "pt-BR",
                    "position": 1,
                },
            ]
        ),
    )

    assert response.status_code == 302
    files = list(Publication.objects.get().files.all())
    assert [(f.role, f.title, f.language, f.content_type) for f in files] == [
        (FileRole.FULL_REPORT, "", "pt-BR", "application/pdf"),
        (FileRole.DATA, "Spending data", "", "text/csv"),
    ]
    assert Publication.objects.get().first_pdf == files[0]
    # The history records both (the admin's own save would; ours goes through the services).
    message = LogEntry.objects.get().get_change_message()
    assert "Added publication file “Spending data”." in message
    assert "Added publication file “Full report”." in message


def test_reordering_files_by_position_keeps_their_ids_and_bytes(admin_client):
    publication = with_pdf(PublicationFactory(), make_pdf(["first"]))
    admin_client.post(
        change_url(publication),
        form_data(publication, files=[{"file": SimpleUploadedFile("d.csv", CSV), "role": "data"}]),
    )
    pdf, csv = publication.files.all()
    data = form_data(publication)
    data["files-0-position"], data["files-1-position"] = "1", "0"

    response = admin_client.post(change_url(publication), data)

    assert response.status_code == 302
    assert list(publication.files.all()) == [csv, pdf]
    assert [(f.pk, f.sha256) for f in publication.files.all()] == [
        (csv.pk, csv.sha256),
        (pdf.pk, pdf.sha256),
    ]


def test_a_language_that_is_not_a_tag_is_refused(admin_client):
    response = admin_client.post(
        add_url(), form_data(files=[{"file": pdf_upload(), "language": "English please"}])
    )

    assert response.status_code == 200
    assert "BCP 47" in inline_errors(response)[0]["language"][0]
    assert not Publication.objects.exists()


def test_replacing_a_files_bytes_keeps_its_id_and_deletes_the_old_bytes_on_commit(
    admin_client, django_capture_on_commit_callbacks
):
    publication = with_pdf(PublicationFactory(), make_pdf(["old"]))
    before = publication.first_pdf
    new = make_pdf(["new", "pages"])
    data = form_data(publication)
    data["files-0-file"] = pdf_upload(new)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        admin_client.post(change_url(publication), data)

    after = publication.files.get()
    assert after.pk == before.pk
    assert after.sha256 == hashlib.sha256(new).hexdigest()
    assert after.file.storage.exists(after.file.name)
    assert not before.file.storage.exists(before.file.name)
    assert extraction_queued(callbacks) == [(after.pk, after.sha256)]


def test_uploading_the_same_bytes_again_changes_nothing(
    admin_client, django_capture_on_commit_callbacks
):
    data = make_pdf(["same"])
    publication = with_pdf(PublicationFactory(), data)
    name = publication.first_pdf.file.name
    post = form_data(publication)
    post["files-0-file"] = pdf_upload(data)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(change_url(publication), post)

    assert response.status_code == 302
    file = publication.files.get()
    assert file.file.name == name
    assert file.file.storage.listdir(name.rsplit("/", 1)[0])[1] == [name.rsplit("/", 1)[1]]
    assert extraction_queued(callbacks) == []


def test_changing_only_a_title_keeps_the_stored_file(admin_client):
    publication = with_pdf(PublicationFactory(), make_pdf(["kept"]))
    before = publication.first_pdf
    data = form_data(publication)
    data["files-0-title"] = "Full report (English)"

    admin_client.post(change_url(publication), data)

    after = publication.files.get()
    assert (after.title, after.file.name, after.sha256) == (
        "Full report (English)",
        before.file.name,
        before.sha256,
    )


def test_deleting_the_inline_row_removes_the_file_and_its_bytes_on_commit(
    admin_client, django_capture_on_commit_callbacks
):
    publication = with_pdf(PublicationFactory(), make_pdf(["gone"]))
    file = publication.first_pdf
    data = form_data(publication)
    data["files-0-DELETE"] = "on"

    with django_capture_on_commit_callbacks() as callbacks:
        admin_client.post(change_url(publication), data)
        assert file.file.storage.exists(file.file.name)  # until the transaction commits
    for callback in callbacks:
        callback()

    assert not PublicationFile.objects.exists()
    assert not file.file.storage.exists(file.file.name)


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (
            SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>"),
            "This is not a PDF file: it does not start with %PDF-.",
        ),
        (SimpleUploadedFile("empty.pdf", b""), "The submitted file is empty."),
        (
            SimpleUploadedFile("data.csv", b"MZ\x90\x00\x03\x00"),
            "This is not a CSV file: it is not text.",
        ),
        (SimpleUploadedFile("tool.exe", b"MZ\x90\x00"), "Files of type .exe are not accepted"),
    ],
)
def test_a_bad_upload_is_refused_and_the_form_keeps_what_was_typed(admin_client, upload, error):
    author = AuthorFactory(name="Kept Author")

    response = admin_client.post(
        add_url(),
        form_data(authors=[(0, author)], abstract="Kept abstract text.", files=[{"file": upload}]),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {}
    (errors,) = inline_errors(response)
    assert list(errors) == ["file"]
    assert error in " ".join(errors["file"])
    html = response.content.decode()
    assert 'value="Typed title"' in html
    assert "Kept abstract text." in html
    assert "Kept Author" in html
    assert not Publication.objects.exists()


def test_an_oversize_upload_is_refused_with_the_limit(admin_client, settings):
    settings.PUBLICATION_PDF_MAX_BYTES = 1000
    data = make_pdf(["x" * 3000, "y" * 3000])
    assert len(data) > 1000

    response = admin_client.post(
        add_url(), form_data(abstract="Kept abstract text.", files=[{"file": pdf_upload(data)}])
    )

    assert response.status_code == 200
    (errors,) = inline_errors(response)
    assert "the limit is 1000" in errors["file"][0]
    html = response.content.decode()
    assert 'value="Typed title"' in html
    assert "Kept abstract text." in html


def test_the_inline_shows_each_files_size_type_and_extraction(admin_client):
    publication = with_pdf(PublicationFactory(), make_pdf(["x"]))
    admin_client.post(
        change_url(publication),
        form_data(publication, files=[{"file": SimpleUploadedFile("d.csv", CSV), "role": "data"}]),
    )
    pdf, csv = publication.files.all()

    html = admin_client.get(change_url(publication)).content.decode()

    assert f"{pdf.size}\xa0bytes, PDF" in html
    assert f"{len(CSV)}\xa0bytes, CSV" in html
    poll = f"/admin/publications/publication/{publication.pk}/files/{pdf.pk}/extraction.json"
    assert f'data-poll-url="{poll}"' in html
    assert f"/files/{csv.pk}/extraction.json" not in html  # only PDFs are extracted


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PUBLISHED])
def test_the_current_file_link_opens_the_file_for_staff(admin_client, status):
    data = make_pdf(["x"])
    publication = with_pdf(
        PublicationFactory(slug="linked", status=status, publication_date=timezone.localdate()),
        data,
    )
    file = publication.first_pdf

    html = admin_client.get(change_url(publication)).content.decode()

    url = f"/publications/linked/files/{file.pk}/"
    assert f'Currently: <a href="{url}">{file.file.name}</a>' in html
    assert "/media/" not in html
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data


def test_the_file_link_keeps_the_saved_slug_when_the_form_comes_back_with_errors(admin_client):
    publication = with_pdf(PublicationFactory(slug="saved-slug"), make_pdf(["x"]))
    file = publication.first_pdf

    response = admin_client.post(
        change_url(publication), form_data(publication, slug="typed-slug", title="")
    )

    assert response.status_code == 200
    assert f'<a href="/publications/saved-slug/files/{file.pk}/">' in response.content.decode()
