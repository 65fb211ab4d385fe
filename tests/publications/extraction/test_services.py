"""The extraction pipeline called directly (the parser still runs in a forked, limited child)."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from publications import queue, services
from publications.extraction import engines
from publications.extraction import services as extraction
from publications.models import Extraction, ExtractionStatus
from tests import hostile_pdfs
from tests.pdfs import make_cid_pdf, make_pdf

pytestmark = pytest.mark.django_db

PAGES = [
    "Defense industrial cooperation between the United States and South Korea.",
    "Second page: the alliance and its shipbuilding capacity in the Pacific.",
    "Third page: recommendations on co-production and export controls.",
]


def extract(publication) -> Extraction:
    extraction.extraction_request(file=publication.first_pdf)
    extraction.extraction_run(file_id=publication.first_pdf.pk, sha256=publication.first_pdf.sha256)
    return Extraction.objects.get(publication=publication)


def test_each_page_text_is_stored_in_order_with_counts(with_pdf):
    publication = with_pdf(make_pdf(PAGES))

    result = extract(publication)

    assert result.status == ExtractionStatus.DONE
    assert list(publication.pages.values_list("text", flat=True)) == PAGES
    assert result.pages == 3
    assert result.characters == sum(len(page) for page in PAGES)
    assert result.extracted_sha256 == publication.first_pdf.sha256
    assert result.seconds is not None
    publication.refresh_from_db()
    assert publication.first_pdf.page_count == 3


def test_ligatures_come_out_as_plain_letters(with_pdf):
    publication = with_pdf(make_cid_pdf(["Eﬃcient ﬁnancing of ﬂeet modernisation is diﬃcult."]))

    extract(publication)

    assert (
        publication.pages.get().text == "Efficient financing of fleet modernisation is difficult."
    )


def test_words_run_together_by_pypdf_are_read_again_with_pdfium(with_pdf):
    text = "the package maintenance system efficiently handles dependencies for every archive"
    publication = with_pdf(make_cid_pdf([text] * 3, glue_words=True))

    result = extract(publication)

    assert result.flags == ["fallback-engine"]
    assert result.engine == "pdfium"
    assert " ".join(publication.pages.first().text.split()) == text


def test_without_pdfium_run_together_words_are_flagged(with_pdf, monkeypatch):
    monkeypatch.setattr(engines, "pypdfium2", None)
    publication = with_pdf(
        make_cid_pdf(["the package maintenance system handles it"] * 5, glue_words=True)
    )

    result = extract(publication)

    assert result.status == ExtractionStatus.DONE
    assert "garbled-text" in result.flags


@pytest.mark.parametrize(
    ("make_file", "reason"),
    [
        (hostile_pdfs.empty, "not-a-pdf"),
        (hostile_pdfs.html_named_pdf, "not-a-pdf"),
        (hostile_pdfs.truncated, "unreadable"),
        (lambda: hostile_pdfs.encrypted(user_password="s3cret"), "encrypted"),
        (hostile_pdfs.xref_loop, "unreadable"),
        (lambda: hostile_pdfs.inflation_bomb(gigabytes=2), "too-complex"),
        (lambda: hostile_pdfs.many_pages(6000), "too-complex"),
    ],
    ids=["zero-bytes", "html", "truncated", "password", "xref-loop", "inflation-bomb", "pages"],
)
def test_bad_files_fail_with_their_reason(with_pdf, make_file, reason):
    result = extract(with_pdf(make_file()))

    assert result.status == ExtractionStatus.FAILED
    assert result.reason == reason
    assert result.detail
    assert result.reason_text


def test_an_empty_user_password_opens_without_asking(with_pdf):
    result = extract(with_pdf(hostile_pdfs.encrypted(user_password="")))

    assert result.status == ExtractionStatus.DONE
    assert "Confidential briefing text." in result.publication.pages.get().text


def test_deeply_nested_objects_end_in_a_definite_state(with_pdf):
    result = extract(with_pdf(hostile_pdfs.deeply_nested()))

    assert result.status == ExtractionStatus.DONE or result.reason == "too-complex"


def test_a_scan_is_done_and_flagged_as_having_no_text_layer(with_pdf):
    result = extract(with_pdf(hostile_pdfs.scan_without_text()))

    assert result.status == ExtractionStatus.DONE
    assert result.flags == ["no-text-layer"]
    assert result.pages == 3


def test_a_file_over_the_time_limit_for_its_length_fails_saying_which_limit(with_pdf, settings):
    settings.EXTRACTION_TIME_LIMIT_BASE = 2
    settings.EXTRACTION_TIME_PER_PAGE = 0.0001
    # The page count is known after about 0.5 s and the text would take about 13 s when nothing
    # else runs: the 2.4 s limit falls between them even on a machine several times as busy.
    result = extract(with_pdf(hostile_pdfs.many_pages(4000, lines=40)))

    assert result.status == ExtractionStatus.FAILED
    assert result.reason == "timed-out"
    assert result.detail == "timeout: 2.4 s for 4,000 pages (2 s + 0.0001 s a page)"
    assert result.reason_text == (
        "Reading the PDF took longer than the time limit: "
        "timeout: 2.4 s for 4,000 pages (2 s + 0.0001 s a page)."
    )


def test_a_long_file_gets_time_for_its_pages_beyond_the_base(with_pdf, settings):
    settings.EXTRACTION_TIME_LIMIT_BASE = 1
    settings.EXTRACTION_TIME_PER_PAGE = 0.02
    # About 0.9 s to read when nothing else runs: this allows 1 s + 20 s.
    result = extract(with_pdf(hostile_pdfs.many_pages(1000)))

    assert result.status == ExtractionStatus.DONE
    assert result.pages == 1000


def test_a_file_already_extracted_is_not_extracted_again(with_pdf):
    publication = with_pdf(make_pdf(PAGES))
    extract(publication)

    assert extraction.extraction_request(file=publication.first_pdf) is False
    assert extraction.extraction_request(file=publication.first_pdf, force=True) is True


def test_a_task_for_a_replaced_file_does_nothing(with_pdf):
    publication = with_pdf(make_pdf(["old file text"]))
    old_sha = publication.first_pdf.sha256
    extraction.extraction_request(file=publication.first_pdf)
    services.publication_file_save(
        file=publication.first_pdf, upload=ContentFile(make_pdf(["new file text"])), name="new.pdf"
    )
    publication.save()
    extraction.extraction_request(file=publication.first_pdf)

    assert extraction.extraction_run(file_id=publication.first_pdf.pk, sha256=old_sha) == "skipped"
    extraction.extraction_run(file_id=publication.first_pdf.pk, sha256=publication.first_pdf.sha256)
    assert publication.pages.get().text == "new file text"


def test_a_file_replaced_while_it_is_parsed_keeps_the_new_files_text(with_pdf, monkeypatch):
    publication = with_pdf(make_pdf(["old file text"]))
    extraction.extraction_request(file=publication.first_pdf)
    parse = extraction.parse_pdf

    def parse_then_replace(path, *, on_pages=None):
        result = parse(path, on_pages=on_pages)  # the old file's text, then staff upload anew
        services.publication_file_save(
            file=publication.first_pdf,
            upload=ContentFile(make_pdf(["new file text"])),
            name="n.pdf",
        )
        publication.save()
        extraction.extraction_request(file=publication.first_pdf)
        return result

    monkeypatch.setattr(extraction, "parse_pdf", parse_then_replace)
    old = publication.first_pdf.sha256
    assert extraction.extraction_run(file_id=publication.first_pdf.pk, sha256=old) == "superseded"
    monkeypatch.setattr(extraction, "parse_pdf", parse)
    extraction.extraction_run(file_id=publication.first_pdf.pk, sha256=publication.first_pdf.sha256)

    assert publication.pages.get().text == "new file text"


def test_a_held_lease_cannot_be_claimed_but_an_expired_one_can(with_pdf):
    publication = with_pdf(make_pdf(PAGES))
    extraction.extraction_request(file=publication.first_pdf)
    sha = publication.first_pdf.sha256
    first = extraction.extraction_claim(file_id=publication.first_pdf.pk, sha256=sha)

    assert first.attempts == 1
    assert extraction.extraction_claim(file_id=publication.first_pdf.pk, sha256=sha) is None
    Extraction.objects.filter(publication=publication).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert extraction.extraction_claim(file_id=publication.first_pdf.pk, sha256=sha).attempts == 2


def test_the_lease_is_the_base_limit_until_the_page_count_extends_it(with_pdf, settings):
    settings.EXTRACTION_TIME_LIMIT_BASE = 120
    settings.EXTRACTION_TIME_PER_PAGE = 0.1
    settings.EXTRACTION_LEASE_MARGIN = 30
    publication = with_pdf(make_pdf(PAGES))
    extraction.extraction_request(file=publication.first_pdf)
    before = timezone.now()
    claimed = extraction.extraction_claim(
        file_id=publication.first_pdf.pk, sha256=publication.first_pdf.sha256
    )

    first_lease = Extraction.objects.get(publication=publication).lease_until - before
    extraction.extraction_hold(2000, extraction=claimed)
    held_lease = Extraction.objects.get(publication=publication).lease_until - before

    assert timedelta(seconds=150) <= first_lease < timedelta(seconds=155)
    assert timedelta(seconds=350) <= held_lease < timedelta(seconds=355)


def test_a_run_holds_its_row_for_the_page_count_the_parser_reports(with_pdf, monkeypatch):
    publication = with_pdf(make_pdf(PAGES))
    held = []
    monkeypatch.setattr(extraction, "extraction_hold", lambda pages, extraction: held.append(pages))

    extract(publication)

    assert held == [3]


def test_the_task_may_run_as_long_as_the_longest_file_allowed(settings):
    settings.EXTRACTION_TIME_LIMIT_BASE = 120
    settings.EXTRACTION_TIME_PER_PAGE = 0.1
    settings.EXTRACTION_MAX_PAGES = 5000
    settings.EXTRACTION_LEASE_MARGIN = 30

    assert extraction.longest_run_seconds() == 120 + 500 + 30


def test_a_file_that_took_its_worker_down_three_times_fails(with_pdf, settings):
    publication = with_pdf(make_pdf(PAGES))
    extraction.extraction_request(file=publication.first_pdf)
    Extraction.objects.filter(publication=publication).update(
        status=ExtractionStatus.RUNNING,
        attempts=settings.EXTRACTION_MAX_ATTEMPTS,
        lease_until=timezone.now() - timedelta(seconds=1),
    )

    result = extraction.extraction_run(
        file_id=publication.first_pdf.pk, sha256=publication.first_pdf.sha256
    )

    assert result == "skipped"
    row = Extraction.objects.get(publication=publication)
    assert row.status == ExtractionStatus.FAILED
    assert row.reason == "crashed-worker"


def test_the_sweep_requeues_stale_pending_and_expired_running_rows(with_pdf, settings):
    stale = with_pdf(make_pdf(["a stale pending row"]))
    expired = with_pdf(make_pdf(["a running row whose worker died"]))
    fresh = with_pdf(make_pdf(["a row queued a moment ago"]))
    for publication in (stale, expired, fresh):
        extraction.extraction_request(file=publication.first_pdf)
    long_ago = timezone.now() - timedelta(seconds=settings.EXTRACTION_PENDING_GRACE + 5)
    Extraction.objects.filter(publication=stale).update(queued_at=long_ago)
    Extraction.objects.filter(publication=expired).update(
        status=ExtractionStatus.RUNNING,
        lease_until=timezone.now() - timedelta(seconds=1),
        queued_at=long_ago,
    )

    sent = []
    original = queue.extract_pdf
    queue.extract_pdf = lambda pk, sha: sent.append(pk)
    try:
        assert extraction.extraction_sweep() == 2
        assert extraction.extraction_sweep() == 0  # each is sent once, then given time
    finally:
        queue.extract_pdf = original

    assert sorted(sent) == sorted([stale.first_pdf.pk, expired.first_pdf.pk])


def test_removing_the_pdf_removes_its_extraction_and_pages(with_pdf):
    publication = with_pdf(make_pdf(PAGES))
    extract(publication)
    services.publication_file_delete(file=publication.first_pdf)

    assert not Extraction.objects.filter(publication=publication).exists()
    assert not publication.pages.exists()


def test_saving_a_publication_with_a_new_pdf_queues_its_extraction_on_commit(
    with_pdf, django_capture_on_commit_callbacks
):
    publication = with_pdf(make_pdf(PAGES))

    with django_capture_on_commit_callbacks() as callbacks:
        services.publication_save(publication=publication)
    with django_capture_on_commit_callbacks() as again:
        services.publication_save(publication=publication)

    assert Extraction.objects.get(publication=publication).status == ExtractionStatus.PENDING
    assert any(getattr(c, "func", None) is queue.extract_pdf for c in callbacks)
    assert not any(getattr(c, "func", None) is queue.extract_pdf for c in again)


def test_imported_text_without_a_pdf_is_kept_when_saving(with_pdf):
    publication = with_pdf(make_pdf(PAGES))
    services.publication_file_delete(file=publication.first_pdf)
    publication.pages.create(number=1, text="Text given by the importer.")

    services.publication_save(publication=publication)

    assert publication.pages.get().text == "Text given by the importer."
