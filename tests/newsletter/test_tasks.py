import pytest
from django.conf import settings

from config.celery import app
from newsletter import tasks

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


def test_the_task_publications_send_by_name_exists_and_is_routed_to_email():
    from publications.services import ANNOUNCE_TASK

    assert tasks.announce_new_publications.name == ANNOUNCE_TASK
    assert app.amqp.router.route({}, ANNOUNCE_TASK, args=(), kwargs={})["queue"].name == "email"


def test_beat_announces_sweeps_and_purges_periodically():
    scheduled = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    announce = scheduled["newsletter.tasks.announce_new_publications"]
    assert announce["schedule"] == settings.NEWSLETTER_ANNOUNCE_INTERVAL
    assert "newsletter.tasks.sweep_campaigns" in scheduled
    assert "newsletter.tasks.purge_pending_subscribers" in scheduled
