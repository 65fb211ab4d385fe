from types import SimpleNamespace

import pytest
from django.conf import settings

from config.celery import app
from newsletter import queue, tasks
from publications import signals

ANNOUNCE = "newsletter.tasks.announce_new_publications"
TASKS = [
    tasks.announce_new_publications,
    tasks.send_campaign,
    tasks.send_confirmation,
    tasks.send_campaign_test,
    tasks.sweep_campaigns,
    tasks.purge_pending_subscribers,
]


@pytest.mark.parametrize("task", TASKS, ids=lambda task: task.name)
def test_every_newsletter_task_goes_to_the_email_queue(task):
    assert app.amqp.router.route({}, task.name, args=(), kwargs={})["queue"].name == "email"


def test_a_release_the_catalogue_signals_queues_the_announcement(monkeypatch):
    sent = []
    monkeypatch.setattr(
        queue, "task", lambda name: SimpleNamespace(delay=lambda: sent.append(name))
    )

    signals.publications_released.send(sender=None)

    assert sent == [ANNOUNCE]
    assert tasks.announce_new_publications.name == ANNOUNCE


def test_beat_announces_sweeps_and_purges_periodically():
    scheduled = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    announce = scheduled["newsletter.tasks.announce_new_publications"]
    assert announce["schedule"] == settings.NEWSLETTER_ANNOUNCE_INTERVAL
    assert "newsletter.tasks.sweep_campaigns" in scheduled
    assert "newsletter.tasks.purge_pending_subscribers" in scheduled
