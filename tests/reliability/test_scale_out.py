"""Scaling out: one Celery worker per queue, each as if on a machine of its own (no shared disk:
media in an S3 bucket on the local S3 API server, every worker its own empty media folder),
and the work divides between them, all of it done."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from newsletter.models import Subscriber, SubscriberStatus
from publications.models import (
    Extraction,
    ExtractionStatus,
    Publication,
    PublicationFile,
    Status,
)
from publications.services import publication_file_save
from tests.factories import PublicationFactory, TopicFactory
from tests.newsletter.smtp import SMTPServer
from tests.pdfs import make_pdf
from tests.servers import CeleryWorker, wait_until
from tests.workflow import publish as workflow_publish

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

SITE_URL = "https://publications.example.org"
QUEUES = ("extraction", "email")
SUCCEEDED = re.compile(r"Task ([\w.]+)\[[0-9a-f-]+\] succeeded")


@pytest.fixture
def smtp_server():
    """aiosmtpd on loopback, for the email worker."""
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def workers(bucket, s3_env, worker_env, celery_worker, smtp_server, tmp_path):
    """{queue: worker}: one worker per queue, media in the bucket, a media folder of its own."""
    worker_env.update(
        s3_env,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_server.port),
        SITE_URL=SITE_URL,
        NEWSLETTER_CONFIRMATION_INTERVAL="0",
        RATELIMIT_ENABLED="0",
    )
    started = {}
    for queue in QUEUES:
        # Read when the process starts: each worker gets its own folder.
        worker_env["MEDIA_ROOT"] = str(tmp_path / f"{queue}-machine")
        started[queue] = celery_worker(queues=queue, name=queue)
    return started


def succeeded(worker: CeleryWorker, expected: dict[str, int]) -> Counter:
    """Tasks this worker ran to success, by name, from its log, once it holds at least the
    expected counts (a task's own writes land before the worker logs its end)."""

    def logged() -> Counter | None:
        counts = Counter(SUCCEEDED.findall(worker.output()))
        return counts if all(counts[name] >= n for name, n in expected.items()) else None

    return wait_until(logged, timeout=60, message=worker.output())


def test_workers_on_separate_queues_and_disks_divide_the_work(
    workers, smtp_server, client, settings, tmp_path
):
    settings.RATELIMIT_ENABLED = False
    trade = TopicFactory(name="Trade")
    reader = Subscriber.objects.create(
        email="reader@example.org", status=SubscriberStatus.CONFIRMED, confirmed_at=timezone.now()
    )
    reader.topics.set([trade])
    titles = ["Tariffs and allies", "Export controls in practice", "Ports and shipping"]
    drafts = [
        PublicationFactory(title=title, status=Status.DRAFT, topics=[trade]) for title in titles
    ]
    for number, publication in enumerate(drafts):
        pages = [f"{publication.title}, page one.", f"Findings {number} on page two."]
        upload = ContentFile(make_pdf(pages), name="r.pdf")
        publication_file_save(file=PublicationFile(publication=publication), upload=upload)

    signup = client.post("/newsletter/", {"email": "new@example.org", "topics": [trade.pk]})
    workflow_publish(Publication.objects.filter(pk__in=[p.pk for p in drafts]))

    def extracted() -> set[str]:
        statuses = set(Extraction.objects.values_list("status", flat=True))
        return statuses if statuses <= {ExtractionStatus.DONE, ExtractionStatus.FAILED} else set()

    assert signup.status_code == 200
    assert wait_until(extracted, timeout=120) == {ExtractionStatus.DONE}
    (confirmation,) = wait_until(lambda: smtp_server.handler.to("new@example.org"), timeout=120)
    (update,) = wait_until(lambda: smtp_server.handler.to("reader@example.org"), timeout=120)
    assert "/newsletter/confirm/" in confirmation.text
    assert all(title in update.text for title in titles)
    for publication in drafts:
        assert publication.pages.count() == 2

    extraction_tasks = succeeded(
        workers["extraction"], {"publications.tasks.extract_pdf": len(drafts)}
    )
    email_tasks = succeeded(
        workers["email"],
        {
            "newsletter.tasks.send_confirmation": 1,
            "newsletter.tasks.announce_new_publications": 1,
            "newsletter.tasks.send_campaign": 1,
        },
    )
    assert extraction_tasks["publications.tasks.extract_pdf"] == len(drafts)
    assert all(name.startswith(("publications.", "search.")) for name in extraction_tasks)
    assert email_tasks["newsletter.tasks.send_confirmation"] == 1
    assert all(name.startswith("newsletter.") for name in email_tasks)
    # Files travelled through the bucket only: no worker (nor this process) wrote to a disk.
    assert not any((tmp_path / f"{queue}-machine").exists() for queue in QUEUES)
    assert not settings.MEDIA_ROOT.exists()
