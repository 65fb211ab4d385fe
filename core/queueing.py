"""Queuing a task by name, so an app's services never import its tasks (which import them)."""

from __future__ import annotations

from celery import Task, current_app


def task(name: str) -> Task:
    """The registered task of this name; the apps' tasks modules are imported on first use,
    as a worker does at start (a web process never imports them otherwise)."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]
