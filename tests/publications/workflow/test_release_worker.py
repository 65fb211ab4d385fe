"""The release by the clock with real processes: beat's periodic check and a worker mark a
scheduled publication published within a minute of its time, and two workers given the same
check at once release it once."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.utils import timezone

from publications.models import Publication, Status
from publications.tasks import publish_due_publications
from publications.workflow import services as workflow
from publications.workflow.history import PublicationTransition
from tests.factories import PublicationFactory
from tests.servers import purge_test_broker, wait_until
from tests.workflow import publisher

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(240),
]


def scheduled_in(seconds: float) -> tuple[Publication, datetime.datetime]:
    publication = PublicationFactory(status=Status.APPROVED, title="Due soon")
    release = timezone.now() + datetime.timedelta(seconds=seconds)
    workflow.publication_schedule(publication=publication, actor=publisher(), release_at=release)
    return publication, release


def released(publication: Publication) -> bool:
    return Publication.objects.get(pk=publication.pk).status == Status.PUBLISHED


def test_beat_and_a_worker_release_it_within_a_minute_of_its_time(celery_worker):
    publication, release = scheduled_in(5)
    celery_worker()
    celery_worker(name="beat", beat=True)

    wait_until(lambda: released(publication), timeout=120, interval=0.5)
    late = timezone.now() - release

    assert late < datetime.timedelta(seconds=65)  # PUBLISH_DUE_INTERVAL 60 s, and the poll
    publication.refresh_from_db()
    assert publication.first_published_at is not None  # stamped, so announced


def test_two_workers_given_the_check_at_once_release_it_once(celery_worker):
    purge_test_broker()  # only this test's two checks in the queue, whatever ran before
    publication, release = scheduled_in(1)
    workers = [celery_worker(name="w1"), celery_worker(name="w2")]
    time.sleep(max(0.0, (release - timezone.now()).total_seconds()) + 0.5)

    publish_due_publications.delay()
    publish_due_publications.delay()

    # No result backend: each worker's log says what its task returned. Waited for by those
    # lines themselves: the workers' start-up banners name the task too.
    def succeeded() -> list[str]:
        log = "".join(w.output() for w in workers)
        return re.findall(r"publish_due_publications\[[^\]]+\] succeeded in [\d.]+s: (\d+)", log)

    wait_until(lambda: len(succeeded()) >= 2, timeout=60)
    returned = succeeded()
    assert sorted(returned) == ["0", "1"]
    assert released(publication)
    transitions = PublicationTransition.objects.filter(publication=publication, action="release")
    assert transitions.count() == 1
