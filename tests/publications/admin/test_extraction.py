"""Extraction as staff see it in the admin: status, reason, flags, filters, re-extract, polling."""

import pytest
from django.urls import reverse

from publications import queue
from publications.extraction import services as extraction
from publications.models import Extraction, ExtractionStatus
from tests import hostile_pdfs
from tests.pdfs import make_pdf

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/publications/publication/"


@pytest.fixture
def done_and_failed(with_pdf):
    done = with_pdf(make_pdf(["Readable page one.", "Readable page two."]), title="Readable")
    failed = with_pdf(hostile_pdfs.encrypted(user_password="pw"), title="Locked")
    for publication in (done, failed):
        extraction.extraction_request(file=publication.first_pdf)
        extraction.extraction_run(
            file_id=publication.first_pdf.pk, sha256=publication.first_pdf.sha256
        )
    return done, failed


def test_changelist_shows_status_pages_and_reason_in_words(admin_client, done_and_failed):
    html = admin_client.get(CHANGELIST).content.decode()

    assert "extraction-done" in html
    assert "Done · 2 pages" in html
    assert "extraction-failed" in html
    assert "The PDF is protected by a password." in html


def test_changelist_filters_by_extraction_status(admin_client, done_and_failed):
    _done, failed = done_and_failed

    response = admin_client.get(CHANGELIST, {"extraction": "failed"})

    assert [row.pk for row in response.context["cl"].result_list] == [failed.pk]


def test_changelist_filters_by_flag(admin_client, with_pdf):
    scan = with_pdf(hostile_pdfs.scan_without_text(), title="Scanned")
    with_pdf(make_pdf(["Text layer present on this page."]), title="Typed")
    for publication in scan.__class__.objects.all():
        extraction.extraction_request(file=publication.first_pdf)
        extraction.extraction_run(
            file_id=publication.first_pdf.pk, sha256=publication.first_pdf.sha256
        )

    response = admin_client.get(CHANGELIST, {"extraction_flag": "no-text-layer"})

    assert [row.pk for row in response.context["cl"].result_list] == [scan.pk]


def test_reextract_action_queues_the_selected_pdfs_again(
    admin_client, done_and_failed, django_capture_on_commit_callbacks
):
    done, failed = done_and_failed

    with django_capture_on_commit_callbacks() as callbacks:
        admin_client.post(
            CHANGELIST,
            {"action": "reextract_selected", "_selected_action": [done.pk, failed.pk]},
        )

    statuses = set(Extraction.objects.values_list("status", flat=True))
    assert statuses == {ExtractionStatus.PENDING}
    assert len([c for c in callbacks if getattr(c, "func", None) is queue.extract_pdf]) == 2


def poll_url(publication):
    return reverse(
        "admin:publications_publication_file_extraction",
        args=[publication.pk, publication.first_pdf.pk],
    )


def test_change_form_polls_a_json_status_while_extraction_runs(admin_client, with_pdf):
    publication = with_pdf(make_pdf(["Waiting for the worker."]))
    extraction.extraction_request(file=publication.first_pdf)
    url = poll_url(publication)

    form = admin_client.get(reverse("admin:publications_publication_change", args=[publication.pk]))
    pending = admin_client.get(url).json()
    extraction.extraction_run(file_id=publication.first_pdf.pk, sha256=publication.first_pdf.sha256)
    done = admin_client.get(url).json()

    assert url.endswith(f"/{publication.pk}/files/{publication.first_pdf.pk}/extraction.json")
    assert f'data-poll-url="{url}"' in form.content.decode()
    assert "extraction-status.js" in form.content.decode()
    assert pending["status"] == "pending"
    assert done["status"] == "done"
    assert done["summary"].startswith("Done · 1 page · ")


def test_the_status_poll_says_the_page_count_in_the_summary_it_shows(admin_client, with_pdf):
    publication = with_pdf(make_pdf(["One.", "Two.", "Three."]))
    extraction.extraction_request(file=publication.first_pdf)
    url = poll_url(publication)

    pending = admin_client.get(url).json()
    extraction.extraction_run(file_id=publication.first_pdf.pk, sha256=publication.first_pdf.sha256)
    done = admin_client.get(url).json()

    # One form lists several files: the summary in the replaced status, not a field, says it.
    assert pending["summary"] == "Pending"
    assert done["summary"].startswith("Done · 3 pages · ")
    assert "Done · 3 pages · " in done["html"]
    assert done["fields"] == {}


def test_the_status_poll_of_another_publications_file_is_404(admin_client, with_pdf):
    first, second = with_pdf(make_pdf(["One."])), with_pdf(make_pdf(["Two."]))
    url = reverse(
        "admin:publications_publication_file_extraction",
        args=[first.pk, second.first_pdf.pk],
    )

    assert admin_client.get(url).status_code == 404


def test_extraction_status_json_is_for_staff_only(client, with_pdf):
    publication = with_pdf(make_pdf(["Private."]))

    assert client.get(poll_url(publication)).status_code == 302
