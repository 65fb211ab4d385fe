"""The extraction pipeline against real worker processes, a real broker and real faults."""

from __future__ import annotations

import contextlib
import os
import signal

import psutil
import pytest
from django.db import transaction

from publications.extraction import services as extraction
from publications.models import Extraction, ExtractionStatus, PublicationPage
from tests import conftest, hostile_pdfs
from tests.pdfs import make_pdf
from tests.servers import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]


def request_all(publications) -> None:
    with transaction.atomic():
        for publication in publications:
            extraction.extraction_request(file=publication.first_pdf)


def statuses(publications) -> dict[str, int]:
    rows = Extraction.objects.filter(publication__in=publications)
    return {status: rows.filter(status=status).count() for status in ExtractionStatus.values}


def all_done(publications):
    return lambda: statuses(publications)[ExtractionStatus.DONE] == len(publications)


def expected_text(n: int) -> str:
    return f"Publication {n}: findings on maritime security and alliance burden sharing."


@pytest.fixture
def many(with_pdf):
    def make(count: int):
        return [with_pdf(make_pdf([expected_text(n), "Annex."])) for n in range(count)]

    return make


def test_a_pdf_saved_with_its_publication_is_extracted_by_the_worker(celery_worker, with_pdf):
    publication = with_pdf(make_pdf(["First page of the brief.", "Second page of the brief."]))
    celery_worker()

    request_all([publication])

    wait_until(all_done([publication]), timeout=60, message=str(statuses([publication])))
    texts = list(publication.pages.values_list("text", flat=True))
    assert texts == ["First page of the brief.", "Second page of the brief."]


def test_bad_files_fail_while_the_worker_goes_on(celery_worker, with_pdf):
    bad = [with_pdf(hostile_pdfs.html_named_pdf()), with_pdf(hostile_pdfs.truncated())]
    good = with_pdf(make_pdf(["A good file after the bad ones."]))
    worker = celery_worker()

    request_all([*bad, good])

    wait_until(all_done([good]), timeout=60, message=str(statuses([*bad, good])))
    assert statuses(bad)[ExtractionStatus.FAILED] == 2
    assert worker.process.poll() is None


def test_a_task_queued_in_a_transaction_that_rolls_back_is_never_sent(
    worker_env, with_pdf, broker_queue_length
):
    publication = with_pdf(make_pdf(["Never to be extracted."]))
    before = broker_queue_length()

    def save_that_fails():
        with transaction.atomic():
            extraction.extraction_request(file=publication.first_pdf)
            raise RuntimeError("the admin form failed after the upload")

    with pytest.raises(RuntimeError):
        save_that_fails()

    assert broker_queue_length() == before
    assert not Extraction.objects.filter(publication=publication).exists()


def _parse_child(worker) -> psutil.Process | None:
    for process in psutil.Process(worker.process.pid).children(recursive=True):
        with contextlib.suppress(ProcessLookupError):
            if os.getpgid(process.pid) == process.pid:
                return process  # the parser leads its own process group
    return None


def test_killing_the_parsing_child_retries_the_file(celery_worker, with_pdf):
    publication = with_pdf(hostile_pdfs.many_pages(2500))
    worker = celery_worker()
    request_all([publication])

    child = wait_until(lambda: _parse_child(worker), timeout=30, interval=0.05)
    child.send_signal(signal.SIGKILL)

    wait_until(all_done([publication]), timeout=90, message=str(statuses([publication])))
    assert Extraction.objects.get(publication=publication).attempts == 2
    assert worker.process.poll() is None


def test_killing_the_worker_with_100_tasks_queued_loses_nothing(celery_worker, many):
    publications = many(100)
    request_all(publications)
    first = celery_worker()
    wait_until(lambda: statuses(publications)[ExtractionStatus.DONE] >= 10, timeout=60)

    first.kill()
    celery_worker(name="w2")
    celery_worker(beat=True, name="beat")

    wait_until(all_done(publications), timeout=150, message=str(statuses(publications)))
    for n, publication in enumerate(publications):
        assert list(publication.pages.values_list("text", flat=True)) == [
            expected_text(n),
            "Annex.",
        ]
    assert PublicationPage.objects.filter(publication__in=publications).count() == 200


@pytest.mark.skipif(
    bool(os.environ.get("REDIS_URL")),
    reason="restarting the broker needs the suite's private Redis, not the configured server",
)
def test_a_broker_restarted_with_an_empty_queue_loses_nothing(celery_worker, many):
    publications = many(40)
    request_all(publications)
    celery_worker()
    celery_worker(beat=True, name="beat")
    wait_until(lambda: statuses(publications)[ExtractionStatus.DONE] >= 5, timeout=60)

    conftest.TEST_REDIS.restart()

    wait_until(all_done(publications), timeout=150, message=str(statuses(publications)))
