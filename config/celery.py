"""The Celery app: settings come from Django's under the CELERY_ namespace."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("thinktank")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def release_stale_connections(task=None, **kwargs) -> None:
    """Drop a database connection that is broken or older than CONN_MAX_AGE, as Django does
    around each request; the next query opens a new one (CELERY_DB_REUSE_MAX keeps the rest).
    Not for a task run eagerly: it runs inside its caller's connection and transaction."""
    if task is not None and task.request.is_eager:
        return
    from django.db import close_old_connections

    close_old_connections()
